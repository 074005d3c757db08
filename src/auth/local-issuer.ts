// Archway as its own OIDC issuer, for pools mapped to `local` (`--user-pool ID=local`): one RS256
// signing key kept in the data directory (`issuer-key.json`, 0600, created on first use by
// `archway start` or `archway token`, whichever comes first), its discovery document and JWKS
// served under `/_archway/issuer/{poolId}/` (observability/archway-endpoints.ts) at the paths
// Cognito uses (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html),
// and tokens signed for `archway token` (cli/token.ts). With `--in-memory` the key lives and dies
// with the process, so `archway token` cannot sign for it.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, type JWTPayload } from 'jose';
import { ensurePrivateDirectory, readOrCreatePrivateFile } from '../data-directory.js';
import { LOCAL_ISSUER_PATH } from './user-pools.js';

export const ISSUER_KEY_FILE = 'issuer-key.json';
const ALG = 'RS256';

/** `{origin}/_archway/issuer/{poolId}`: the issuer URL of a local pool, as reached at `origin`. */
export const localIssuerUrl = (origin: string, poolId: string): string => `${origin}${LOCAL_ISSUER_PATH}${poolId}`;

/**
 * Whether `iss` names the local issuer of `poolId` at any http(s) origin: the host a caller used
 * to reach Archway (localhost, 127.0.0.1, a container name) varies, while the key, which only
 * this data directory holds, is what proves the token is Archway's.
 */
export function isLocalIssuerOf(iss: unknown, poolId: string): boolean {
  if (typeof iss !== 'string' || !iss.endsWith(`${LOCAL_ISSUER_PATH}${poolId}`)) return false;
  const origin = iss.slice(0, iss.length - LOCAL_ISSUER_PATH.length - poolId.length);
  return /^https?:\/\/[^/?#\s]+$/.test(origin);
}

export class LocalIssuer {
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly #privateKey: KeyObject;
  readonly #publicJwk: JsonWebKey;

  private constructor(privateJwk: JsonWebKey) {
    this.#privateKey = createPrivateKey({ key: privateJwk, format: 'jwk' });
    this.publicKey = createPublicKey(this.#privateKey);
    const { kty, n, e } = this.publicKey.export({ format: 'jwk' });
    this.#publicJwk = { kty, n, e };
    // RFC 7638 thumbprint: the required members in lexical order.
    this.kid = createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
  }

  /** The data directory's key (created when missing), or with `dataDir` undefined a key for this process. */
  static open(dataDir: string | undefined): LocalIssuer {
    if (dataDir === undefined) return new LocalIssuer(newPrivateJwk());
    ensurePrivateDirectory(dataDir);
    const file = join(dataDir, ISSUER_KEY_FILE);
    const text = readOrCreatePrivateFile(file, () => `${JSON.stringify(newPrivateJwk())}\n`);
    try {
      return new LocalIssuer(JSON.parse(text) as JsonWebKey);
    } catch (error) {
      throw new Error(`${file} does not hold the local issuer's signing key (${(error as Error).message}); delete it to make a new one (tokens signed with the old key stop working)`);
    }
  }

  /** The JWKS (`{issuer}/.well-known/jwks.json`). */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: [{ ...this.#publicJwk, kid: this.kid, alg: ALG, use: 'sig' }] };
  }

  /** The discovery document (`{issuer}/.well-known/openid-configuration`), the fields a verifier reads. */
  discovery(issuer: string): Record<string, unknown> {
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [ALG],
      token_endpoint_auth_methods_supported: ['none'],
    };
  }

  /** A signed token with these claims (RS256, this key's `kid`). */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: ALG, kid: this.kid }).sign(this.#privateKey);
  }
}

function newPrivateJwk(): JsonWebKey {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
}
