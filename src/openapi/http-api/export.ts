// ExportApi for HTTP APIs: an API (a stage's deployment, or the working copy) as the OpenAPI 3.0.1
// document AWS exports. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-export.html
// Shapes recorded in AWS exports of HTTP APIs: info.version "2025-06-20 17:22:45UTC" when the API
// has none; one server `{url}/{basePath}` whose basePath is "" for the $default stage; each route's
// operation with `responses.default` "Default response for GET /pets", path variables as path
// parameters "Generated path parameter for petId"; integrations with a lower-case type, the
// connectionType always and timeoutInMillis only when it is not the default; integrations no route
// targets under components/x-amazon-apigateway-integrations as `unusedIntegration_{id}`; JWT
// authorizers as `oauth2` schemes with empty flows, Lambda ones as `apiKey` header schemes;
// x-amazon-apigateway-cors and x-amazon-apigateway-importexport-version "1.0" last. Unverified:
// which instant the default version is (Archway: the stage's last update, else the API's
// creation), a named stage's basePath default (Archway: its name), the $default route's
// `responses`, tags and endpoint configuration in exports, and what "no extensions" leaves out
// (Archway: every x-amazon-apigateway-* key but the ANY method, which is a route itself).
import { DEFAULT_KEY, type Cors, type HttpApiDefinition, type HttpAuthorizer, type HttpIntegration, type HttpRoute, type HttpStage } from '../../model/http-api.js';
import type { JsonObject } from '../document.js';
import { HTTP_INTEGRATION_TIMEOUT_MS } from '../../model/http-api.js';
import { DEFAULT_ROUTE_PATH, IMPORT_EXPORT_VERSION, METHOD_KEYS, UNUSED_INTEGRATION_PREFIX, x } from './import.js';

export interface HttpApiExportOptions {
  /** `includeExtensions` of ExportApi (AWS's default: true). */
  includeExtensions: boolean;
  /** The API's endpoint, e.g. `https://abc123.execute-api.us-east-1.amazonaws.com`. */
  serverUrl: string;
}

/** The route method → the path item key it is exported under. */
const OPERATION_KEYS: Readonly<Record<string, string>> = Object.assign(Object.create(null), Object.fromEntries(Object.entries(METHOD_KEYS).map(([key, method]) => [method, key])));
/** The IAM scheme's name and shape, as REST API exports write it (unverified for HTTP APIs). */
const SIGV4 = 'sigv4';
/** Recorded order of x-amazon-apigateway-cors members. */
const CORS_ORDER = ['allowMethods', 'allowHeaders', 'exposeHeaders', 'maxAge', 'allowCredentials', 'allowOrigins'] as const;

export function exportHttpApi(definition: HttpApiDefinition, stage: HttpStage | undefined, opts: HttpApiExportOptions): JsonObject {
  return new HttpApiWriter(definition, opts.includeExtensions).document(stage, opts.serverUrl.replace(/\/+$/, ''));
}

/** AWS's default version text: `YYYY-MM-DD HH:mm:ssUTC`. */
export function exportVersionText(iso: string): string {
  const at = new Date(iso).toISOString();
  return `${at.slice(0, 10)} ${at.slice(11, 19)}UTC`;
}

class HttpApiWriter {
  readonly #api: HttpApiDefinition;
  readonly #extensions: boolean;
  readonly #integrations = new Map<string, HttpIntegration>();
  readonly #authorizers = new Map<string, HttpAuthorizer>();
  /** Authorizer id → its security scheme's name: its own name, made unique (names need not be) and never the IAM scheme's. */
  readonly #schemeNames = new Map<string, string>();
  #iamUsed = false;

  constructor(api: HttpApiDefinition, extensions: boolean) {
    this.#api = api;
    this.#extensions = extensions;
    for (const integration of api.integrations) this.#integrations.set(integration.integrationId, integration);
    const taken = new Set([SIGV4]);
    for (const authorizer of api.authorizers) {
      this.#authorizers.set(authorizer.authorizerId, authorizer);
      const name = taken.has(authorizer.name) ? `${authorizer.name}_${authorizer.authorizerId}` : authorizer.name;
      taken.add(name);
      this.#schemeNames.set(authorizer.authorizerId, name);
    }
  }

  document(stage: HttpStage | undefined, serverUrl: string): JsonObject {
    const { api } = this.#api;
    const info: JsonObject = { title: api.name };
    if (api.description) info.description = api.description;
    info.version = api.version ?? exportVersionText(stage?.lastUpdatedDate ?? api.createdDate);
    const server: JsonObject = {
      url: `${serverUrl}/{basePath}`,
      variables: { basePath: { default: stage && stage.stageName !== DEFAULT_KEY ? stage.stageName : '' } },
    };
    if (this.#extensions && api.disableExecuteApiEndpoint) server[x('endpoint-configuration')] = { disableExecuteApiEndpoint: true };

    const doc: JsonObject = { openapi: '3.0.1', info, servers: [server] };
    const tags = Object.entries(api.tags ?? {});
    if (this.#extensions && tags.length > 0) doc.tags = tags.map(([name, value]) => ({ name, [x('tag-value')]: value }));
    doc.paths = this.#paths();
    const components = this.#components();
    if (Object.keys(components).length > 0) doc.components = components;
    if (this.#extensions && api.corsConfiguration) doc[x('cors')] = corsOut(api.corsConfiguration);
    if (this.#extensions) doc[x('importexport-version')] = IMPORT_EXPORT_VERSION;
    return doc;
  }

  /** Path items in the order their first route was created; path parameters after the operations. */
  #paths(): JsonObject {
    const paths: JsonObject = Object.create(null);
    for (const route of this.#api.routes) {
      const isDefault = route.routeKey === DEFAULT_KEY;
      const space = route.routeKey.indexOf(' ');
      const method = isDefault ? 'ANY' : route.routeKey.slice(0, space);
      const path = isDefault ? DEFAULT_ROUTE_PATH : route.routeKey.slice(space + 1);
      const key = OPERATION_KEYS[method];
      if (key === undefined) continue;
      const item = (paths[path] ??= {}) as JsonObject;
      delete item.parameters;
      item[key] = this.#operation(route, isDefault);
      const parameters = isDefault ? [] : [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      if (parameters.length > 0) {
        item.parameters = parameters.map((name) => ({
          name, in: 'path', description: `Generated path parameter for ${name}`, required: true, schema: { type: 'string' },
        }));
      }
    }
    return paths;
  }

  #operation(route: HttpRoute, isDefault: boolean): JsonObject {
    const op: JsonObject = {};
    if (isDefault) op.isDefaultRoute = true; // documented x-amazon-apigateway-any-method property
    op.responses = { default: { description: `Default response for ${route.routeKey}` } };
    if (route.operationName) op.operationId = route.operationName;
    const requirement = this.#requirement(route);
    if (requirement) op.security = [requirement];
    const integration = integrationIdOf(route.target);
    const target = integration === undefined ? undefined : this.#integrations.get(integration);
    if (this.#extensions && target) op[x('integration')] = integrationOut(target);
    return op;
  }

  #requirement(route: HttpRoute): JsonObject | undefined {
    if (route.authorizationType === 'AWS_IAM') {
      this.#iamUsed = true;
      return { [SIGV4]: [] };
    }
    if ((route.authorizationType === 'JWT' || route.authorizationType === 'CUSTOM') && route.authorizerId) {
      const authorizer = this.#authorizers.get(route.authorizerId);
      if (authorizer) return { [this.#schemeNames.get(authorizer.authorizerId) as string]: route.authorizationType === 'JWT' ? route.authorizationScopes ?? [] : [] };
    }
    return undefined;
  }

  #components(): JsonObject {
    const components: JsonObject = {};
    const schemes: JsonObject = Object.create(null); // keyed by the unique scheme names
    for (const authorizer of this.#api.authorizers) schemes[this.#schemeNames.get(authorizer.authorizerId) as string] = this.#scheme(authorizer);
    if (this.#iamUsed) {
      schemes[SIGV4] = { type: 'apiKey', name: 'Authorization', in: 'header', ...(this.#extensions && { [x('authtype')]: 'awsSigv4' }) };
    }
    if (Object.keys(schemes).length > 0) components.securitySchemes = schemes;
    if (this.#extensions) {
      const targeted = new Set(this.#api.routes.map((r) => integrationIdOf(r.target)));
      const unused = this.#api.integrations.filter((i) => !targeted.has(i.integrationId));
      if (unused.length > 0) {
        components[x('integrations')] = Object.fromEntries(unused.map((i) => [`${UNUSED_INTEGRATION_PREFIX}${i.integrationId}`, integrationOut(i)]));
      }
    }
    return components;
  }

  #scheme(authorizer: HttpAuthorizer): JsonObject {
    const sources = authorizer.identitySource ?? [];
    const extension: JsonObject = {};
    if (sources.length > 0) extension.identitySource = sources.join(', ');
    let scheme: JsonObject;
    if (authorizer.authorizerType === 'JWT') {
      scheme = { type: 'oauth2', flows: {} };
      if (authorizer.jwtConfiguration) extension.jwtConfiguration = { ...authorizer.jwtConfiguration };
      extension.type = 'jwt';
    } else {
      // The scheme names the header a single header source reads; "Unused" otherwise (REST API convention, unverified here).
      const header = sources.length === 1 ? /^\$request\.header\.(.+)$/.exec(sources[0])?.[1] : undefined;
      scheme = { type: 'apiKey', name: header ?? 'Unused', in: 'header' };
      if (authorizer.authorizerUri) extension.authorizerUri = authorizer.authorizerUri;
      if (authorizer.authorizerCredentialsArn) extension.authorizerCredentials = authorizer.authorizerCredentialsArn;
      if (authorizer.authorizerPayloadFormatVersion) extension.authorizerPayloadFormatVersion = authorizer.authorizerPayloadFormatVersion;
      if (authorizer.authorizerResultTtlInSeconds !== undefined) extension.authorizerResultTtlInSeconds = authorizer.authorizerResultTtlInSeconds;
      extension.type = 'request';
      extension.enableSimpleResponses = authorizer.enableSimpleResponses ?? false;
    }
    if (this.#extensions) scheme[x('authorizer')] = extension;
    return scheme;
  }
}

function integrationIdOf(target: string | undefined): string | undefined {
  return target?.startsWith('integrations/') ? target.slice('integrations/'.length) : undefined;
}

function integrationOut(integration: HttpIntegration): JsonObject {
  const out: JsonObject = {};
  if (integration.responseParameters && Object.keys(integration.responseParameters).length > 0) {
    out.responseParameters = Object.fromEntries(Object.entries(integration.responseParameters).map(([status, map]) => [status, { ...map }]));
  }
  if (integration.requestParameters && Object.keys(integration.requestParameters).length > 0) out.requestParameters = { ...integration.requestParameters };
  out.payloadFormatVersion = integration.payloadFormatVersion;
  if (integration.integrationSubtype) out.integrationSubtype = integration.integrationSubtype;
  if (integration.credentialsArn) out.credentials = integration.credentialsArn;
  out.type = integration.integrationType.toLowerCase();
  if (integration.integrationMethod) out.httpMethod = integration.integrationMethod;
  if (integration.integrationUri) out.uri = integration.integrationUri;
  out.connectionType = integration.connectionType;
  if (integration.connectionId) out.connectionId = integration.connectionId;
  if (integration.timeoutInMillis !== HTTP_INTEGRATION_TIMEOUT_MS.default) out.timeoutInMillis = integration.timeoutInMillis;
  if (integration.tlsConfig?.serverNameToVerify) out.tlsConfig = { serverNameToVerify: integration.tlsConfig.serverNameToVerify };
  return out;
}

function corsOut(cors: Cors): JsonObject {
  const out: JsonObject = {};
  for (const key of CORS_ORDER) if (cors[key] !== undefined) out[key] = cors[key];
  return out;
}
