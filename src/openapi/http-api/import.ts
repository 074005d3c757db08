// ImportApi / ReimportApi for HTTP APIs: an OpenAPI 3 document read into the parts of an
// HttpApiDefinition. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html
// Each path + method is a route `METHOD /path` (x-amazon-apigateway-any-method → ANY; with
// `isDefaultRoute: true` → `$default`, exported under the path `/$default`), its
// x-amazon-apigateway-integration an integration (or a `$ref` into
// components/x-amazon-apigateway-integrations), `x-amazon-apigateway-authorizer` schemes (jwt,
// request) authorizers, `security` the route's authorization, plus x-amazon-apigateway-cors,
// -tag-value tags, -endpoint-configuration and -importexport-version.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
// As the first page describes, problems come as info (valid OpenAPI HTTP APIs ignore), warnings
// (kept, or fatal with failOnWarnings) and errors (nothing is imported); the wordings are
// Archway's unless a comment says where they were recorded.
import { badRequest } from '../../aws/errors.js';
import {
  DEFAULT_KEY, HTTP_INTEGRATION_TIMEOUT_MS, MAX_AUTHORIZER_TTL_SECONDS, type Cors, type HttpAuthorizationType, type HttpAuthorizer, type HttpIntegration, type HttpRoute,
} from '../../model/http-api.js';
import { CORS_MAX_AGE_MAX, CORS_MAX_AGE_MIN } from '../../data-plane/http-api/cors.js';
import { basePathPrefix, documentBasePath, type BasePathMode } from '../basepath.js';
import { EXTENSION_PREFIX, ImportProblems, isObject, text, type JsonObject, type OpenApiDocument } from '../document.js';
import { parseOpenApi } from '../parse.js';
import { References } from '../refs.js';
import { resolveAwsVariables, type AwsVariables } from '../variables.js';

export const x = (name: string) => `${EXTENSION_PREFIX}${name}`;

/** HTTP API integration timeout: 50–30 000 ms, 30 000 by default (apigatewayv2 CreateIntegration). */
/** The only x-amazon-apigateway-importexport-version there is (documented). */
export const IMPORT_EXPORT_VERSION = '1.0';
/** How AWS's export names an integration no route targets (recorded in AWS exports: `unusedIntegration_w2xq0tc`). */
export const UNUSED_INTEGRATION_PREFIX = 'unusedIntegration_';
/** The path AWS exports the `$default` route under (documented x-amazon-apigateway-any-method example). */
export const DEFAULT_ROUTE_PATH = `/${DEFAULT_KEY}`;
/** OpenAPI path item keys of the route methods HTTP APIs have (prototype-less: looked up with the document's keys). */
export const METHOD_KEYS: Readonly<Record<string, string>> = Object.assign(Object.create(null), {
  get: 'GET', put: 'PUT', post: 'POST', delete: 'DELETE', options: 'OPTIONS', head: 'HEAD', patch: 'PATCH', [x('any-method')]: 'ANY',
});

const INTEGRATION = x('integration');
const INTEGRATIONS = x('integrations');
const AUTHORIZER = x('authorizer');
/** Top-level extensions of REST APIs only: valid, but HTTP APIs ignore them (info). */
const REST_ONLY_TOP_LEVEL = new Set([
  'binary-media-types', 'minimum-compression-size', 'api-key-source', 'policy', 'endpoint-configuration',
  'gateway-responses', 'request-validators', 'request-validator', 'documentation',
].map(x));
const KNOWN_TOP_LEVEL = new Set([x('cors'), x('importexport-version')]);
const OPERATION_EXTENSIONS = new Set([INTEGRATION, x('auth')]);
/** Integration properties of REST APIs only (the documented HTTP API examples carry some of them). */
const REST_ONLY_INTEGRATION = ['requestTemplates', 'responses', 'passthroughBehavior', 'contentHandling', 'cacheKeyParameters', 'cacheNamespace'];
/** Parameter mapping keys. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html */
const REQUEST_MAPPING_KEY = /^(?:(?:append|overwrite|remove):(?:header|querystring)\.[^\s.][^\s]*|overwrite:path)$/;
const RESPONSE_MAPPING_KEY = /^(?:(?:append|overwrite|remove):header\.[^\s.][^\s]*|overwrite:statuscode)$/;
const STATUS_CODE = /^[1-5]\d\d$/;
/** REST identity source forms, rewritten to HTTP API selection expressions (a REST export imported as an HTTP API). */
const REST_IDENTITY_SOURCE = /^(?:method\.request\.(header|querystring)\.|(stageVariables|context)\.)/;
/** Lambda authorizer cache bound (apigatewayv2 CreateAuthorizer: 0–3600 s). */
/** CORS max age bounds (apigatewayv2 Cors.maxAge: -1–86400). */

export interface HttpApiImportOptions {
  /** A new id for each route, integration and authorizer the document defines. */
  newId: (kind: 'route' | 'integration' | 'authorizer') => string;
  failOnWarnings: boolean;
  basepath?: BasePathMode;
  /** `${AWS::Region}` / `${AWS::AccountId}` / `${AWS::Partition}` are resolved when given (documented for HTTP APIs too). */
  variables?: AwsVariables;
}

/** What the document defines; the caller builds (or replaces) the API's working copy from it. */
export interface ImportedHttpApi {
  name: string;
  description?: string;
  version?: string;
  corsConfiguration?: Cors;
  disableExecuteApiEndpoint?: boolean;
  tags: Record<string, string>;
  routes: HttpRoute[];
  integrations: HttpIntegration[];
  authorizers: HttpAuthorizer[];
  warnings: string[];
  /** What the document says that HTTP APIs ignore (the Api's `importInfo`). */
  importInfo: string[];
}

/**
 * Whether a document is an HTTP API's rather than a REST API's (for `--import FILE`, which takes
 * both). HTTP APIs are OpenAPI 3 only; a document is one when it says so with an extension only
 * HTTP APIs read — x-amazon-apigateway-importexport-version (every AWS HTTP API export has it),
 * x-amazon-apigateway-cors, components/x-amazon-apigateway-integrations, a jwt authorizer, a
 * `$default` route — or an integration with a payloadFormatVersion (required for HTTP APIs, no
 * REST API field). Anything else stays a REST API, which is what `--import` always read.
 */
export function isHttpApiDocument(doc: OpenApiDocument): boolean {
  if (doc.version === 'swagger2') return false;
  const { root } = doc;
  if (root[x('importexport-version')] !== undefined || root[x('cors')] !== undefined) return true;
  const components = isObject(root.components) ? root.components : {};
  if (isObject(components[INTEGRATIONS])) return true;
  const schemes = isObject(components.securitySchemes) ? Object.values(components.securitySchemes) : [];
  const authorizers = schemes.map((s) => (isObject(s) ? s[AUTHORIZER] : undefined));
  if (authorizers.some((a) => isObject(a) && text(a.type)?.toLowerCase() === 'jwt')) return true;
  const refs = new References(root);
  for (const item of isObject(root.paths) ? Object.values(root.paths) : []) {
    if (!isObject(item)) continue;
    for (const [key, operation] of Object.entries(item)) {
      if (METHOD_KEYS[key] === undefined || !isObject(operation)) continue;
      if (operation.isDefaultRoute === true) return true;
      let integration: unknown;
      try {
        integration = refs.resolve(operation[INTEGRATION]);
      } catch {
        continue;
      }
      if (isObject(integration) && integration.payloadFormatVersion !== undefined) return true;
    }
  }
  return false;
}

/**
 * Reads the document; throws AWS's BadRequestException when it cannot be imported ("Errors found
 * during import", or with failOnWarnings "Warnings found during import" — recorded for HTTP APIs
 * in Terraform's acceptance tests).
 */
export function importHttpApi(body: string | Uint8Array, opts: HttpApiImportOptions): ImportedHttpApi {
  const doc = parseOpenApi(body);
  if (doc.version === 'swagger2') {
    // documented: HTTP APIs support only OpenAPI 3.0, a Swagger document is an error
    throw badRequest('Invalid OpenAPI input. HTTP APIs support only OpenAPI 3.0 definitions.');
  }
  if (opts.variables) resolveAwsVariables(doc.root, opts.variables);
  return new HttpApiReader(doc, opts).read();
}

type Scheme = { kind: 'authorizer'; authorizer: HttpAuthorizer } | { kind: 'iam' } | { kind: 'unsupported' };
type IntegrationFields = Omit<HttpIntegration, 'integrationId'>;
interface RouteAuth {
  authorizationType: HttpAuthorizationType;
  authorizerId?: string;
  authorizationScopes?: string[];
}

class HttpApiReader {
  readonly #root: JsonObject;
  readonly #refs: References;
  readonly #opts: HttpApiImportOptions;
  readonly #problems = new ImportProblems();
  readonly #info: string[] = [];
  readonly #schemes = new Map<string, Scheme>();
  readonly #authorizers: HttpAuthorizer[] = [];
  readonly #integrations: HttpIntegration[] = [];
  /** Component integrations by the object a `$ref` resolves to. */
  readonly #components = new Map<object, HttpIntegration>();
  /** Inline integrations by their content: operations that say the same thing share one. */
  readonly #inline = new Map<string, HttpIntegration>();
  readonly #routes: HttpRoute[] = [];
  readonly #prefix: string;

  constructor(doc: OpenApiDocument, opts: HttpApiImportOptions) {
    this.#root = doc.root;
    this.#refs = new References(doc.root);
    this.#opts = opts;
    this.#prefix = basePathPrefix(opts.basepath ?? 'ignore', documentBasePath(doc));
  }

  read(): ImportedHttpApi {
    this.#checkReferences();
    const root = this.#root;
    const info = isObject(root.info) ? root.info : {};
    const name = text(info.title);
    if (name === undefined || name === '') this.#problems.error('The API needs a name: info.title is missing');
    this.#topLevelExtensions();
    const components = isObject(root.components) ? root.components : {};
    this.#readSchemes(components.securitySchemes);
    this.#readComponentIntegrations(components[INTEGRATIONS]);
    this.#readPaths();
    const corsConfiguration = this.#readCors(root[x('cors')]);
    this.#problems.throwIfErrors();
    if (this.#opts.failOnWarnings) this.#problems.throwIfWarnings();

    const out: ImportedHttpApi = {
      name: name ?? '',
      tags: readTags(root.tags),
      routes: this.#routes,
      integrations: this.#integrations,
      authorizers: this.#authorizers,
      warnings: [...this.#problems.warnings],
      importInfo: [...new Set(this.#info)],
    };
    const description = text(info.description);
    if (description !== undefined) out.description = description;
    const version = text(info.version);
    if (version !== undefined) out.version = version;
    if (corsConfiguration) out.corsConfiguration = corsConfiguration;
    const disable = this.#disableExecuteApiEndpoint();
    if (disable !== undefined) out.disableExecuteApiEndpoint = disable;
    return out;
  }

  /**
   * A `$ref` that resolves to nothing is a warning, in the words of AWS's OpenAPI parser as moto
   * reproduces them ("Parse issue: attribute paths.'/update'(get).responses.200.content.schema.#/components/schemas/X is missing").
   */
  #checkReferences(): void {
    const stack: [unknown, string[]][] = [[this.#root, []]];
    while (stack.length > 0) {
      const [value, keys] = stack.pop()!;
      if (value === null || typeof value !== 'object') continue;
      if (isObject(value) && typeof value.$ref === 'string') {
        try {
          this.#refs.target(value.$ref);
        } catch {
          this.#problems.warn(`Parse issue: attribute ${location(keys)}.${value.$ref} is missing`);
        }
      }
      for (const [key, child] of Object.entries(value)) stack.push([child, [...keys, key]]);
    }
  }

  #topLevelExtensions(): void {
    for (const key of Object.keys(this.#root)) {
      if (!key.startsWith(EXTENSION_PREFIX) || KNOWN_TOP_LEVEL.has(key)) continue;
      if (REST_ONLY_TOP_LEVEL.has(key)) this.#info.push(`${key} is not supported for HTTP APIs; ignored`);
      else this.#problems.warn(`Unsupported extension ${key} at the top level; ignored`);
    }
    const version = formatVersion(this.#root[x('importexport-version')]);
    if (this.#root[x('importexport-version')] !== undefined && version !== IMPORT_EXPORT_VERSION) {
      this.#problems.warn(`Unsupported ${x('importexport-version')} '${String(this.#root[x('importexport-version')])}'; ${IMPORT_EXPORT_VERSION} is used`);
    }
  }

  #disableExecuteApiEndpoint(): boolean | undefined {
    // OpenAPI 3: on a server object (documented)
    const servers = Array.isArray(this.#root.servers) ? this.#root.servers.filter(isObject) : [];
    const endpoint = servers.map((s) => s[x('endpoint-configuration')]).find(isObject);
    return typeof endpoint?.disableExecuteApiEndpoint === 'boolean' ? endpoint.disableExecuteApiEndpoint : undefined;
  }

  #resolve(raw: unknown): unknown {
    try {
      return this.#refs.resolve(raw);
    } catch {
      return undefined; // reported by #checkReferences
    }
  }

  // ---- authorizers and security

  #readSchemes(schemes: unknown): void {
    if (!isObject(schemes)) return;
    for (const [name, raw] of Object.entries(schemes)) {
      const scheme = this.#resolve(raw);
      if (!isObject(scheme)) continue;
      const authorizer = scheme[AUTHORIZER];
      if (isObject(authorizer)) {
        const read = this.#readAuthorizer(name, scheme, authorizer);
        if (read) {
          this.#authorizers.push(read);
          this.#schemes.set(name, { kind: 'authorizer', authorizer: read });
        }
      } else if (text(scheme[x('authtype')])?.toLowerCase() === 'awssigv4') {
        this.#schemes.set(name, { kind: 'iam' });
      } else {
        this.#schemes.set(name, { kind: 'unsupported' });
      }
    }
  }

  #readAuthorizer(name: string, scheme: JsonObject, raw: JsonObject): HttpAuthorizer | undefined {
    const what = `Unable to create authorizer '${name}'`;
    // A missing type is read from what the authorizer has (unverified: AWS's exports always name it).
    const type = (text(raw.type) ?? (raw.jwtConfiguration !== undefined ? 'jwt' : 'request')).toLowerCase();
    if (type !== 'jwt' && type !== 'request') {
      this.#problems.error(`${what}: HTTP APIs support only jwt and request authorizers, not '${type}'`);
      return undefined;
    }
    const authorizer: HttpAuthorizer = { authorizerId: '', name, authorizerType: type === 'jwt' ? 'JWT' : 'REQUEST' };
    const identitySource = identitySources(raw.identitySource);
    if (identitySource) authorizer.identitySource = identitySource;
    if (type === 'jwt') {
      const configuration = isObject(raw.jwtConfiguration) ? raw.jwtConfiguration : {};
      // documented: an openIdConnect scheme's openIdConnectUrl names the issuer
      const discovery = text(scheme.openIdConnectUrl)?.replace(/\/\.well-known\/openid-configuration\/?$/, '');
      const issuer = text(configuration.issuer) ?? discovery;
      if (!issuer) {
        this.#problems.error(`${what}: a JWT authorizer needs jwtConfiguration.issuer or an openIdConnectUrl`);
        return undefined;
      }
      authorizer.jwtConfiguration = { issuer };
      const audience = strings(configuration.audience);
      if (audience) authorizer.jwtConfiguration.audience = audience;
      // unverified: CreateAuthorizer requires it, the documented examples all use this header
      authorizer.identitySource ??= ['$request.header.Authorization'];
    } else {
      const uri = text(raw.authorizerUri);
      if (!uri) {
        this.#problems.error(`${what}: authorizerUri is required for a request authorizer`);
        return undefined;
      }
      authorizer.authorizerUri = uri;
      const payload = formatVersion(raw.authorizerPayloadFormatVersion);
      if (payload !== '1.0' && payload !== '2.0') {
        // moto's text for CreateAuthorizer without it (unverified against AWS)
        this.#problems.error(`${what}: AuthorizerPayloadFormatVersion is a required parameter for REQUEST authorizer`);
        return undefined;
      }
      authorizer.authorizerPayloadFormatVersion = payload;
      const credentials = text(raw.authorizerCredentials);
      if (credentials) authorizer.authorizerCredentialsArn = credentials;
      if (raw.authorizerResultTtlInSeconds !== undefined) {
        const ttl = Number(raw.authorizerResultTtlInSeconds);
        if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_AUTHORIZER_TTL_SECONDS) {
          this.#problems.error(`${what}: authorizerResultTtlInSeconds must be an integer from 0 to ${MAX_AUTHORIZER_TTL_SECONDS}`);
          return undefined;
        }
        authorizer.authorizerResultTtlInSeconds = ttl;
      }
      // AWS's exports always write it, false when off
      authorizer.enableSimpleResponses = raw.enableSimpleResponses === true;
    }
    authorizer.authorizerId = this.#opts.newId('authorizer');
    return authorizer;
  }

  /**
   * The route's authorization from `security` (the operation's, else the document's). Documented:
   * one requirement naming one of IAM, a Lambda authorizer or a JWT authorizer; more is an error.
   * `x-amazon-apigateway-auth` (AWS_IAM or NONE) on the operation overrides the document's.
   */
  #routeAuth(operation: JsonObject, where: string): RouteAuth {
    const extension = operation[x('auth')];
    const explicit = isObject(extension) ? text(extension.type)?.toUpperCase() : undefined;
    const own = Object.hasOwn(operation, 'security');
    const requirements = own ? operation.security : explicit !== undefined ? undefined : this.#root.security;
    const auth = this.#fromSecurity(requirements, where);
    if (explicit === undefined) return auth;
    if (explicit !== 'AWS_IAM' && explicit !== 'NONE') {
      this.#problems.error(`Unable to create route '${where}': ${x('auth')} type must be AWS_IAM or NONE, not '${explicit}'`);
      return auth;
    }
    if (auth.authorizationType !== 'NONE' && auth.authorizationType !== explicit) {
      this.#problems.error(`Unable to create route '${where}': ${x('auth')} and security name different authorization types`);
    }
    return { authorizationType: explicit };
  }

  #fromSecurity(requirements: unknown, where: string): RouteAuth {
    const none: RouteAuth = { authorizationType: 'NONE' };
    if (!Array.isArray(requirements) || requirements.length === 0) return none;
    if (requirements.length > 1) {
      this.#problems.error(`Unable to create route '${where}': HTTP APIs support only one security requirement per operation`);
      return none;
    }
    const requirement = requirements[0];
    if (!isObject(requirement)) return none;
    const chosen: RouteAuth[] = [];
    for (const [name, scopes] of Object.entries(requirement)) {
      const scheme = this.#schemes.get(name);
      if (!scheme) {
        // Archway refuses rather than leave the route open (unverified)
        this.#problems.error(`Unable to create route '${where}': security scheme '${name}' is not defined`);
        continue;
      }
      if (scheme.kind === 'unsupported') {
        this.#problems.warn(`Security scheme '${name}' used by ${where} is neither an authorizer nor IAM; ignored`);
        continue;
      }
      const list = strings(scopes) ?? [];
      const jwt = scheme.kind === 'authorizer' && scheme.authorizer.authorizerType === 'JWT';
      if (list.length > 0 && !jwt) this.#problems.warn(`Scopes of security scheme '${name}' used by ${where} apply only to JWT authorizers; ignored`);
      if (scheme.kind === 'iam') chosen.push({ authorizationType: 'AWS_IAM' });
      else {
        chosen.push({
          authorizationType: jwt ? 'JWT' : 'CUSTOM',
          authorizerId: scheme.authorizer.authorizerId,
          ...(jwt && list.length > 0 && { authorizationScopes: list }),
        });
      }
    }
    if (chosen.length > 1) {
      this.#problems.error(`Unable to create route '${where}': a route can use only one of IAM authorization, a Lambda authorizer or a JWT authorizer`);
      return none;
    }
    return chosen[0] ?? none;
  }

  // ---- integrations

  #readComponentIntegrations(integrations: unknown): void {
    if (!isObject(integrations)) return;
    for (const [name, raw] of Object.entries(integrations)) {
      const resolved = this.#resolve(raw);
      if (!isObject(resolved)) continue;
      const fields = this.#readIntegration(resolved, `components/${INTEGRATIONS}/${name}`, `integration '${name}'`);
      if (!fields) continue;
      const integration = { integrationId: this.#opts.newId('integration'), ...fields };
      this.#integrations.push(integration);
      this.#components.set(resolved, integration);
    }
  }

  /** The integration a route targets: a component it references, or the one its content describes. */
  #routeIntegration(raw: unknown, path: string, where: string): HttpIntegration | undefined {
    const resolved = this.#resolve(raw);
    if (!isObject(resolved)) return undefined;
    const component = this.#components.get(resolved);
    if (component) return component;
    const fields = this.#readIntegration(resolved, path, `route '${where}'`);
    if (!fields) return undefined;
    const key = JSON.stringify(fields);
    let integration = this.#inline.get(key);
    if (!integration) {
      integration = { integrationId: this.#opts.newId('integration'), ...fields };
      this.#inline.set(key, integration);
      this.#integrations.push(integration);
    }
    return integration;
  }

  #readIntegration(raw: JsonObject, path: string, what: string): IntegrationFields | undefined {
    const type = text(raw.type)?.toUpperCase();
    const uri = text(raw.uri);
    const subtype = text(raw.integrationSubtype);
    if (type === undefined || (uri === undefined && subtype === undefined)) {
      // AWS's text for a REST API (recorded in an AWS error report)
      this.#problems.error(`Unable to parse API definition because of a malformed integration at path ${path}.`);
      return undefined;
    }
    if (type !== 'AWS_PROXY' && type !== 'HTTP_PROXY') {
      // documented: a warning, HTTP APIs have only Lambda proxy and HTTP proxy integrations
      this.#problems.warn(`Unsupported integration type '${type}' for ${what}: HTTP APIs support AWS_PROXY and HTTP_PROXY integrations; ignored`);
      return undefined;
    }
    const fail = (reason: string) => {
      this.#problems.error(`Unable to create integration for ${what}: ${reason}`);
      return undefined;
    };
    // unverified: 1.0 when absent, so a REST API's export (which has none) keeps its Lambda event format
    const payload = raw.payloadFormatVersion === undefined ? '1.0' : formatVersion(raw.payloadFormatVersion);
    if (payload !== '1.0' && payload !== '2.0') return fail(`unsupported payloadFormatVersion '${String(raw.payloadFormatVersion)}'`);
    if (payload === '2.0' && type !== 'AWS_PROXY') return fail('payloadFormatVersion 2.0 is supported only for AWS_PROXY integrations'); // documented rule
    const connectionType = text(raw.connectionType)?.toUpperCase() ?? 'INTERNET';
    if (connectionType !== 'INTERNET' && connectionType !== 'VPC_LINK') return fail(`connectionType must be INTERNET or VPC_LINK, not '${connectionType}'`);
    let timeoutInMillis: number = HTTP_INTEGRATION_TIMEOUT_MS.default;
    if (raw.timeoutInMillis !== undefined) {
      timeoutInMillis = Number(raw.timeoutInMillis);
      const { min, max } = HTTP_INTEGRATION_TIMEOUT_MS;
      if (!Number.isInteger(timeoutInMillis) || timeoutInMillis < min || timeoutInMillis > max) {
        return fail(`timeoutInMillis must be an integer from ${min} to ${max}`);
      }
    }

    const fields: IntegrationFields = { integrationType: type, connectionType, payloadFormatVersion: payload, timeoutInMillis };
    if (subtype !== undefined) fields.integrationSubtype = subtype;
    if (uri !== undefined) fields.integrationUri = uri;
    // recorded: a Lambda proxy integration's method is POST when not given; unverified: HTTP proxies default to ANY
    const method = text(raw.httpMethod)?.toUpperCase() ?? (subtype !== undefined ? undefined : type === 'AWS_PROXY' ? 'POST' : 'ANY');
    if (method !== undefined) fields.integrationMethod = method;
    const connectionId = text(raw.connectionId);
    if (connectionId !== undefined) fields.connectionId = connectionId;
    const credentials = text(raw.credentials);
    if (credentials !== undefined) fields.credentialsArn = credentials;
    const requestParameters = this.#requestParameters(raw.requestParameters, subtype !== undefined, what);
    if (requestParameters) fields.requestParameters = requestParameters;
    const responseParameters = this.#responseParameters(raw.responseParameters, what);
    if (responseParameters) fields.responseParameters = responseParameters;
    const serverName = isObject(raw.tlsConfig) ? text(raw.tlsConfig.serverNameToVerify) : undefined;
    if (serverName !== undefined) fields.tlsConfig = { serverNameToVerify: serverName };
    for (const key of REST_ONLY_INTEGRATION) {
      if (raw[key] !== undefined) this.#info.push(`Integration property '${key}' is not supported for HTTP APIs; ignored`);
    }
    return fields;
  }

  /** Mapping keys (`append:header.x`…), or with a subtype the AWS service's own parameter names. */
  #requestParameters(raw: unknown, serviceParameters: boolean, what: string): Record<string, string> | undefined {
    if (!isObject(raw)) return undefined;
    const out: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(raw)) {
      const v = text(value);
      if (v === undefined || (!serviceParameters && !REQUEST_MAPPING_KEY.test(key))) {
        this.#problems.warn(`Invalid request parameter mapping '${key}' for ${what}; ignored`);
      } else out[key] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  #responseParameters(raw: unknown, what: string): Record<string, Record<string, string>> | undefined {
    if (!isObject(raw)) return undefined;
    const out: Record<string, Record<string, string>> = Object.create(null);
    for (const [status, mappings] of Object.entries(raw)) {
      if (!STATUS_CODE.test(status) || !isObject(mappings)) {
        this.#problems.warn(`Invalid response parameters for status code '${status}' of ${what}; ignored`);
        continue;
      }
      const entry: Record<string, string> = Object.create(null);
      for (const [key, value] of Object.entries(mappings)) {
        const v = text(value);
        if (v === undefined || !RESPONSE_MAPPING_KEY.test(key)) this.#problems.warn(`Invalid response parameter mapping '${key}' for ${what}; ignored`);
        else entry[key] = v;
      }
      out[status] = entry;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  // ---- routes

  #readPaths(): void {
    const paths = this.#root.paths;
    if (!isObject(paths)) return;
    const keys = new Set<string>();
    for (const [rawPath, rawItem] of Object.entries(paths)) {
      if (rawPath.startsWith('x-')) continue;
      const item = this.#resolve(rawItem);
      if (!isObject(item)) continue;
      const path = routePath(this.#prefix, rawPath);
      for (const [key, operation] of Object.entries(item)) {
        const method = METHOD_KEYS[key];
        if (method === undefined) {
          if (key === 'trace') this.#problems.warn(`Method TRACE on path '${rawPath}' is not supported by HTTP APIs; ignored`);
          else if (key.startsWith(EXTENSION_PREFIX)) this.#problems.warn(`Unsupported extension ${key} at path '${rawPath}'; ignored`);
          continue;
        }
        const resolved = this.#resolve(operation);
        if (!isObject(resolved)) {
          this.#problems.error(`Unable to create route '${method} ${path}': the operation is not an object`);
          continue;
        }
        const route = this.#readRoute(method, path, rawPath, resolved);
        if (!route) continue;
        if (keys.has(route.routeKey)) {
          this.#problems.error(`Unable to create route '${route.routeKey}': the document defines it more than once`);
          continue;
        }
        keys.add(route.routeKey);
        this.#routes.push(route);
      }
    }
  }

  #readRoute(method: string, path: string, rawPath: string, operation: JsonObject): HttpRoute | undefined {
    const routeKey = method === 'ANY' && operation.isDefaultRoute === true ? DEFAULT_KEY : `${method} ${path}`;
    if (routeKey !== DEFAULT_KEY && /\{[^}]*\+\}./.test(path)) {
      // documented: the greedy path variable must be at the end of the resource path
      this.#problems.error(`Unable to create route '${routeKey}': a greedy path variable must be the last part of the path`);
      return undefined;
    }
    const auth = this.#routeAuth(operation, routeKey);
    const route: HttpRoute = { routeId: this.#opts.newId('route'), routeKey, apiKeyRequired: false, ...auth };
    if (operation[INTEGRATION] !== undefined) {
      const integration = this.#routeIntegration(operation[INTEGRATION], rawPath, routeKey);
      if (integration) route.target = `integrations/${integration.integrationId}`;
    }
    const operationName = text(operation.operationId);
    if (operationName) route.operationName = operationName;
    for (const key of Object.keys(operation)) {
      if (!key.startsWith(EXTENSION_PREFIX) || OPERATION_EXTENSIONS.has(key)) continue;
      if (key === x('request-validator')) this.#info.push(`${key} is not supported for HTTP APIs; ignored`);
      else this.#problems.warn(`Unsupported extension ${key} on ${routeKey}; ignored`);
    }
    // documented: HTTP APIs don't validate requests, so request bodies and their schemas are info
    if (operation.requestBody !== undefined) this.#info.push(`Request body of ${routeKey} is ignored: HTTP APIs do not validate requests`);
    return route;
  }

  // ---- API fields

  /** x-amazon-apigateway-cors; its camelCase properties only (recorded in Terraform's tests: snake_case ones leave no CORS). */
  #readCors(raw: unknown): Cors | undefined {
    if (raw === undefined) return undefined;
    if (!isObject(raw)) {
      this.#problems.error(`Invalid ${x('cors')}: it must be an object`);
      return undefined;
    }
    const cors: Cors = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'allowOrigins' || key === 'allowHeaders' || key === 'allowMethods' || key === 'exposeHeaders') {
        const list = strings(value);
        if (list) cors[key] = list;
        else this.#problems.error(`Invalid ${x('cors')}: ${key} must be a list of strings`);
      } else if (key === 'allowCredentials') {
        if (typeof value === 'boolean') cors.allowCredentials = value;
        else this.#problems.error(`Invalid ${x('cors')}: allowCredentials must be a boolean`);
      } else if (key === 'maxAge') {
        const age = Number(value);
        if (typeof value !== 'boolean' && Number.isInteger(age) && age >= CORS_MAX_AGE_MIN && age <= CORS_MAX_AGE_MAX) cors.maxAge = age;
        else this.#problems.error(`Invalid ${x('cors')}: maxAge must be an integer from ${CORS_MAX_AGE_MIN} to ${CORS_MAX_AGE_MAX}`);
      } else {
        this.#problems.warn(`Unknown ${x('cors')} property '${key}'; ignored`);
      }
    }
    return Object.keys(cors).length > 0 ? cors : undefined;
  }
}

/** `tags: [{name, x-amazon-apigateway-tag-value}]`; documented: a tag without a value is one with an empty value. */
function readTags(tags: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!Array.isArray(tags)) return out;
  for (const tag of tags) {
    if (isObject(tag) && typeof tag.name === 'string') out[tag.name] = text(tag[x('tag-value')]) ?? '';
  }
  return out;
}

/** A place as moto words it: `paths.'/pets'(get).responses.200.content.schema`, without the media type (unverified). */
function location(keys: string[]): string {
  const rest = keys.filter((_key, i) => keys[i - 1] !== 'content');
  if (rest[0] === 'paths' && rest.length >= 3) return [`paths.'${rest[1]}'(${rest[2]})`, ...rest.slice(3)].join('.');
  return rest.join('.');
}

/** The route path: the base-path prefix, then the document's path (with its leading slash). */
function routePath(prefix: string, raw: string): string {
  const path = raw.startsWith('/') ? raw : `/${raw}`;
  if (prefix === '') return path;
  return path === '/' ? prefix : `${prefix}${path}`;
}

/** `1.0`/`2.0` as written; YAML and JSON read an unquoted `1.0` as the number 1 (the documented examples do this). */
function formatVersion(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return `${value}.0`;
  return text(value);
}

/** A list of strings (`["a"]`; numbers read as text), or undefined when it is not one. */
function strings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.map(text);
  return out.every((v): v is string => v !== undefined) ? out : undefined;
}

/** A comma-separated list (documented) or a list; REST forms (`method.request.header.X`) become HTTP API ones (`$request.header.X`). */
function identitySources(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? strings(value) : text(value)?.split(',');
  const sources = list?.map((s) => s.trim()).filter(Boolean)
    .map((s) => s.replace(REST_IDENTITY_SOURCE, (_whole, location?: string, prefix?: string) => (location ? `$request.${location}.` : `$${prefix}.`)));
  return sources && sources.length > 0 ? sources : undefined;
}
