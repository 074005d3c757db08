// `paths`: every operation becomes a method (parameters → method request parameters, request
// bodies → request models, responses → method responses) with its `x-amazon-apigateway-integration`
// (→ PutIntegration + PutIntegrationResponse per `responses` entry, keyed by selection pattern or
// `default`). https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
// "Unable to parse API definition because of a malformed integration at path /." is AWS's text
// (recorded in an AWS error report).
import { badRequest } from '../aws/errors.js';
import type { Body } from '../control-plane/apigateway/validation.js';
import { EXTENSION_PREFIX, isObject, text, type ImportProblems, type JsonObject, type OpenApiDocument } from './document.js';
import { unsupportedExtension } from './api-fields.js';
import type { SchemaModels } from './models.js';
import type { PlannedMethod, PlannedPath } from './plan.js';
import type { References } from './refs.js';
import type { SecuritySchemes } from './security.js';

const ANY_METHOD = `${EXTENSION_PREFIX}any-method`;
const INTEGRATION = `${EXTENSION_PREFIX}integration`;
const VERBS: Readonly<Record<string, string>> = {
  get: 'GET', put: 'PUT', post: 'POST', delete: 'DELETE', options: 'OPTIONS', head: 'HEAD', patch: 'PATCH', [ANY_METHOD]: 'ANY',
};
/** Operation-level extensions read here. */
const OPERATION_EXTENSIONS = new Set([INTEGRATION, `${EXTENSION_PREFIX}request-validator`, `${EXTENSION_PREFIX}auth`]);
const LOCATIONS: Readonly<Record<string, string>> = { path: 'path', query: 'querystring', header: 'header' };
const STATUS_CODE = /^[1-5]\d\d$/;
const SCALAR_FIELDS = ['type', 'httpMethod', 'uri', 'credentials', 'connectionType', 'connectionId', 'cacheNamespace', 'contentHandling', 'passthroughBehavior'] as const;
const UPPER_CASED = new Set(['type', 'httpMethod', 'passthroughBehavior', 'contentHandling', 'connectionType']);

export interface PathContext {
  doc: OpenApiDocument;
  refs: References;
  models: SchemaModels;
  security: SecuritySchemes;
  problems: ImportProblems;
  /** What the base-path rule puts in front of every path ('' or /a/b). */
  prefix: string;
}

export function planPaths(ctx: PathContext): PlannedPath[] {
  const paths = ctx.doc.root.paths;
  if (!isObject(paths)) return [];
  const planned = new Map<string, PlannedPath>();
  for (const [rawPath, rawItem] of Object.entries(paths)) {
    if (rawPath.startsWith('x-')) continue;
    const path = resourcePath(ctx.prefix, rawPath);
    let item: unknown;
    try {
      item = ctx.refs.resolve(rawItem);
    } catch (error) {
      ctx.problems.error(`Unable to read path '${rawPath}': ${(error as Error).message}`);
      continue;
    }
    if (!isObject(item)) continue;
    const entry = planned.get(path) ?? { path, methods: [] };
    planned.set(path, entry);
    for (const [key, operation] of Object.entries(item)) {
      const verb = VERBS[key];
      if (verb !== undefined) {
        if (!isObject(operation)) {
          ctx.problems.error(`Unable to put method '${verb}' on resource at path '${path}': the operation is not an object`); // unverified
          continue;
        }
        entry.methods.push(planMethod(ctx, path, verb, item, operation));
      } else if (key === 'trace') ctx.problems.warn(`Method TRACE on path '${path}' is not supported by API Gateway; ignored`); // unverified
      else if (key.startsWith(EXTENSION_PREFIX)) ctx.problems.warn(unsupportedExtension(key, `path '${rawPath}'`));
    }
  }
  return [...planned.values()];
}

/** `/pets/` → `/pets`; the base-path prefix in front. */
function resourcePath(prefix: string, raw: string): string {
  const parts = raw.split('/').filter(Boolean);
  const path = `${prefix}/${parts.join('/')}`.replace(/\/+$/, '');
  return path === '' ? '/' : path;
}

function planMethod(ctx: PathContext, path: string, verb: string, item: JsonObject, operation: JsonObject): PlannedMethod {
  const where = `${verb} ${path}`;
  const method: Body = {};
  const planned: PlannedMethod = { verb, method, responses: [], integrationResponses: [] };
  for (const key of Object.keys(operation)) {
    if (key.startsWith(EXTENSION_PREFIX) && !OPERATION_EXTENSIONS.has(key)) ctx.problems.warn(unsupportedExtension(key, where));
  }

  const auth = ctx.security.methodAuth(operation.security ?? ctx.doc.root.security, where);
  method.authorizationType = auth.authorizationType;
  if (auth.apiKeyRequired) method.apiKeyRequired = true;
  if (auth.authorizationScopes) method.authorizationScopes = auth.authorizationScopes;
  if (auth.authorizerName) planned.authorizerName = auth.authorizerName;
  const explicitAuth = operation[`${EXTENSION_PREFIX}auth`];
  if (isObject(explicitAuth) && typeof explicitAuth.type === 'string') method.authorizationType = explicitAuth.type.toUpperCase();
  if (typeof operation.operationId === 'string' && operation.operationId !== '') method.operationName = operation.operationId;
  const validator = text(operation[`${EXTENSION_PREFIX}request-validator`]) ?? text(ctx.doc.root[`${EXTENSION_PREFIX}request-validator`]);
  if (validator !== undefined) planned.requestValidatorName = validator;

  const requestParameters: Record<string, boolean> = {};
  // Path variables are method request parameters whether or not the document lists them.
  for (const m of path.matchAll(/\{([^}+]+)\+?\}/g)) requestParameters[`method.request.path.${m[1]}`] = true;
  const requestModels: Record<string, string> = {};
  for (const parameter of parametersOf(ctx, where, item, operation)) {
    const location = String(parameter.in);
    const name = String(parameter.name);
    if (location === 'body') {
      const model = ctx.models.modelFor(parameter.schema, `the request body of ${where}`);
      if (model) for (const type of mediaTypes(ctx, operation, 'consumes')) requestModels[type] = model;
    } else if (Object.hasOwn(LOCATIONS, location)) {
      requestParameters[`method.request.${LOCATIONS[location]}.${name}`] = location === 'path' || parameter.required === true;
    } else {
      ctx.problems.warn(`Parameter '${name}' in ${location} of ${where} is not supported by API Gateway; ignored`); // unverified
    }
  }
  const requestBody = resolveOrRecord(ctx, operation.requestBody, `the request body of ${where}`);
  if (isObject(requestBody) && isObject(requestBody.content)) {
    for (const [type, media] of Object.entries(requestBody.content)) {
      const model = isObject(media) ? ctx.models.modelFor(media.schema, `the request body of ${where}`) : undefined;
      if (model) requestModels[type] = model;
    }
  }
  if (Object.keys(requestParameters).length > 0) method.requestParameters = requestParameters;
  if (Object.keys(requestModels).length > 0) method.requestModels = requestModels;

  planResponses(ctx, where, operation, planned);
  const integration = operation[INTEGRATION];
  if (integration !== undefined) planIntegration(ctx, path, integration, planned);
  return planned;
}

/** Path-level parameters, overridden by operation-level ones with the same name and location. */
function parametersOf(ctx: PathContext, where: string, item: JsonObject, operation: JsonObject): JsonObject[] {
  const byKey = new Map<string, JsonObject>();
  for (const list of [item.parameters, operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const parameter = resolveOrRecord(ctx, raw, `a parameter of ${where}`);
      if (!isObject(parameter) || typeof parameter.in !== 'string' || parameter.name === undefined) continue;
      byKey.set(`${parameter.in}:${String(parameter.name)}`, parameter);
    }
  }
  return [...byKey.values()];
}

function planResponses(ctx: PathContext, where: string, operation: JsonObject, planned: PlannedMethod): void {
  if (!isObject(operation.responses)) return;
  for (const [statusCode, raw] of Object.entries(operation.responses)) {
    if (statusCode.startsWith('x-')) continue;
    if (!STATUS_CODE.test(statusCode)) {
      ctx.problems.warn(`Response '${statusCode}' of ${where} has no status code API Gateway can use; ignored`); // unverified
      continue;
    }
    const response = resolveOrRecord(ctx, raw, `response ${statusCode} of ${where}`);
    if (!isObject(response)) continue;
    const body: Body = {};
    const responseParameters: Record<string, boolean> = {};
    if (isObject(response.headers)) {
      for (const [name, rawHeader] of Object.entries(response.headers)) {
        const header = resolveOrRecord(ctx, rawHeader, `header ${name} of response ${statusCode} of ${where}`);
        responseParameters[`method.response.header.${name}`] = isObject(header) && header.required === true;
      }
    }
    const responseModels: Record<string, string> = {};
    const what = `response ${statusCode} of ${where}`;
    if (ctx.doc.version === 'swagger2') {
      const model = ctx.models.modelFor(response.schema, what);
      if (model) for (const type of mediaTypes(ctx, operation, 'produces')) responseModels[type] = model;
    } else if (isObject(response.content)) {
      for (const [type, media] of Object.entries(response.content)) {
        const model = isObject(media) ? ctx.models.modelFor(media.schema, what) : undefined;
        if (model) responseModels[type] = model;
      }
    }
    if (Object.keys(responseParameters).length > 0) body.responseParameters = responseParameters;
    if (Object.keys(responseModels).length > 0) body.responseModels = responseModels;
    planned.responses.push({ statusCode, body });
  }
}

/** Swagger 2.0 `consumes`/`produces` of the operation, else of the document, else JSON. */
function mediaTypes(ctx: PathContext, operation: JsonObject, key: 'consumes' | 'produces'): string[] {
  for (const list of [operation[key], ctx.doc.root[key]]) {
    if (Array.isArray(list) && list.length > 0) return list.map(String);
  }
  return ['application/json'];
}

function planIntegration(ctx: PathContext, path: string, raw: unknown, planned: PlannedMethod): void {
  const malformed = () => badRequest(`Unable to parse API definition because of a malformed integration at path ${path}.`);
  let integration: unknown;
  try {
    integration = ctx.refs.resolve(raw);
  } catch {
    throw malformed();
  }
  if (!isObject(integration)) throw malformed();
  const body: Body = {};
  for (const key of SCALAR_FIELDS) {
    if (integration[key] === undefined || integration[key] === null) continue;
    const value = text(integration[key]);
    if (value === undefined) throw malformed();
    body[key] = UPPER_CASED.has(key) ? value.toUpperCase() : value;
  }
  if (integration.timeoutInMillis !== undefined) {
    const timeout = Number(integration.timeoutInMillis);
    if (!Number.isFinite(timeout)) throw malformed();
    body.timeoutInMillis = timeout;
  }
  const parameters = (key: 'requestParameters' | 'responseParameters', value: unknown) =>
    parameterMap(ctx.problems, key, value, `of resource '${path}' and method '${planned.verb}'`, malformed);
  if (integration.requestParameters !== undefined) body.requestParameters = parameters('requestParameters', integration.requestParameters);
  if (integration.requestTemplates !== undefined) body.requestTemplates = stringMap(integration.requestTemplates, malformed);
  if (integration.cacheKeyParameters !== undefined) {
    if (!Array.isArray(integration.cacheKeyParameters)) throw malformed();
    body.cacheKeyParameters = integration.cacheKeyParameters.map((v) => text(v) ?? v);
  }
  if (isObject(integration.tlsConfig)) body.tlsConfig = integration.tlsConfig;
  // Imported HTTP integrations carry connectionType INTERNET (recorded: AWS import snapshots).
  if ((body.type === 'HTTP' || body.type === 'HTTP_PROXY') && body.connectionType === undefined) body.connectionType = 'INTERNET';
  planned.integration = body;

  if (integration.responses === undefined) return;
  if (!isObject(integration.responses)) throw malformed();
  for (const [pattern, rawResponse] of Object.entries(integration.responses)) {
    if (!isObject(rawResponse)) throw malformed();
    const statusCode = text(rawResponse.statusCode);
    if (statusCode === undefined) throw malformed();
    const response: Body = {};
    if (pattern !== 'default') response.selectionPattern = pattern;
    if (rawResponse.responseParameters !== undefined) response.responseParameters = parameters('responseParameters', rawResponse.responseParameters);
    if (rawResponse.responseTemplates !== undefined) response.responseTemplates = stringMap(rawResponse.responseTemplates, malformed);
    if (rawResponse.contentHandling !== undefined) response.contentHandling = text(rawResponse.contentHandling)?.toUpperCase();
    planned.integrationResponses.push({ statusCode, body: response });
  }
}

function stringMap(value: unknown, malformed: () => Error): Record<string, string | null> {
  if (!isObject(value)) throw malformed();
  const out: Record<string, string | null> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) out[key] = null;
    else if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else throw malformed();
  }
  return out;
}

/**
 * A parameter mapping: a value that is not a string is dropped with AWS's warning (recorded:
 * "Invalid format for 'requestParameters'. Expected type string for property
 * 'integration.request.header.nothing' of resource '/test' and method 'GET' but got 'true'";
 * the responseParameters text is the same pattern, unverified).
 */
function parameterMap(
  problems: ImportProblems, key: 'requestParameters' | 'responseParameters', value: unknown, where: string, malformed: () => Error,
): Record<string, string> {
  if (!isObject(value)) throw malformed();
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string') out[name] = v;
    else {
      const shown = typeof v === 'boolean' || typeof v === 'number' ? String(v) : JSON.stringify(v);
      problems.warn(`Invalid format for '${key}'. Expected type string for property '${name}' ${where} but got '${shown}'`);
    }
  }
  return out;
}

/** Resolves a `$ref`; an unresolvable one is an import error and answers undefined. */
function resolveOrRecord(ctx: PathContext, value: unknown, what: string): unknown {
  try {
    return ctx.refs.resolve(value);
  } catch (error) {
    ctx.problems.error(`Unable to read ${what}: ${(error as Error).message}`);
    return undefined;
  }
}
