// Verifies the JWTs of COGNITO_USER_POOLS methods against the issuers the pools are mapped to
// (user-pools.ts): the signature against the issuer's JWKS, `iss`, `exp` (and `nbf`). One per
// process (PipelineServices.userPools). A remote issuer's keys come from its discovery document
// (issuer-keys.ts, shared with HTTP API JWT authorizers). A token verified once is remembered
// until its `exp`, so a caller's next requests cost one map lookup, not an RSA verification;
// what the method asks of it (cognito-rules.ts) is checked per request.
import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import { SweptMap } from '../state/swept-map.js';
import { LIMITS } from '../options/limits.js';
import { claimsAsStrings } from './cognito-rules.js';
import { IssuerKeys, IssuerUnavailableError } from './issuer-keys.js';
import { isLocalIssuerOf, type LocalIssuer } from './local-issuer.js';
import { LOCAL_ISSUER, type UserPoolMapping } from './user-pools.js';

export { IssuerUnavailableError };

/** Asymmetric algorithms only: never `none` nor a shared secret. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Verified tokens remembered at most (the oldest go first past it). */
const MAX_REMEMBERED = 10_000;

/** The token is not one the method accepts: 401 Unauthorized. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

export interface VerifiedToken {
  readonly poolId: string;
  readonly payload: JWTPayload;
  /** As `$context.authorizer.claims` shows them. */
  readonly claims: Readonly<Record<string, string>>;
  /** `exp` in epoch milliseconds. */
  readonly expiresAt: number;
}

interface TokenIssuer {
  /** Whether `iss` names this issuer. */
  accepts(iss: unknown): boolean;
  /** The payload once signature, `iss`, `exp` and `nbf` hold. */
  verify(token: string): Promise<JWTPayload>;
}

class LocalTokenIssuer implements TokenIssuer {
  constructor(readonly poolId: string, readonly key: KeyObject) {}
  accepts(iss: unknown): boolean {
    return isLocalIssuerOf(iss, this.poolId);
  }
  async verify(token: string): Promise<JWTPayload> {
    return (await jwtVerify(token, this.key, { algorithms: ['RS256'] })).payload;
  }
}

class RemoteTokenIssuer implements TokenIssuer {
  readonly #keys: IssuerKeys;
  constructor(readonly issuer: string, refetchIntervalMs: number, log: Pick<Logger, 'warn'> | undefined) {
    this.#keys = new IssuerKeys(issuer, { refetchIntervalMs, log });
  }

  accepts(iss: unknown): boolean {
    return iss === this.issuer;
  }

  async verify(token: string): Promise<JWTPayload> {
    return (await jwtVerify(token, this.#keys.getKey, { issuer: this.issuer, algorithms: ALGORITHMS })).payload;
  }
}

/** jose's failures: the issuer could not be asked (500), or the token is bad (401). */
function classify(error: unknown): Error {
  if (error instanceof IssuerUnavailableError) return error;
  if (!(error instanceof errors.JOSEError)) return new IssuerUnavailableError(`the issuer's keys could not be fetched: ${(error as Error).message}`);
  return new TokenRejectedError(error.message);
}

export interface UserPoolVerifierOptions {
  pools: readonly UserPoolMapping[];
  /** Signs and verifies for pools mapped to `local`; needed only when one is. */
  localIssuer?: LocalIssuer;
  /** After a JWKS fetch, how long before a token with an unknown `kid` fetches it again (LIMITS.jwksRefetchIntervalMs). */
  jwksRefetchIntervalMs?: number;
  log?: Pick<Logger, 'warn'>;
}

export class UserPoolVerifier {
  readonly #issuers = new Map<string, TokenIssuer>();
  readonly #verified = new SweptMap<VerifiedToken>((entry, now) => entry.expiresAt <= now);
  readonly #warned = new Set<string>();
  readonly #log: Pick<Logger, 'warn'> | undefined;
  readonly localIssuer: LocalIssuer | undefined;

  constructor(options: UserPoolVerifierOptions) {
    this.#log = options.log;
    this.localIssuer = options.localIssuer;
    for (const { poolId, issuer } of options.pools) {
      if (issuer !== LOCAL_ISSUER) this.#issuers.set(poolId, new RemoteTokenIssuer(issuer, options.jwksRefetchIntervalMs ?? LIMITS.jwksRefetchIntervalMs, options.log));
      else if (options.localIssuer !== undefined) this.#issuers.set(poolId, new LocalTokenIssuer(poolId, options.localIssuer.publicKey));
      else throw new Error(`user pool ${poolId} is mapped to ${LOCAL_ISSUER} but no local issuer was given`);
    }
  }

  /** Whether `poolId` is mapped to Archway's own issuer. */
  isLocal(poolId: string): boolean {
    return this.#issuers.get(poolId) instanceof LocalTokenIssuer;
  }

  /**
   * Says once per pool (a warning in the log, at startup for what is deployed) that an
   * authorizer names a pool with no `--user-pool` mapping: its methods answer 500.
   */
  checkMapped(poolIds: readonly string[], where: string): void {
    for (const poolId of poolIds) {
      if (this.#issuers.has(poolId) || this.#warned.has(poolId)) continue;
      this.#warned.add(poolId);
      this.#log?.warn({ poolId, where }, `user pool ${poolId} (${where}) has no --user-pool mapping: methods using it answer 500 until it is given one (--user-pool ${poolId}=ISSUER_URL or =local)`);
    }
  }

  /** The token as verified before, when it still holds and came from one of `poolIds`: no work. */
  remembered(token: string, poolIds: readonly string[]): VerifiedToken | undefined {
    const entry = this.#verified.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#verified.delete(token);
      return undefined;
    }
    return poolIds.includes(entry.poolId) ? entry : undefined;
  }

  /**
   * Verifies a token against the pool (of `poolIds`) whose issuer its `iss` names. Rejects with
   * TokenRejectedError (401) or IssuerUnavailableError (500).
   */
  async verify(token: string, poolIds: readonly string[]): Promise<VerifiedToken> {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch (error) {
      throw new TokenRejectedError(`not a JWT: ${(error as Error).message}`);
    }
    let mapped = 0;
    for (const poolId of poolIds) {
      const issuer = this.#issuers.get(poolId);
      if (issuer === undefined) continue;
      mapped++;
      if (!issuer.accepts(iss)) continue;
      let payload: JWTPayload;
      try {
        payload = await issuer.verify(token);
      } catch (error) {
        throw classify(error);
      }
      if (typeof payload.exp !== 'number') throw new TokenRejectedError('the token has no exp');
      return this.#remember(token, { poolId, payload, claims: claimsAsStrings(payload), expiresAt: payload.exp * 1000 });
    }
    if (mapped === 0) throw new IssuerUnavailableError(`user pool ${poolIds.join(', ')} has no --user-pool mapping`);
    throw new TokenRejectedError(`iss ${JSON.stringify(iss)} is not the issuer of user pool ${poolIds.join(', ')}`);
  }

  #remember(token: string, entry: VerifiedToken): VerifiedToken {
    const now = Date.now();
    this.#verified.insert(token, entry, now);
    if (this.#verified.size > MAX_REMEMBERED) this.#verified.delete(this.#verified.keys().next().value!);
    return entry;
  }
}
