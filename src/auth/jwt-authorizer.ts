// HTTP API JWT authorizers (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html):
// the token from the identity source (as sent, or after `Bearer `); its signature, by the key its
// `kid` names, with the issuer's keys (issuer-keys.ts), RSA algorithms only; then, in the order
// AWS lists them, `iss` equal to the configured issuer, `aud` holding one of the configured
// audiences (`client_id` instead when there is no `aud`), `exp` after now, `nbf` and `iat` before
// it. A failure is 401 `{"message":"Unauthorized"}` with a `www-authenticate` challenge
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html).
// Then the route's authorizationScopes: the token's `scope` (space-separated) or `scp` must hold
// one of them, else 403 `{"message":"Forbidden"}`. One verifier per process; a token verified once
// is remembered until its `exp` (audience and scopes, which differ per authorizer and route, are
// checked on every request), so a caller's next requests answer without a Promise.
import { compactVerify, decodeJwt, decodeProtectedHeader, errors, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { Logger } from '../observability/logger.js';
import { LIMITS } from '../options/limits.js';
import { SweptMap } from '../state/swept-map.js';
import type { Awaitable } from '../store/config-store.js';
import type { IdentityReader, IdentitySource } from './identity-sources.js';
import { IssuerKeys, IssuerUnavailableError } from './issuer-keys.js';

/** "Currently, only RSA-based algorithms are supported" (the JWT authorizer page); PS* counted as RSA-based (unverified). */
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
/** Verified tokens remembered at most (the oldest go first past it). */
const MAX_REMEMBERED = 10_000;
/** `Bearer ` before the token, or alone (then no token). */
const BEARER = /^\s*bearer(?:\s+|$)/i;

/**
 * `error_description` in the challenge (and `$context.authorizer.error`). AWS documents the
 * audience one; the expired one was seen in a response of AWS; the missing and issuer ones are as
 * a user reported `$context.authorizer.error` in AWS's access log; the others are Archway's
 * (unverified).
 */
const DESCRIPTIONS = {
  missing: 'missing: token not provided',
  malformed: 'the token is malformed',
  issuer: 'issuer does not match',
  algorithm: 'the token signing algorithm is not supported',
  key: 'the token kid does not match a key of the issuer',
  signature: 'the token signature is invalid',
  audience: 'the token does not have a valid audience',
  expired: 'the token has expired',
  noExpiry: 'the token has no expiration time',
  notYetValid: 'the token is not valid yet',
  issuedLater: 'the token was issued in the future',
  scope: 'the token does not have the required scope',
  unavailable: 'the issuer keys could not be fetched',
} as const;

/** The authorizer's `jwtConfiguration`. */
export interface JwtAuthorizerConfig {
  readonly issuer: string;
  readonly audience: readonly string[];
}

export interface JwtAuthorized {
  /** `requestContext.authorizer.jwt.claims` and `$context.authorizer.claims`: every value a string. */
  readonly claims: Readonly<Record<string, string>>;
  /** `requestContext.authorizer.jwt.scopes`: the route's scopes the token holds (unverified), null when the route has none (observed). */
  readonly scopes: string[] | null;
}

export interface JwtRefused {
  /** 401 Unauthorized, 403 Forbidden (scopes), 500 when the issuer's keys cannot be had (unverified). */
  readonly status: 401 | 403 | 500;
  /** The `www-authenticate` header; none with 500. */
  readonly wwwAuthenticate?: string;
  /** AWS's words for it: the challenge's `error_description`, `$context.authorizer.error`. */
  readonly error: string;
  /** Archway's detail, for its log. */
  readonly reason: string;
}

export type JwtVerdict = JwtAuthorized | JwtRefused;

export const isRefused = (verdict: JwtVerdict): verdict is JwtRefused => 'status' in verdict;

/** What CreateAuthorizer takes when `identitySource` is not given (unverified: AWS may require it). */
export const DEFAULT_JWT_IDENTITY_SOURCE = '$request.header.Authorization';
const IDENTITY_SOURCE = /^\$request\.(header|querystring)\.(.+)$/;

/** Where the token is read: the (one) identity source, `$request.header.X` or `$request.querystring.x`; undefined for any other form. */
export function jwtTokenSource(identitySource: readonly string[] | undefined): IdentitySource | undefined {
  const match = IDENTITY_SOURCE.exec((identitySource?.[0] ?? DEFAULT_JWT_IDENTITY_SOURCE).trim());
  if (match === null) return undefined;
  return match[1] === 'header' ? { kind: 'header', name: match[2].toLowerCase() } : { kind: 'querystring', name: match[2] };
}

/** The identity source's value, as `verify` takes it. */
export function readJwtIdentity(source: IdentitySource, reader: Pick<IdentityReader, 'header' | 'querystring'>): string | undefined {
  return source.kind === 'header' ? reader.header(source.name) : reader.querystring(source.name);
}

/**
 * A claim as the integration sees it: strings as they are, numbers as written (`"exp":
 * "1787996002"`, observed), lists as Go prints them (`[admin users]`, observed), objects likewise
 * (`map[key:value]`, reported in aws/aws-lambda-go#570), null as `<nil>` (unverified).
 */
function claimText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimText).join(' ')}]`;
  if (value === null) return '<nil>';
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, item]) => `${key}:${claimText(item)}`).join(' ')}]`;
  }
  return String(value);
}

function claimTexts(payload: JWTPayload): Readonly<Record<string, string>> {
  const claims = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(payload)) claims[name] = claimText(value);
  return Object.freeze(claims);
}

/** `scope` (space-separated) or `scp` (a list or a string); empty when neither. */
function grantedScopes(payload: JWTPayload): readonly unknown[] {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === 'string') return scope.split(' ');
  return Array.isArray(scope) ? scope : [];
}

/** Whether `aud` holds a configured audience or, only when there is no `aud`, `client_id` is one. */
function hasAudience(payload: JWTPayload, audience: readonly string[]): boolean {
  const aud: unknown = payload.aud;
  if (aud === undefined) return typeof payload.client_id === 'string' && audience.includes(payload.client_id);
  const values: readonly unknown[] = Array.isArray(aud) ? aud : [aud];
  return values.some((value) => typeof value === 'string' && audience.includes(value));
}

/** `exp` after now, `nbf` and `iat` not after it (no clock skew allowed, unverified); undefined when they hold. */
function timeProblem(payload: JWTPayload, now: number): keyof typeof DESCRIPTIONS | undefined {
  const { exp, nbf, iat } = payload;
  if (exp === undefined) return 'noExpiry';
  if (typeof exp !== 'number' || (nbf !== undefined && typeof nbf !== 'number') || (iat !== undefined && typeof iat !== 'number')) return 'malformed';
  if (exp * 1000 <= now) return 'expired';
  if (nbf !== undefined && nbf * 1000 > now) return 'notYetValid';
  if (iat !== undefined && iat * 1000 > now) return 'issuedLater';
  return undefined;
}

/** A quoted-string of RFC 9110 (the scopes come from the route); characters a header cannot carry are dropped. */
const quoted = (text: string): string => `"${[...text].filter((c) => c >= ' ' && c !== '\x7f').join('').replace(/[\\"]/g, '\\$&')}"`;

function refuse(problem: keyof typeof DESCRIPTIONS, routeScopes: readonly string[], reason: string): JwtRefused {
  const error = DESCRIPTIONS[problem];
  if (problem === 'unavailable') return { status: 500, error, reason };
  // `scope` holds the route's scopes (observed: scope="{the route's scope}" on an expired token).
  const challenge = (code: string) => `Bearer scope=${quoted(routeScopes.join(' '))} error="${code}" error_description="${error}"`;
  // The 403 challenge follows RFC 6750 §3.1 (unverified: AWS may send none).
  if (problem === 'scope') return { status: 403, wwwAuthenticate: challenge('insufficient_scope'), error, reason };
  return { status: 401, wwwAuthenticate: challenge('invalid_token'), error, reason };
}

/** jose's verdict on the signature, as AWS words it. */
function signatureProblem(error: unknown): keyof typeof DESCRIPTIONS {
  if (error instanceof IssuerUnavailableError) return 'unavailable';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) return 'key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  return 'malformed';
}

interface VerifiedToken {
  readonly issuer: string;
  readonly payload: JWTPayload;
  readonly claims: Readonly<Record<string, string>>;
  /** `exp` in epoch milliseconds. */
  readonly expiresAt: number;
}

export interface JwtAuthorizersOptions {
  log?: Pick<Logger, 'warn'>;
  /** After a JWKS fetch, how long before a token with an unknown `kid` fetches it again (LIMITS.jwksRefetchIntervalMs). */
  jwksRefetchIntervalMs?: number;
  /** Discovery and JWKS requests (AWS: 1500 ms). */
  fetchTimeoutMs?: number;
  /** Discovery and JWKS responses (AWS: 150000 bytes for the JWKS). */
  maxResponseBytes?: number;
}

export class JwtAuthorizers {
  readonly #issuers = new Map<string, IssuerKeys>();
  readonly #verified = new SweptMap<VerifiedToken>((entry, now) => entry.expiresAt <= now);
  readonly #options: JwtAuthorizersOptions;

  constructor(options: JwtAuthorizersOptions = {}) {
    this.#options = options;
  }

  /**
   * The verdict on the identity source's value (`readJwtIdentity`) for an authorizer and the
   * route's authorizationScopes; without a Promise when the token was verified before.
   */
  verify(config: JwtAuthorizerConfig, identity: string | undefined, routeScopes: readonly string[] | undefined): Awaitable<JwtVerdict> {
    const scopes = routeScopes ?? [];
    const token = identity?.replace(BEARER, '').trim();
    if (token === undefined || token === '') return refuse('missing', scopes, 'no token in the identity source');
    const known = this.#verified.get(token);
    if (known !== undefined && known.issuer === config.issuer && known.expiresAt > Date.now()) {
      return hasAudience(known.payload, config.audience) ? admit(known, scopes) : refuse('audience', scopes, 'no aud (or client_id) of the token is an audience of the authorizer');
    }
    return this.#verify(token, config, scopes);
  }

  async #verify(token: string, config: JwtAuthorizerConfig, scopes: readonly string[]): Promise<JwtVerdict> {
    let header: ProtectedHeaderParameters;
    let payload: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      payload = decodeJwt(token);
    } catch (error) {
      return refuse('malformed', scopes, `not a JWT: ${(error as Error).message}`);
    }
    // An unencoded payload (RFC 7797) is not the JSON decodeJwt read.
    if (header.b64 === false) return refuse('malformed', scopes, 'the token has an unencoded payload');
    // Checked before the signature: a stranger's token costs no key fetch.
    if (payload.iss !== config.issuer) return refuse('issuer', scopes, `iss ${JSON.stringify(payload.iss)} is not the authorizer's issuer ${config.issuer}`);
    if (typeof header.kid !== 'string') return refuse('key', scopes, 'the token has no kid');
    try {
      await compactVerify(token, this.#keysOf(config.issuer).getKey, { algorithms: RSA_ALGORITHMS });
    } catch (error) {
      return refuse(signatureProblem(error), scopes, (error as Error).message);
    }
    if (!hasAudience(payload, config.audience)) return refuse('audience', scopes, 'no aud (or client_id) of the token is an audience of the authorizer');
    const now = Date.now();
    const problem = timeProblem(payload, now);
    if (problem !== undefined) return refuse(problem, scopes, `exp ${String(payload.exp)}, nbf ${String(payload.nbf)}, iat ${String(payload.iat)} at ${Math.floor(now / 1000)}`);
    const verified: VerifiedToken = { issuer: config.issuer, payload, claims: claimTexts(payload), expiresAt: (payload.exp as number) * 1000 };
    this.#verified.insert(token, verified, now);
    if (this.#verified.size > MAX_REMEMBERED) this.#verified.delete(this.#verified.keys().next().value!);
    return admit(verified, scopes);
  }

  #keysOf(issuer: string): IssuerKeys {
    let keys = this.#issuers.get(issuer);
    if (keys === undefined) {
      const { log, fetchTimeoutMs, maxResponseBytes, jwksRefetchIntervalMs = LIMITS.jwksRefetchIntervalMs } = this.#options;
      keys = new IssuerKeys(issuer, { refetchIntervalMs: jwksRefetchIntervalMs, log, fetchTimeoutMs, maxResponseBytes });
      this.#issuers.set(issuer, keys);
    }
    return keys;
  }
}

/** The route's scopes, checked on a token that holds otherwise. */
function admit(verified: VerifiedToken, routeScopes: readonly string[]): JwtVerdict {
  if (routeScopes.length === 0) return { claims: verified.claims, scopes: null };
  const granted = grantedScopes(verified.payload);
  const held = routeScopes.filter((scope) => granted.includes(scope));
  if (held.length === 0) return refuse('scope', routeScopes, `the token has none of the route's scopes ${routeScopes.join(' ')}`);
  return { claims: verified.claims, scopes: held };
}
