// CORS for HTTP APIs from the API's `corsConfiguration`
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html): API Gateway
// answers preflights itself (an OPTIONS with Origin and Access-Control-Request-Method, even
// without an OPTIONS route), adds the configured headers to every other response of a request
// with an allowed Origin, and ignores the CORS headers the backend returns. `allowOrigins` takes
// exact origins, `*`, `http://*` and `https://*` (any origin of that scheme) and nothing else.
// CreateApi/UpdateApi/ImportApi refuse what AWS refuses, with AWS's BadRequestException texts
// where they are recorded (marked unverified where not); the bounds come from the API reference
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html#apis-apiid-model-cors).
//
// Behaviour recorded against AWS in LocalStack's AWS-validated apigatewayv2 CORS tests: a
// preflight is answered with a 2xx even when it does not match, it matches only when its method
// (and every requested header) is in `allowMethods` (`allowHeaders`) or those hold `*` — an API
// with only `allowOrigins` never matches — and a match with no `allowHeaders` carries an empty
// Access-Control-Allow-Headers. Unverified, chosen as a user would expect: the 204 status, no
// CORS headers at all on a refused preflight, configured lists joined with `,` (so `*` is sent as
// is), origins compared case-insensitively, `Vary: Origin` when a response echoes the origin,
// lowercase header names (as HTTP APIs' own `apigw-requestid`).
import type { Cors } from '../../model/http-api.js';

/** `maxAge` bounds (API reference: minimum -1, maximum 86400). */
export const CORS_MAX_AGE_MIN = -1;
export const CORS_MAX_AGE_MAX = 86_400;

/** What a preflight is answered with (unverified: AWS's exact status). */
export const PREFLIGHT_STATUS = 204;

/** The methods a route key may name, less `ANY` (AWS: "Method ANY is not supported"). */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const ANY_HTTP = 'http://*';
const ANY_HTTPS = 'https://*';
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+$/i;
const VISIBLE = /^[\x21-\x7e]+$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ACCESS_CONTROL = 'access-control-';

const LIST_MEMBERS = ['allowHeaders', 'allowMethods', 'allowOrigins', 'exposeHeaders'] as const;

/** `null` counts as absent, as the JSON protocol has it. */
const given = (value: unknown): boolean => value !== undefined && value !== null;
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((entry) => typeof entry === 'string');
const typeProblem = (member: string, expected: string) => `Invalid input: corsConfiguration.${member} must be ${expected}`; // unverified

/** The control plane's check of a `corsConfiguration`: AWS's BadRequestException message, or undefined when valid. */
export function checkCorsConfiguration(cors: unknown): string | undefined {
  if (typeof cors !== 'object' || cors === null || Array.isArray(cors)) return 'Invalid input: corsConfiguration must be a structure'; // unverified
  const members = cors as Record<string, unknown>;
  if (given(members.allowCredentials) && typeof members.allowCredentials !== 'boolean') return typeProblem('allowCredentials', 'a boolean');
  for (const member of LIST_MEMBERS) {
    if (given(members[member]) && !isStringList(members[member])) return typeProblem(member, 'a list of strings');
  }
  if (given(members.maxAge) && !Number.isInteger(members.maxAge)) return typeProblem('maxAge', 'an integer');
  const { allowCredentials, allowHeaders, allowMethods, allowOrigins, exposeHeaders, maxAge } = members as Cors;

  for (const method of allowMethods ?? []) {
    // aws-cdk#10230 / #13643: "Method ANY is not supported" (lowercase accepted: unverified).
    if (method !== '*' && !METHODS.has(method.toUpperCase())) return `Method ${method} is not supported`;
  }
  for (const origin of allowOrigins ?? []) {
    const lower = origin.toLowerCase();
    if (origin === '*' || lower === ANY_HTTP || lower === ANY_HTTPS) continue;
    // Refusal recorded (LocalStack, "no-partial-wildcard"); the text is a user's CloudFormation log.
    if (origin.includes('*')) return `allow-origin ${origin} can not have wildcards`;
    // Refusal recorded ("https:/"); the text is unverified.
    if (!ORIGIN.test(origin) || !VISIBLE.test(origin)) return `allow-origin ${origin} is not a valid origin`;
  }
  for (const [member, names] of [['allow-headers', allowHeaders], ['expose-headers', exposeHeaders]] as const) {
    // Names end up in response headers, where Node refuses anything but a token (text unverified).
    const bad = names?.find((name) => !TOKEN.test(name));
    if (bad !== undefined) return `${member} ${bad} is not a valid header name`;
  }
  // aws-cdk#9076 (any `*` in the list, recorded by LocalStack's "no-credentials-with-wildcard").
  if (allowCredentials === true && allowOrigins?.includes('*')) return "allow-credentials is not supported if 'allow-origin' is *";
  if (maxAge !== undefined && maxAge !== null && (maxAge < CORS_MAX_AGE_MIN || maxAge > CORS_MAX_AGE_MAX)) {
    return `max-age ${maxAge} must be between ${CORS_MAX_AGE_MIN} and ${CORS_MAX_AGE_MAX}`; // unverified
  }
  return undefined;
}

export interface CorsPreflight {
  statusCode: number;
  /** Flat [name, value, …]; empty when the preflight is refused. A fresh array the caller may extend. */
  headers: string[];
}

export interface CompiledCors {
  /** The answer to a preflight (an OPTIONS with Origin and Access-Control-Request-Method), else undefined. */
  preflight(method: string, header: (lowerName: string) => string | undefined): CorsPreflight | undefined;
  /** Any other response: drops the backend's Access-Control-* headers, then adds ours for an allowed Origin. In place. */
  decorate(requestOrigin: string | undefined, responseHeaders: string[]): void;
}

/** Built once per deployment: every list normalised, every header that does not depend on the request precomputed. */
export function compileCors(cors: Cors): CompiledCors {
  return new CompiledCorsConfiguration(cors);
}

class CompiledCorsConfiguration implements CompiledCors {
  private readonly anyOrigin: boolean;
  private readonly anyHttp: boolean;
  private readonly anyHttps: boolean;
  /** Exact origins, lowercase. */
  private readonly origins: ReadonlySet<string>;
  private readonly anyMethod: boolean;
  private readonly methods: ReadonlySet<string>;
  private readonly anyHeader: boolean;
  /** Lowercase. */
  private readonly headers: ReadonlySet<string>;
  /** After Access-Control-Allow-Origin on a matched preflight. */
  private readonly preflightTail: readonly string[];
  /** After Access-Control-Allow-Origin: `*` on other responses. */
  private readonly wildcardTail: readonly string[];
  /** After an echoed Access-Control-Allow-Origin on other responses. */
  private readonly echoTail: readonly string[];

  constructor(cors: Cors) {
    const origins = (cors.allowOrigins ?? []).map((origin) => origin.toLowerCase());
    const methods = (cors.allowMethods ?? []).map((method) => method.toUpperCase());
    const allowHeaders = cors.allowHeaders ?? [];
    const exposeHeaders = cors.exposeHeaders ?? [];
    this.anyOrigin = origins.includes('*');
    this.anyHttp = origins.includes(ANY_HTTP);
    this.anyHttps = origins.includes(ANY_HTTPS);
    this.origins = new Set(origins);
    this.anyMethod = methods.includes('*');
    this.methods = new Set(methods);
    this.anyHeader = allowHeaders.includes('*');
    this.headers = new Set(allowHeaders.map((name) => name.toLowerCase()));

    const credentials = cors.allowCredentials === true ? ['access-control-allow-credentials', 'true'] : [];
    const maxAge = cors.maxAge !== undefined && cors.maxAge !== null ? ['access-control-max-age', String(cors.maxAge)] : [];
    this.preflightTail = [
      'access-control-allow-methods', methods.join(','),
      'access-control-allow-headers', allowHeaders.join(','),
      ...maxAge,
      ...credentials,
    ];
    const expose = exposeHeaders.length > 0 ? ['access-control-expose-headers', exposeHeaders.join(',')] : [];
    this.wildcardTail = [...credentials, ...expose];
    this.echoTail = [...credentials, ...expose, 'vary', 'Origin'];
  }

  preflight(method: string, header: (lowerName: string) => string | undefined): CorsPreflight | undefined {
    if (method !== 'OPTIONS') return undefined;
    const origin = header('origin');
    const requestedMethod = header('access-control-request-method');
    if (!origin || !requestedMethod) return undefined;
    const allowOrigin = this.allowOrigin(origin);
    if (allowOrigin === undefined || !this.allowsMethod(requestedMethod) || !this.allowsHeaders(header('access-control-request-headers'))) {
      return { statusCode: PREFLIGHT_STATUS, headers: [] };
    }
    return { statusCode: PREFLIGHT_STATUS, headers: ['access-control-allow-origin', allowOrigin, ...this.preflightTail] };
  }

  decorate(requestOrigin: string | undefined, responseHeaders: string[]): void {
    dropAccessControl(responseHeaders);
    if (!requestOrigin) return;
    const allowOrigin = this.allowOrigin(requestOrigin);
    if (allowOrigin === undefined) return;
    responseHeaders.push('access-control-allow-origin', allowOrigin);
    const tail = allowOrigin === '*' ? this.wildcardTail : this.echoTail;
    for (let i = 0; i < tail.length; i++) responseHeaders.push(tail[i]);
  }

  /** Access-Control-Allow-Origin's value for a request's Origin: `*`, the origin itself, or undefined when refused. */
  private allowOrigin(origin: string): string | undefined {
    if (this.anyOrigin) return '*';
    const lower = origin.toLowerCase();
    if (this.origins.has(lower) || (this.anyHttps && lower.startsWith('https://')) || (this.anyHttp && lower.startsWith('http://'))) return origin;
    return undefined;
  }

  private allowsMethod(requested: string): boolean {
    return this.anyMethod || this.methods.has(requested);
  }

  /** Access-Control-Request-Headers (`a, b`): every name must be allowed. */
  private allowsHeaders(requested: string | undefined): boolean {
    if (requested === undefined || this.anyHeader) return true;
    for (const name of requested.split(',')) {
      const lower = name.trim().toLowerCase();
      if (lower !== '' && !this.headers.has(lower)) return false;
    }
    return true;
  }
}

/** Removes every Access-Control-* header (any case), keeping the others in order. */
function dropAccessControl(headers: string[]): void {
  let write = 0;
  for (let read = 0; read < headers.length; read += 2) {
    const name = headers[read];
    if (name.length > ACCESS_CONTROL.length && (name.charCodeAt(0) | 0x20) === 0x61 /* a */
      && name.slice(0, ACCESS_CONTROL.length).toLowerCase() === ACCESS_CONTROL) continue;
    if (write !== read) {
      headers[write] = name;
      headers[write + 1] = headers[read + 1];
    }
    write += 2;
  }
  headers.length = write;
}
