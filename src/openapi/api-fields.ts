// The document's top level: `info` and the API-wide extensions (binary-media-types,
// minimum-compression-size, api-key-source, policy, endpoint-configuration, gateway-responses,
// request-validators, documentation) and `tags` with `x-amazon-apigateway-tag-value`.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
import type { Body } from '../control-plane/apigateway/validation.js';
import { EXTENSION_PREFIX, isObject, text, type ImportProblems, type OpenApiDocument } from './document.js';
import type { ImportPlan } from './plan.js';

const x = (name: string) => `${EXTENSION_PREFIX}${name}`;

/** Top-level extensions this importer reads; any other `x-amazon-apigateway-*` there is a warning. */
const KNOWN_TOP_LEVEL = new Set([
  'binary-media-types', 'minimum-compression-size', 'api-key-source', 'policy', 'endpoint-configuration',
  'gateway-responses', 'request-validators', 'request-validator', 'documentation',
].map(x));

/** HTTP API extensions, meaningless for a REST API (warned and ignored; wording unverified). */
const HTTP_API_ONLY = new Set(['cors', 'importexport-version', 'integrations'].map(x));

export const unsupportedExtension = (name: string, where: string) =>
  HTTP_API_ONLY.has(name)
    ? `${name} is only supported for HTTP APIs; ignored at ${where}` // unverified
    : `Unsupported extension ${name} at ${where}; ignored`; // unverified

export interface ApiPlanOptions {
  /** The `endpointConfigurationTypes` import parameter. */
  endpointConfigurationTypes?: string;
  /** `ignore=documentation`. */
  ignoreDocumentation: boolean;
}

/** The CreateRestApi body the document describes; only fields the document sets are present. */
export function planApi(doc: OpenApiDocument, problems: ImportProblems, options: ApiPlanOptions): Body {
  const { root } = doc;
  for (const key of Object.keys(root)) {
    if (key.startsWith(EXTENSION_PREFIX) && !KNOWN_TOP_LEVEL.has(key)) problems.warn(unsupportedExtension(key, 'the top level'));
  }
  const info = isObject(root.info) ? root.info : {};
  const api: Body = { name: text(info.title) };
  if (info.description !== undefined) api.description = text(info.description) ?? info.description;
  if (info.version !== undefined) api.version = text(info.version) ?? info.version;
  if (root[x('binary-media-types')] !== undefined) api.binaryMediaTypes = root[x('binary-media-types')];
  if (root[x('minimum-compression-size')] !== undefined) api.minimumCompressionSize = root[x('minimum-compression-size')];
  if (root[x('api-key-source')] !== undefined) api.apiKeySource = text(root[x('api-key-source')])?.toUpperCase() ?? root[x('api-key-source')];
  const policy = root[x('policy')];
  if (policy !== undefined) api.policy = typeof policy === 'string' ? policy : JSON.stringify(policy);

  // Swagger 2.0: a top-level extension; OpenAPI 3: on the server object (documented).
  const servers = Array.isArray(root.servers) ? root.servers.filter(isObject) : [];
  const endpoint = [root, ...servers].map((o) => o[x('endpoint-configuration')]).find(isObject);
  const endpointConfiguration: Body = {};
  if (options.endpointConfigurationTypes) endpointConfiguration.types = [options.endpointConfigurationTypes.toUpperCase()];
  if (endpoint?.vpcEndpointIds !== undefined) endpointConfiguration.vpcEndpointIds = endpoint.vpcEndpointIds;
  if (Object.keys(endpointConfiguration).length > 0) api.endpointConfiguration = endpointConfiguration;
  if (endpoint?.disableExecuteApiEndpoint !== undefined) api.disableExecuteApiEndpoint = endpoint.disableExecuteApiEndpoint;

  const tags = planTags(root.tags);
  if (Object.keys(tags).length > 0) api.tags = tags;
  return api;
}

/** `tags: [{name, x-amazon-apigateway-tag-value}]`: tags without a value are OpenAPI groupings, not API tags. */
function planTags(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(tags)) return out;
  for (const tag of tags) {
    if (!isObject(tag) || typeof tag.name !== 'string') continue;
    const value = text(tag[x('tag-value')]);
    if (value !== undefined) out[tag.name] = value;
  }
  return out;
}

/** `x-amazon-apigateway-request-validators`: name → CreateRequestValidator body. */
export function planValidators(doc: OpenApiDocument): ImportPlan['validators'] {
  const validators = doc.root[x('request-validators')];
  if (!isObject(validators)) return [];
  return Object.entries(validators).map(([name, v]) => {
    const body: Body = { name };
    if (isObject(v)) {
      if (v.validateRequestBody !== undefined) body.validateRequestBody = v.validateRequestBody;
      if (v.validateRequestParameters !== undefined) body.validateRequestParameters = v.validateRequestParameters;
    }
    return { name, body };
  });
}

/** `x-amazon-apigateway-gateway-responses`: type → PutGatewayResponse body. */
export function planGatewayResponses(doc: OpenApiDocument): ImportPlan['gatewayResponses'] {
  const responses = doc.root[x('gateway-responses')];
  if (!isObject(responses)) return [];
  return Object.entries(responses).map(([responseType, r]) => {
    const body: Body = {};
    if (isObject(r)) {
      if (r.statusCode !== undefined) body.statusCode = text(r.statusCode) ?? r.statusCode;
      if (r.responseParameters !== undefined) body.responseParameters = r.responseParameters;
      if (r.responseTemplates !== undefined) body.responseTemplates = r.responseTemplates;
    }
    return { responseType, body };
  });
}

/** `x-amazon-apigateway-documentation`: stored as documentation parts (unless ignore=documentation). */
export function planDocumentation(doc: OpenApiDocument, problems: ImportProblems): ImportPlan['documentation'] {
  const documentation = doc.root[x('documentation')];
  if (!isObject(documentation)) return undefined;
  const parts: NonNullable<ImportPlan['documentation']>['parts'] = [];
  const list = Array.isArray(documentation.documentationParts) ? documentation.documentationParts : [];
  list.forEach((part, i) => {
    if (!isObject(part) || !isObject(part.location) || typeof part.location.type !== 'string') {
      problems.warn(`Unable to insert documentation part ${i + 1}: a location with a type is required`); // wording unverified
      return;
    }
    const location: Record<string, string> = {};
    for (const [key, value] of Object.entries(part.location)) {
      const v = text(value);
      if (v !== undefined) location[key] = v;
    }
    const properties = typeof part.properties === 'string' ? part.properties : JSON.stringify(part.properties ?? {});
    parts.push({ location, properties });
  });
  const version = text(documentation.version);
  return version === undefined ? { parts } : { version, parts };
}
