// Applies an import plan to a working copy through the same apply functions the SDK operations
// use (CreateResource, PutMethod, PutIntegration, …), so an imported API passes the same checks.
// `overwrite` replaces the API's definition; `merge` adds to it, a method in the document
// replacing the method of the same resource and verb (PutRestApi modes, documented).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api-update.html
import { shortId } from '../aws/ids.js';
import { createAuthorizer } from '../control-plane/apigateway/authorizers.js';
import { putGatewayResponse } from '../control-plane/apigateway/gateway-responses.js';
import { putIntegrationResponse } from '../control-plane/apigateway/integration-responses.js';
import { putIntegration } from '../control-plane/apigateway/integrations.js';
import { putMethodResponse } from '../control-plane/apigateway/method-responses.js';
import { deleteMethod, putMethod } from '../control-plane/apigateway/methods.js';
import { createModel, updateModel } from '../control-plane/apigateway/models.js';
import { createRequestValidator, updateRequestValidator } from '../control-plane/apigateway/request-validators.js';
import { createResource } from '../control-plane/apigateway/resources.js';
import { buildRestApi, CUSTOM_ID_TAG } from '../control-plane/apigateway/rest-apis.js';
import type { HttpMethod, Resource, RestApi, RestApiDefinition } from '../model/rest-api.js';
import type { GatewayEnvironment } from '../options/gateway-environment.js';
import { attempt, isObject, type ImportProblems } from './document.js';
import type { ImportPlan, PlannedMethod } from './plan.js';

export type ApplyMode = 'create' | 'overwrite' | 'merge';

/** API fields PutRestApi takes from the document (`merge`: only those it sets). */
const DOCUMENT_FIELDS = ['description', 'version', 'binaryMediaTypes', 'minimumCompressionSize', 'apiKeySource', 'policy', 'disableExecuteApiEndpoint'] as const;

export function applyPlan(definition: RestApiDefinition, plan: ImportPlan, problems: ImportProblems, env: GatewayEnvironment, mode: ApplyMode): void {
  let previousIds = new Map<string, string>();
  if (mode !== 'create') applyApiFields(definition.api, plan.api, mode, problems);
  if (mode === 'overwrite') previousIds = reset(definition);

  for (const model of plan.models.models()) {
    const schema = plan.models.render(model, definition.api.id);
    attempt(problems, `Unable to create model '${model.name}'`, () => {
      if (Object.hasOwn(definition.models, model.name)) {
        const operations = [{ op: 'replace' as const, path: '/schema', value: schema, from: undefined }];
        if (model.description) operations.push({ op: 'replace', path: '/description', value: model.description, from: undefined });
        return updateModel(definition, model.name, operations);
      }
      return createModel(definition, { name: model.name, contentType: 'application/json', schema, description: model.description });
    });
  }

  const validatorIds = new Map(Object.values(definition.requestValidators).map((v) => [v.name, v.id]));
  for (const { name, body } of plan.validators) {
    const existing = validatorIds.get(name);
    const validator = attempt(problems, `Unable to create request validator '${name}'`, () => existing === undefined
      ? createRequestValidator(definition, body)
      : updateRequestValidator(definition, existing, ['validateRequestBody', 'validateRequestParameters'].map((key) => ({
        op: 'replace' as const, path: `/${key}`, value: String(body[key] ?? false), from: undefined,
      }))));
    if (validator) validatorIds.set(name, validator.id);
  }

  const authorizerIds = new Map(Object.values(definition.authorizers ?? {}).map((a) => [a.name, a.id]));
  for (const { name, body } of plan.authorizers) {
    const existing = authorizerIds.get(name);
    if (existing !== undefined) delete definition.authorizers?.[existing];
    const authorizer = attempt(problems, `Unable to create authorizer '${name}'`, () => createAuthorizer(definition, body)); // label unverified
    if (!authorizer) continue;
    if (existing !== undefined && definition.authorizers) {
      // merge keeps the authorizer's id, so methods outside the document still point at it
      delete definition.authorizers[authorizer.id];
      authorizer.id = existing;
      definition.authorizers[existing] = authorizer;
    }
    authorizerIds.set(name, authorizer.id);
  }

  for (const { responseType, body } of plan.gatewayResponses) {
    attempt(problems, `Unable to put gateway response '${responseType}'`, () => putGatewayResponse(definition, responseType, body)); // label unverified
  }

  const byPath = new Map(Object.values(definition.resources).map((r) => [r.path, r]));
  const paths = [...plan.paths].sort((a, b) => a.path.localeCompare(b.path));
  for (const planned of paths) {
    const resource = ensureResource(definition, env, byPath, previousIds, planned.path, problems);
    if (!resource) continue;
    for (const method of planned.methods) applyMethod(definition, env, resource, method, { validatorIds, authorizerIds }, problems, mode);
  }

  if (plan.documentation) applyDocumentation(definition, plan.documentation);
}

const LOCATION_FIELDS = ['type', 'path', 'method', 'statusCode', 'name'] as const;
const locationKey = (location: Record<string, string | undefined>) => JSON.stringify(LOCATION_FIELDS.map((field) => location[field] ?? null));

/**
 * The document's documentation parts: added, or replacing the part at the same location (an
 * overwrite has already removed the others; merge keeps them). The version label is the
 * document's when it has one.
 */
function applyDocumentation(definition: RestApiDefinition, documentation: NonNullable<ImportPlan['documentation']>): void {
  const parts = new Map((definition.documentation?.parts ?? []).map((part) => [locationKey(part.location), part]));
  for (const part of documentation.parts) {
    const key = locationKey(part.location);
    parts.set(key, { id: parts.get(key)?.id ?? shortId(6), location: { ...part.location, type: part.location.type }, properties: part.properties });
  }
  const version = documentation.version ?? definition.documentation?.version;
  definition.documentation = { ...(version === undefined ? {} : { version }), parts: [...parts.values()] };
}

/**
 * PutRestApi: the document's API fields, validated as CreateRestApi validates them. `merge` adds
 * the document's binary media types to the API's (recorded: [image/heif] merged with
 * [image/png, image/jpg] gives [image/heif, image/png, image/jpg]); `overwrite` takes the
 * document's, tags included. The endpoint configuration is never changed: "You can import API
 * definitions only to update an existing API, without changing its endpoint configuration"
 * (documented), so a different one in the document or the parameters is a warning.
 */
function applyApiFields(api: RestApi, fields: Record<string, unknown>, mode: ApplyMode, problems: ImportProblems): void {
  const { tags, endpointConfiguration, ...rest } = fields;
  const fresh = buildRestApi({ ...rest, name: fields.name ?? api.name });
  api.name = fresh.name;
  for (const key of DOCUMENT_FIELDS) {
    if (mode === 'merge' && (fields[key] === undefined || key === 'binaryMediaTypes')) continue;
    if (fresh[key] === undefined) delete api[key];
    else Object.assign(api, { [key]: fresh[key] });
  }
  if (mode === 'merge' && fresh.binaryMediaTypes) {
    api.binaryMediaTypes = [...new Set([...(api.binaryMediaTypes ?? []), ...fresh.binaryMediaTypes])];
  }
  if (endpointChanges(api, endpointConfiguration)) {
    problems.warn('PutRestApi does not change the endpoint configuration of an API; the endpoint configuration of the document and the endpointConfigurationTypes parameter are ignored'); // wording unverified
  }
  const { [CUSTOM_ID_TAG]: _ignored, ...documentTags } = (tags ?? {}) as Record<string, string>;
  const customId = api.tags?.[CUSTOM_ID_TAG];
  const kept = mode === 'overwrite' ? (customId === undefined ? {} : { [CUSTOM_ID_TAG]: customId }) : api.tags;
  const merged = { ...kept, ...documentTags };
  if (Object.keys(merged).length > 0) api.tags = merged;
  else delete api.tags;
}

/** Whether the planned endpoint configuration (types from the parameter, the document's vpcEndpointIds) differs from the API's. */
function endpointChanges(api: RestApi, planned: unknown): boolean {
  if (!isObject(planned)) return false;
  const same = (a: unknown, b: readonly string[] | undefined) => JSON.stringify(Array.isArray(a) ? a : []) === JSON.stringify(b ?? []);
  return (planned.types !== undefined && !same(planned.types, api.endpointConfiguration.types))
    || (planned.vpcEndpointIds !== undefined && !same(planned.vpcEndpointIds, api.endpointConfiguration.vpcEndpointIds));
}

/** overwrite: back to a root resource with no methods; answers the old resource ids by path. */
function reset(definition: RestApiDefinition): Map<string, string> {
  const previous = new Map(Object.values(definition.resources).map((r) => [r.path, r.id]));
  const rootId = definition.api.rootResourceId;
  definition.resources = { [rootId]: { id: rootId, path: '/' } };
  definition.models = {};
  definition.requestValidators = {};
  definition.gatewayResponses = {};
  delete definition.authorizers;
  delete definition.documentation;
  return previous;
}

/** The resource at `path`, creating the missing ones on the way (ids kept from before an overwrite). */
function ensureResource(
  definition: RestApiDefinition, env: GatewayEnvironment, byPath: Map<string, Resource>, previousIds: Map<string, string>,
  path: string, problems: ImportProblems,
): Resource | undefined {
  let current = byPath.get('/');
  if (path === '/') return current;
  let at = '';
  for (const part of path.slice(1).split('/')) {
    at += `/${part}`;
    const existing = byPath.get(at);
    if (existing) {
      current = existing;
      continue;
    }
    const parent = current;
    if (!parent) return undefined;
    current = attempt(problems, `Unable to create resource at path '${at}'`, () => createResource(definition, env, parent.id, part, previousIds.get(at))); // label unverified
    if (!current) return undefined;
    byPath.set(at, current);
  }
  return current;
}

function applyMethod(
  definition: RestApiDefinition, env: GatewayEnvironment, resource: Resource, planned: PlannedMethod,
  ids: { validatorIds: Map<string, string>; authorizerIds: Map<string, string> }, problems: ImportProblems, mode: ApplyMode,
): void {
  const { verb } = planned;
  const where = `'${verb}' for resource at path '${resource.path}'`;
  if (mode === 'merge' && resource.resourceMethods?.[verb as HttpMethod]) deleteMethod(definition, resource.id, verb);
  const body = { ...planned.method };
  // An unknown name is passed on as is: PutMethod then answers AWS's invalid-identifier error.
  if (planned.requestValidatorName !== undefined) body.requestValidatorId = ids.validatorIds.get(planned.requestValidatorName) ?? planned.requestValidatorName;
  if (planned.authorizerName !== undefined) body.authorizerId = ids.authorizerIds.get(planned.authorizerName) ?? planned.authorizerName;
  const method = attempt(problems, `Unable to put method ${where}`, () => putMethod(definition, resource.id, verb, body)); // label unverified
  if (!method) return;
  for (const { statusCode, body: response } of planned.responses) {
    attempt(problems, `Unable to put method response '${statusCode}' on ${where}`, () => // label unverified
      putMethodResponse(definition, resource.id, verb, statusCode, response));
  }
  if (!planned.integration) return;
  const integration = planned.integration;
  // recorded: "Unable to put integration on 'GET' for resource at path '/': Invalid HTTP endpoint specified for URI"
  const put = attempt(problems, `Unable to put integration on ${where}`, () => putIntegration(definition, env, resource.id, verb, integration));
  if (!put) return;
  // recorded (aws-apigateway-importer issue #209): "Unable to put integration response on 'POST' for resource at path '/foo': …"
  for (const { statusCode, body: response } of planned.integrationResponses) {
    attempt(problems, `Unable to put integration response on ${where}`, () => putIntegrationResponse(definition, resource.id, verb, statusCode, response));
  }
}
