// An OpenID Connect issuer's signing keys, for the verifiers of COGNITO_USER_POOLS methods
// (user-pool-verifier.ts) and of HTTP API JWT authorizers (jwt-authorizer.ts): the discovery
// document (`{issuer}/.well-known/openid-configuration`) names `jwks_uri`, whose JWKS jose's remote
// key set keeps and fetches again when a token names a `kid` it does not hold (key rotation), at
// most once per refetch interval. Both requests time out after 1500 ms and read at most 150000
// bytes, the bounds AWS sets for HTTP API JWT authorizers
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import type { Logger } from '../observability/logger.js';

/** Discovery and JWKS requests ("Timeout for JSON Web Key Set / OpenID Connect discovery endpoint"). */
export const ISSUER_FETCH_TIMEOUT_MS = 1500;
/** A JWKS response at most ("Response size from JSON Web Key Set endpoint"); Archway bounds discovery documents alike. */
export const ISSUER_RESPONSE_MAX_BYTES = 150_000;
/** After the issuer could not be asked, requests fail at once for this long before it is tried again. */
const RETRY_AFTER_FAILURE_MS = 5000;

/** Nothing can be verified: the issuer's keys cannot be had (unreachable, slow, too big, malformed) or no issuer is mapped. Verifiers answer 500. */
export class IssuerUnavailableError extends Error {
  override readonly name = 'IssuerUnavailableError';
}

/** jose's failures that say something of the token, not of the issuer: no key for its `kid`, an algorithm its key cannot do. */
function isTokenError(error: unknown): boolean {
  return error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported;
}

/** The body of a 200 response, refused past `maxBytes` (announced or streamed); other answers as they are. */
async function readCapped(response: Response, maxBytes: number): Promise<Response> {
  if (response.status !== 200 || response.body === null) return response;
  const tooBig = () => new Error(`the response is larger than ${maxBytes} bytes`);
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body.cancel();
    throw tooBig();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooBig();
    chunks.push(chunk);
  }
  return new Response(Buffer.concat(chunks), { status: 200, headers: response.headers });
}

/** The discovery URL: a trailing `/` of the issuer is dropped first (OpenID Connect Discovery 1.0 §4), `iss` still compared as written. */
export const discoveryUrl = (issuer: string): string => `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;

export interface IssuerKeysOptions {
  /** After a JWKS fetch, how long before a token with an unknown `kid` fetches it again (LIMITS.jwksRefetchIntervalMs). */
  refetchIntervalMs: number;
  fetchTimeoutMs?: number;
  maxResponseBytes?: number;
  log?: Pick<Logger, 'warn'>;
}

export class IssuerKeys {
  /**
   * The key verifying a token (for jose's `jwtVerify` / `compactVerify`). Rejects with
   * IssuerUnavailableError when the keys cannot be had, with jose's error when the token names no
   * key of the issuer.
   */
  readonly getKey: JWTVerifyGetKey;
  readonly #options: Required<Omit<IssuerKeysOptions, 'log'>> & Pick<IssuerKeysOptions, 'log'>;
  #keys: Promise<JWTVerifyGetKey> | undefined;
  #failedAt = 0;
  /** A key was served from this key set: a later refetch that fails fails only its own request. */
  #served = false;

  constructor(readonly issuer: string, options: IssuerKeysOptions) {
    this.#options = {
      refetchIntervalMs: options.refetchIntervalMs,
      fetchTimeoutMs: options.fetchTimeoutMs ?? ISSUER_FETCH_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? ISSUER_RESPONSE_MAX_BYTES,
      log: options.log,
    };
    this.getKey = (header, token) => this.#key(header, token);
  }

  async #key(...[header, token]: Parameters<JWTVerifyGetKey>): Promise<Awaited<ReturnType<JWTVerifyGetKey>>> {
    const keys = await this.#keySet();
    try {
      const key = await keys(header, token);
      this.#served = true;
      return key;
    } catch (error) {
      if (isTokenError(error)) throw error;
      const unavailable = new IssuerUnavailableError(`the keys of ${this.issuer} could not be fetched: ${(error as Error).message}`);
      // A token naming an unknown key makes the set refetch: anyone can ask for that, so a failed
      // refetch must not stop the keys already known from verifying.
      throw this.#served ? unavailable : this.#failed(unavailable);
    }
  }

  #keySet(): Promise<JWTVerifyGetKey> {
    if (this.#keys === undefined || (this.#failedAt !== 0 && Date.now() - this.#failedAt >= RETRY_AFTER_FAILURE_MS)) {
      this.#failedAt = 0;
      const pending = this.#discover();
      pending.catch((error: unknown) => this.#failed(error as Error));
      this.#keys = pending;
    }
    return this.#keys;
  }

  /** Fails every request at once until the retry delay has passed, then discovers again (the `jwks_uri` may have moved). */
  #failed(error: Error): Error {
    if (this.#failedAt === 0) this.#options.log?.warn({ issuer: this.issuer, reason: error.message }, `issuer ${this.issuer} unavailable: tokens it signed are not accepted for ${RETRY_AFTER_FAILURE_MS / 1000} s`);
    this.#failedAt = Date.now();
    const failed = Promise.reject(error);
    failed.catch(() => undefined);
    this.#keys = failed;
    return error;
  }

  /** `jwks_uri` from the discovery document, as a key set jose keeps and refreshes. */
  async #discover(): Promise<JWTVerifyGetKey> {
    const { fetchTimeoutMs, maxResponseBytes, refetchIntervalMs } = this.#options;
    const url = discoveryUrl(this.issuer);
    let document: unknown;
    try {
      const signal = AbortSignal.timeout(fetchTimeoutMs);
      const response = await readCapped(await fetch(url, { signal, headers: { accept: 'application/json' } }), maxResponseBytes);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = await response.json();
    } catch (error) {
      throw new IssuerUnavailableError(`discovery at ${url} failed: ${(error as Error).message}`);
    }
    const jwksUri = (document as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) throw new IssuerUnavailableError(`discovery at ${url} has no jwks_uri`);
    return createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: fetchTimeoutMs,
      cooldownDuration: refetchIntervalMs,
      [customFetch]: async (jwksUrl, init) => readCapped(await fetch(jwksUrl, init), maxResponseBytes),
    });
  }
}
