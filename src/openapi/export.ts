// GetExport: a stage's deployment as an OpenAPI 3.0 (`oas30`) or Swagger 2.0 (`swagger`) document,
// with `extensions=integrations|apigateway|authorizers|postman`.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-export-api.html
// Shapes recorded (LocalStack's AWS export snapshots): info, host/basePath or servers with a
// `basePath` variable, "{code} response" descriptions, string-typed parameters and headers,
// models under definitions/components, lower-case integration type and passthroughBehavior,
// integration responses keyed by selection pattern or `default`, Content-Type
// application/octet-stream and `attachment; filename="swagger_1.0.0.json"`. Unverified: which
// top-level extensions `apigateway` adds, the default version text (the deployment date), and
// what `postman` adds (Archway: nothing).
import { policyText } from '../auth/stored-policy.js';
import { stringify as toYaml } from 'yaml';
import { badRequest } from '../aws/errors.js';
import { CUSTOM_ID_TAG } from '../control-plane/apigateway/rest-apis.js';
import type { Authorizer, Integration, Method, MethodResponse, Resource, RestApiDefinition } from '../model/rest-api.js';
import { EXTENSION_PREFIX, type JsonObject } from './document.js';
import { exportSchema } from './models.js';

export type ExportType = 'oas30' | 'swagger';
export type ExportExtension = 'integrations' | 'apigateway' | 'authorizers' | 'postman';
const EXTENSIONS: readonly ExportExtension[] = ['integrations', 'apigateway', 'authorizers', 'postman'];

export interface ExportOptions {
  type: ExportType;
  extensions: ReadonlySet<ExportExtension>;
  region: string;
  stageName: string;
  /** Epoch seconds of the deployment: the version text when the API has none. */
  deploymentDate: number;
  defaultTimeoutMs: number;
}

const x = (name: string) => `${EXTENSION_PREFIX}${name}`;
const METHOD_KEYS: Readonly<Record<string, string>> = {
  GET: 'get', PUT: 'put', POST: 'post', DELETE: 'delete', OPTIONS: 'options', HEAD: 'head', PATCH: 'patch', ANY: x('any-method'),
};
const PARAMETER_LOCATIONS: Readonly<Record<string, string>> = {
  path: 'path', querystring: 'query', multivaluequerystring: 'query', header: 'header', multivalueheader: 'header',
};

export function parseExportType(value: string): ExportType {
  if (value !== 'oas30' && value !== 'swagger') throw badRequest(`Invalid export type specified: ${value}. Valid values are oas30, swagger`); // unverified
  return value;
}

export function parseExtensions(values: readonly string[]): Set<ExportExtension> {
  const out = new Set<ExportExtension>();
  for (const value of values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean)) {
    if (!(EXTENSIONS as readonly string[]).includes(value)) throw badRequest(`Invalid extensions specified: ${value}. Valid values are ${EXTENSIONS.join(', ')}`); // unverified
    out.add(value as ExportExtension);
  }
  return out;
}

/** The version text of the document and the export file name: the API's version, else the deployment date. */
export function exportVersion(snapshot: RestApiDefinition, deploymentDate: number): string {
  return snapshot.api.version ?? new Date(deploymentDate * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function exportDocument(snapshot: RestApiDefinition, options: ExportOptions): JsonObject {
  const writer = new ExportWriter(snapshot, options);
  return writer.document();
}

/** JSON, or YAML that quotes every string a YAML 1.1 reader would take for a date, number or boolean. */
export function renderExport(document: JsonObject, yaml: boolean): string {
  return yaml ? toYaml(document, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 }) : `${JSON.stringify(document, null, 2)}\n`;
}

export function exportFileName(type: ExportType, version: string, yaml: boolean): string {
  return `${type}_${version}.${yaml ? 'yaml' : 'json'}`;
}

class ExportWriter {
  readonly #api: RestApiDefinition;
  readonly #options: ExportOptions;
  readonly #oas30: boolean;
  readonly #integrations: boolean;
  readonly #apigateway: boolean;
  readonly #authorizers: boolean;
  readonly #schemes = new Map<string, JsonObject>();

  constructor(api: RestApiDefinition, options: ExportOptions) {
    this.#api = api;
    this.#options = options;
    this.#oas30 = options.type === 'oas30';
    this.#apigateway = options.extensions.has('apigateway');
    this.#integrations = this.#apigateway || options.extensions.has('integrations');
    this.#authorizers = this.#apigateway || options.extensions.has('authorizers');
  }

  document(): JsonObject {
    const { api } = this.#api;
    const version = exportVersion(this.#api, this.#options.deploymentDate);
    const host = `${api.id}.execute-api.${this.#options.region}.amazonaws.com`;
    const paths = this.#paths();
    const schemas = this.#schemas();
    if (this.#authorizers) for (const authorizer of Object.values(this.#api.authorizers ?? {})) this.#authorizerScheme(authorizer);
    const doc: JsonObject = {};
    if (this.#oas30) {
      doc.openapi = '3.0.1';
      doc.info = { title: api.name, ...(api.description ? { description: api.description } : {}), version };
      const server: JsonObject = { url: `https://${host}/{basePath}`, variables: { basePath: { default: this.#options.stageName } } };
      const endpoint = this.#endpointConfiguration();
      if (endpoint) server[x('endpoint-configuration')] = endpoint;
      doc.servers = [server];
      doc.paths = paths;
      // recorded: an OpenAPI 3 export always has `components`, `{}` when there is nothing in it
      const components: JsonObject = {};
      if (Object.keys(schemas).length > 0) components.schemas = schemas;
      if (this.#schemes.size > 0) components.securitySchemes = Object.fromEntries(this.#schemes);
      doc.components = components;
    } else {
      doc.swagger = '2.0';
      doc.info = { ...(api.description ? { description: api.description } : {}), version, title: api.name };
      doc.host = host;
      doc.basePath = `/${this.#options.stageName}`;
      doc.schemes = ['https'];
      doc.paths = paths;
      if (this.#schemes.size > 0) doc.securityDefinitions = Object.fromEntries(this.#schemes);
      if (Object.keys(schemas).length > 0) doc.definitions = schemas;
      const endpoint = this.#endpointConfiguration();
      if (endpoint) doc[x('endpoint-configuration')] = endpoint;
    }
    if (this.#apigateway) Object.assign(doc, this.#apiExtensions());
    return doc;
  }

  #paths(): JsonObject {
    const paths: JsonObject = {};
    const resources = Object.values(this.#api.resources).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const resource of resources) {
      const item: JsonObject = {};
      for (const [verb, method] of Object.entries(resource.resourceMethods ?? {})) {
        if (method && METHOD_KEYS[verb]) item[METHOD_KEYS[verb]] = this.#operation(resource, method);
      }
      if (Object.keys(item).length > 0) paths[resource.path] = item;
    }
    return paths;
  }

  #ref(model: string): JsonObject {
    return { $ref: `${this.#oas30 ? '#/components/schemas/' : '#/definitions/'}${model}` };
  }

  #operation(resource: Resource, method: Method): JsonObject {
    const op: JsonObject = {};
    if (method.operationName) op.operationId = method.operationName;
    const requestModels = Object.entries(method.requestModels ?? {});
    if (!this.#oas30) {
      const consumes = unique([...requestModels.map(([type]) => type), ...Object.keys(method.methodIntegration?.requestTemplates ?? {})]);
      const produces = unique(Object.values(method.methodResponses ?? {}).flatMap((r) => Object.keys(r.responseModels ?? {}))
        .concat(Object.values(method.methodIntegration?.integrationResponses ?? {}).flatMap((r) => Object.keys(r.responseTemplates ?? {}))));
      if (consumes.length > 0) op.consumes = consumes;
      if (produces.length > 0) op.produces = produces;
    }
    const parameters = this.#parameters(method);
    if (!this.#oas30 && requestModels.length > 0) {
      const [, model] = preferJson(requestModels);
      parameters.push({ in: 'body', name: model, required: true, schema: this.#ref(model) });
    }
    if (parameters.length > 0) op.parameters = parameters;
    if (this.#oas30 && requestModels.length > 0) {
      op.requestBody = { content: Object.fromEntries(requestModels.map(([type, model]) => [type, { schema: this.#ref(model) }])), required: true };
    }
    op.responses = this.#responses(method);
    const security = this.#security(method);
    if (security) op.security = [security];
    if (this.#apigateway && method.requestValidatorId) {
      const validator = this.#api.requestValidators[method.requestValidatorId];
      if (validator) op[x('request-validator')] = validator.name;
    }
    if (this.#integrations && method.methodIntegration) op[x('integration')] = this.#integration(resource, method.methodIntegration);
    return op;
  }

  #parameters(method: Method): JsonObject[] {
    const out: JsonObject[] = [];
    const seen = new Set<string>();
    for (const [key, required] of Object.entries(method.requestParameters ?? {})) {
      const m = /^method\.request\.([a-z]+)\.(.+)$/.exec(key);
      const location = m ? PARAMETER_LOCATIONS[m[1]] : undefined;
      if (!m || !location || seen.has(`${location}:${m[2]}`)) continue;
      seen.add(`${location}:${m[2]}`);
      const isRequired = location === 'path' || required;
      if (this.#oas30) out.push({ name: m[2], in: location, ...(isRequired ? { required: true } : {}), schema: { type: 'string' } });
      else out.push({ name: m[2], in: location, required: isRequired, type: 'string' });
    }
    return out;
  }

  #responses(method: Method): JsonObject {
    const responses: JsonObject = {};
    const sorted = Object.values(method.methodResponses ?? {}).sort((a, b) => a.statusCode.localeCompare(b.statusCode));
    for (const response of sorted) responses[response.statusCode] = this.#response(response);
    return responses;
  }

  #response(response: MethodResponse): JsonObject {
    const out: JsonObject = { description: `${response.statusCode} response` };
    const models = Object.entries(response.responseModels ?? {});
    const headers: JsonObject = {};
    for (const [key, required] of Object.entries(response.responseParameters ?? {})) {
      const name = key.replace(/^method\.response\.header\./, '');
      headers[name] = this.#oas30 ? { ...(required ? { required: true } : {}), schema: { type: 'string' } } : { type: 'string' };
    }
    if (this.#oas30) {
      if (Object.keys(headers).length > 0) out.headers = headers;
      out.content = Object.fromEntries(models.map(([type, model]) => [type, { schema: this.#ref(model) }]));
    } else {
      if (models.length > 0) out.schema = this.#ref(preferJson(models)[1]);
      if (Object.keys(headers).length > 0) out.headers = headers;
    }
    return out;
  }

  /** One security requirement: the authorizer (or sigv4) and the API key, as AWS's conventions name them. */
  #security(method: Method): JsonObject | undefined {
    const requirement: JsonObject = {};
    if (method.authorizationType === 'AWS_IAM') {
      requirement.sigv4 = [];
      this.#schemes.set('sigv4', { type: 'apiKey', name: 'Authorization', in: 'header', [x('authtype')]: 'awsSigv4' });
    } else if ((method.authorizationType === 'CUSTOM' || method.authorizationType === 'COGNITO_USER_POOLS') && method.authorizerId) {
      const authorizer = this.#api.authorizers?.[method.authorizerId];
      const name = authorizer?.name ?? method.authorizerId;
      requirement[name] = method.authorizationScopes ?? [];
      if (authorizer) this.#authorizerScheme(authorizer);
    }
    if (method.apiKeyRequired) {
      requirement.api_key = [];
      this.#schemes.set('api_key', { type: 'apiKey', name: 'x-api-key', in: 'header' });
    }
    return Object.keys(requirement).length > 0 ? requirement : undefined;
  }

  #authorizerScheme(authorizer: Authorizer): void {
    // The scheme names the token's header; a REQUEST authorizer (several sources) names none:
    // "Unused" is AWS's convention (its documented examples).
    const header = authorizer.type === 'REQUEST' ? undefined : /^method\.request\.header\.([^\s,]+)$/.exec(authorizer.identitySource?.trim() ?? '')?.[1];
    const scheme: JsonObject = { type: 'apiKey', name: header ?? 'Unused', in: 'header' };
    if (this.#authorizers) {
      scheme[x('authtype')] = authorizer.authType ?? (authorizer.type === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom');
      const extension: JsonObject = { type: authorizer.type.toLowerCase() };
      for (const key of ['authorizerUri', 'authorizerCredentials', 'identitySource', 'identityValidationExpression', 'authorizerResultTtlInSeconds', 'providerARNs'] as const) {
        if (authorizer[key] !== undefined) extension[key] = authorizer[key];
      }
      scheme[x('authorizer')] = extension;
    }
    this.#schemes.set(authorizer.name, scheme);
  }

  #integration(resource: Resource, integration: Integration): JsonObject {
    const out: JsonObject = { type: integration.type.toLowerCase() };
    if (integration.httpMethod) out.httpMethod = integration.httpMethod;
    if (integration.uri) out.uri = integration.uri;
    if (integration.credentials) out.credentials = integration.credentials;
    if (integration.connectionType && integration.connectionType !== 'INTERNET') out.connectionType = integration.connectionType;
    if (integration.connectionId) out.connectionId = integration.connectionId;
    const responses: JsonObject = {};
    for (const response of Object.values(integration.integrationResponses ?? {})) {
      const entry: JsonObject = { statusCode: response.statusCode };
      if (response.responseParameters && Object.keys(response.responseParameters).length > 0) entry.responseParameters = response.responseParameters;
      if (response.responseTemplates && Object.keys(response.responseTemplates).length > 0) entry.responseTemplates = templates(response.responseTemplates);
      if (response.contentHandling) entry.contentHandling = response.contentHandling;
      const key = response.selectionPattern ? response.selectionPattern : 'default';
      if (!Object.hasOwn(responses, key)) responses[key] = entry;
    }
    if (Object.keys(responses).length > 0) out.responses = responses;
    if (integration.requestParameters && Object.keys(integration.requestParameters).length > 0) out.requestParameters = integration.requestParameters;
    if (integration.requestTemplates && Object.keys(integration.requestTemplates).length > 0) out.requestTemplates = templates(integration.requestTemplates);
    if (integration.passthroughBehavior) out.passthroughBehavior = integration.passthroughBehavior.toLowerCase();
    if (integration.contentHandling) out.contentHandling = integration.contentHandling;
    if (integration.timeoutInMillis !== this.#options.defaultTimeoutMs) out.timeoutInMillis = integration.timeoutInMillis;
    if (integration.cacheNamespace && integration.cacheNamespace !== resource.id) out.cacheNamespace = integration.cacheNamespace;
    if (integration.cacheKeyParameters?.length) out.cacheKeyParameters = integration.cacheKeyParameters;
    if (integration.tlsConfig) out.tlsConfig = integration.tlsConfig;
    return out;
  }

  #schemas(): JsonObject {
    const target = this.#oas30 ? '#/components/schemas/' : '#/definitions/';
    const models = Object.values(this.#api.models).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return Object.fromEntries(models.map((model) => [model.name, exportSchema(model.schema, target)]));
  }

  #endpointConfiguration(): JsonObject | undefined {
    if (!this.#apigateway) return undefined;
    const { api } = this.#api;
    const out: JsonObject = {};
    if (api.disableExecuteApiEndpoint) out.disableExecuteApiEndpoint = true;
    if (api.endpointConfiguration.vpcEndpointIds?.length) out.vpcEndpointIds = api.endpointConfiguration.vpcEndpointIds;
    return Object.keys(out).length > 0 ? out : undefined;
  }

  /** `extensions=apigateway`: the API-wide extensions the importer reads back. */
  #apiExtensions(): JsonObject {
    const { api, requestValidators, gatewayResponses, documentation } = this.#api;
    const out: JsonObject = {};
    const tags = Object.entries(api.tags ?? {}).filter(([name]) => name !== CUSTOM_ID_TAG);
    if (tags.length > 0) out.tags = tags.map(([name, value]) => ({ name, [x('tag-value')]: value }));
    // recorded: written only when it is not the default (HEADER)
    if (api.apiKeySource === 'AUTHORIZER') out[x('api-key-source')] = api.apiKeySource;
    if (api.binaryMediaTypes?.length) out[x('binary-media-types')] = api.binaryMediaTypes;
    if (api.minimumCompressionSize !== undefined) out[x('minimum-compression-size')] = api.minimumCompressionSize;
    if (api.policy) out[x('policy')] = parseJson(policyText(api.policy));
    const validators = Object.values(requestValidators);
    if (validators.length > 0) {
      out[x('request-validators')] = Object.fromEntries(validators.map((v) => [v.name, {
        validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters,
      }]));
    }
    const responses = Object.values(gatewayResponses).filter((r) => r !== undefined);
    if (responses.length > 0) {
      out[x('gateway-responses')] = Object.fromEntries(responses.map((r) => [r.responseType, {
        ...(r.statusCode ? { statusCode: r.statusCode } : {}),
        ...(r.responseParameters && Object.keys(r.responseParameters).length > 0 ? { responseParameters: r.responseParameters } : {}),
        ...(r.responseTemplates && Object.keys(r.responseTemplates).length > 0 ? { responseTemplates: r.responseTemplates } : {}),
      }]));
    }
    if (documentation) {
      out[x('documentation')] = {
        ...(documentation.version ? { version: documentation.version } : {}),
        documentationParts: documentation.parts.map((p) => ({ location: p.location, properties: parseJson(p.properties) })),
      };
    }
    return out;
  }
}

const unique = (values: string[]) => [...new Set(values)];

function preferJson(entries: [string, string][]): [string, string] {
  return entries.find(([type]) => type === 'application/json') ?? entries[0];
}

function templates(map: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v ?? '']));
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
