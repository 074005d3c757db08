// ImportRestApi and PutRestApi: an OpenAPI document read into an import plan and applied to a new
// or existing API in one store transaction, so a refused import writes nothing.
// https://docs.aws.amazon.com/apigateway/latest/api/API_ImportRestApi.html, …/API_PutRestApi.html
// Recorded (LocalStack AWS snapshots): an imported API has no default Empty/Error models.
import { badRequest, conflict } from '../aws/errors.js';
import { newRestApiId } from '../aws/ids.js';
import { checkApiQuota, checkDefinitionSize, mutateDefinition, storePolicy, type ApiGatewayContext } from '../control-plane/apigateway/context.js';
import { buildRestApi, chosenRestApiId, CUSTOM_ID_TAG, newDefinition } from '../control-plane/apigateway/rest-apis.js';
import type { RestApi, RestApiDefinition } from '../model/rest-api.js';
import type { Body } from '../control-plane/apigateway/validation.js';
import { planApi, planDocumentation, planGatewayResponses, planValidators } from './api-fields.js';
import { applyPlan, type ApplyMode } from './apply.js';
import { basePathPrefix, documentBasePath, parseBasePathMode, type BasePathMode } from './basepath.js';
import { ImportProblems, isObject, type OpenApiDocument } from './document.js';
import { SchemaModels } from './models.js';
import { planPaths } from './operations.js';
import { parseOpenApi } from './parse.js';
import type { ImportPlan } from './plan.js';
import { References } from './refs.js';
import { SecuritySchemes } from './security.js';
import { resolveAwsVariables, type AwsVariables } from './variables.js';

export interface ImportParameters {
  basePath: BasePathMode;
  endpointConfigurationTypes?: string;
  ignoreDocumentation: boolean;
  failOnWarnings: boolean;
}

const ENDPOINT_TYPES = ['EDGE', 'REGIONAL', 'PRIVATE'];

/** The query of ImportRestApi/PutRestApi: `failonwarnings` and the `parameters` map. */
export function readImportParameters(query: URLSearchParams): ImportParameters {
  const endpointType = query.get('endpointConfigurationTypes') ?? undefined;
  if (endpointType !== undefined && !ENDPOINT_TYPES.includes(endpointType.toUpperCase())) {
    throw badRequest(`Invalid endpoint configuration type: ${endpointType}. Valid values are ${ENDPOINT_TYPES.join(', ')}`); // unverified
  }
  const params: ImportParameters = {
    basePath: parseBasePathMode(query.get('basepath')),
    ignoreDocumentation: query.getAll('ignore').includes('documentation'),
    failOnWarnings: (query.get('failonwarnings') ?? query.get('failOnWarnings') ?? '').toLowerCase() === 'true',
  };
  if (endpointType !== undefined) params.endpointConfigurationTypes = endpointType.toUpperCase();
  return params;
}

/** Runs on the imported definition before it is stored; a throw stores nothing (`--import` checks that it deploys). */
export type DefinitionCheck = (definition: RestApiDefinition) => void;

export interface PlannedImport {
  doc: OpenApiDocument;
  plan: ImportPlan;
  /** Problems found while reading the document (before any apply). */
  problems: ImportProblems;
}

/**
 * Parses and plans; throws only for documents AWS refuses outright (unreadable, malformed
 * integration). With `variables`, the AWS variables (`${AWS::Region}`, …) are resolved first.
 */
export function planImport(body: string | Uint8Array, params: ImportParameters, variables?: AwsVariables): PlannedImport {
  const doc = parseOpenApi(body);
  if (variables) resolveAwsVariables(doc.root, variables);
  const problems = new ImportProblems();
  const refs = new References(doc.root);
  const models = new SchemaModels(doc, refs, problems);
  const security = new SecuritySchemes(doc, refs, problems);
  const apiOptions = params.endpointConfigurationTypes === undefined
    ? { ignoreDocumentation: params.ignoreDocumentation }
    : { ignoreDocumentation: params.ignoreDocumentation, endpointConfigurationTypes: params.endpointConfigurationTypes };
  const plan: ImportPlan = {
    api: planApi(doc, problems, apiOptions),
    models,
    validators: planValidators(doc),
    authorizers: security.authorizers(),
    gatewayResponses: planGatewayResponses(doc),
    paths: planPaths({ doc, refs, models, security, problems, prefix: basePathPrefix(params.basePath, documentBasePath(doc)) }),
  };
  const documentation = params.ignoreDocumentation ? undefined : planDocumentation(doc, problems);
  if (documentation) plan.documentation = documentation;
  return { doc, plan, problems };
}

/**
 * A new API's endpoint configuration: the `endpointConfigurationTypes` parameter (default EDGE)
 * and the document's `vpcEndpointIds`, which only a PRIVATE API may have. AWS refuses the
 * document otherwise, also when the type is the default (recorded in AWS error reports for
 * documents with vpcEndpointIds imported without the parameter).
 */
function newEndpointConfiguration(planned: unknown): Body {
  const endpoint: Body = isObject(planned) ? { ...planned } : {};
  if (endpoint.types === undefined) endpoint.types = ['EDGE'];
  const ids = endpoint.vpcEndpointIds;
  const types = endpoint.types as string[];
  if (Array.isArray(ids) && ids.length > 0 && !types.includes('PRIVATE')) {
    throw badRequest('VPCEndpoints can only be specified with PRIVATE apis.');
  }
  return endpoint;
}

/** The RestApi answered by an import: the stored API plus the import's warnings. */
function withWarnings(api: RestApi, problems: ImportProblems): RestApi {
  return problems.warnings.length > 0 ? { ...structuredClone(api), warnings: [...problems.warnings] } : structuredClone(api);
}

function finish(problems: ImportProblems, params: ImportParameters): void {
  problems.throwIfErrors();
  if (params.failOnWarnings) problems.throwIfWarnings();
}

function copyProblems(from: ImportProblems): ImportProblems {
  const copy = new ImportProblems();
  for (const w of from.warnings) copy.warn(w);
  for (const e of from.errors) copy.error(e);
  return copy;
}

/**
 * ImportRestApi: a new API from the document. The id is `restApiId` when given (Archway's
 * `--import`: chosen by the caller), else the `_custom_id_` tag's, else a random one.
 */
export async function importRestApi(
  ctx: ApiGatewayContext, body: string | Uint8Array, params: ImportParameters, restApiId?: string, check?: DefinitionCheck,
): Promise<RestApi> {
  await checkApiQuota(ctx);
  const planned = planImport(body, params, ctx.env);
  const fields = { ...planned.plan.api, endpointConfiguration: newEndpointConfiguration(planned.plan.api.endpointConfiguration) };
  const api = buildRestApi(fields);
  if (restApiId !== undefined) api.id = chosenRestApiId(restApiId);
  const fixedId = restApiId !== undefined || api.tags?.[CUSTOM_ID_TAG] !== undefined;
  for (let tries = 0; ; tries++) {
    const problems = copyProblems(planned.problems);
    const definition = newDefinition(structuredClone(api), false);
    applyPlan(definition, planned.plan, problems, ctx.env, 'create');
    finish(problems, params);
    check?.(definition);
    storePolicy(ctx.env, definition);
    checkDefinitionSize(ctx.env, definition);
    if (await ctx.store.createDefinition(definition)) return withWarnings(definition.api, problems);
    if (fixedId) throw conflict(`API with id ${api.id} already exists`); // unverified (LocalStack extension)
    if (tries > 5) throw new Error('could not allocate a REST API id');
    api.id = newRestApiId();
  }
}

/** PutRestApi: the document merged into, or overwriting, an existing API. */
export async function putRestApi(
  ctx: ApiGatewayContext, restApiId: string, body: string | Uint8Array, mode: Exclude<ApplyMode, 'create'>, params: ImportParameters,
  check?: DefinitionCheck,
): Promise<RestApi> {
  const planned = planImport(body, params, ctx.env);
  return mutateDefinition(ctx, restApiId, (definition) => {
    const problems = copyProblems(planned.problems);
    applyPlan(definition, planned.plan, problems, ctx.env, mode);
    finish(problems, params);
    check?.(definition);
    return withWarnings(definition.api, problems);
  });
}
