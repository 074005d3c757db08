// Options of `archway token` (cli/token.ts): which pool, who (a user, or an app client for the
// client-credentials grant), scopes and extra claims, and where the local issuer's key is (the
// data directory, as `archway start` uses it) and which address its tokens name as issuer.
import { DEFAULT_OPTIONS } from './options.js';
import { applySettings, describeSettings, nonEmpty, OptionsError, type Setting } from './parse-options.js';
import { parseEndpoint } from './client-options.js';
import { poolIdOf } from '../auth/user-pools.js';

export interface TokenCommandOptions {
  poolId: string;
  username?: string;
  /** `--client-credentials CLIENT_ID`: a machine-to-machine access token. */
  clientCredentials?: string;
  /** The app client of a user's token. */
  clientId: string;
  scopes: string[];
  claims: Record<string, string>;
  expiresInSeconds: number;
  dataDir: string;
  /** Where Archway listens: the tokens' issuer is `{endpoint}/_archway/issuer/{poolId}`. */
  endpoint: string;
}

/** Cognito's default lifetime of ID and access tokens: one hour. */
const DEFAULT_LIFETIME_SECONDS = 3600;
const DEFAULT_CLIENT_ID = 'archwaylocalclient';

const TOKEN_SETTINGS = {
  'user-pool': {
    env: 'ARCHWAY_TOKEN_USER_POOL', type: 'string', help: 'the user pool id or ARN (mapped to local: --user-pool ID=local on archway start)',
    apply: (o, v) => (o.poolId = parsePool(v)),
  },
  username: { env: 'ARCHWAY_TOKEN_USERNAME', type: 'string', help: 'the user: an ID token, or an access token with --scope', apply: (o, v) => (o.username = nonEmpty('username', v)) },
  'client-credentials': {
    env: 'ARCHWAY_TOKEN_CLIENT_CREDENTIALS', type: 'string', help: 'CLIENT_ID: a machine-to-machine access token (client-credentials grant) instead of a user\'s',
    apply: (o, v) => (o.clientCredentials = nonEmpty('client-credentials', v)),
  },
  'client-id': { env: 'ARCHWAY_TOKEN_CLIENT_ID', type: 'string', help: `the app client of a user's token: aud or client_id (default ${DEFAULT_CLIENT_ID})`, apply: (o, v) => (o.clientId = nonEmpty('client-id', v)) },
  scope: { env: 'ARCHWAY_TOKEN_SCOPES', type: 'string', multiple: true, help: 'a scope granted (repeatable): makes an access token', apply: (o, v) => o.scopes.push(parseScope(v)) },
  claim: { env: 'ARCHWAY_TOKEN_CLAIMS', type: 'string', multiple: true, help: 'NAME=VALUE: a claim added or replaced (repeatable), e.g. custom:role=admin', apply: (o, v) => parseClaim(o.claims, v) },
  'expires-in': { env: 'ARCHWAY_TOKEN_EXPIRES_IN', type: 'string', help: `seconds the token is valid (default ${DEFAULT_LIFETIME_SECONDS}, Cognito's)`, apply: (o, v) => (o.expiresInSeconds = parseLifetime(v)) },
  'data-dir': { env: 'ARCHWAY_DATA_DIR', type: 'string', help: 'the data directory holding the signing key, as archway start uses it (default ./.archway)', apply: (o, v) => (o.dataDir = nonEmpty('data-dir', v)) },
  endpoint: { env: 'ARCHWAY_ENDPOINT', type: 'string', help: 'where Archway listens, named in the token\'s iss (default http://localhost:4566)', apply: (o, v) => (o.endpoint = parseEndpoint(v)) },
} satisfies Record<string, Setting<TokenCommandOptions>>;

export function parseTokenCommand(argv: string[], env: NodeJS.ProcessEnv): TokenCommandOptions {
  const options: TokenCommandOptions = {
    poolId: '', clientId: DEFAULT_CLIENT_ID, scopes: [], claims: Object.create(null) as Record<string, string>, expiresInSeconds: DEFAULT_LIFETIME_SECONDS,
    dataDir: DEFAULT_OPTIONS.dataDir, endpoint: `http://localhost:${DEFAULT_OPTIONS.port}`,
  };
  const positionals = applySettings(TOKEN_SETTINGS, options, argv, env, true);
  if (positionals.length > 0) throw new OptionsError('archway token takes no arguments');
  if (options.poolId === '') throw new OptionsError('archway token needs --user-pool ID');
  if ((options.username === undefined) === (options.clientCredentials === undefined)) throw new OptionsError('archway token needs either --username NAME or --client-credentials CLIENT_ID');
  if (options.clientCredentials !== undefined && options.scopes.length === 0) throw new OptionsError('--client-credentials needs at least one --scope');
  return options;
}

export const describeTokenSettings = () => describeSettings(TOKEN_SETTINGS as Record<string, Setting<never>>);

function parsePool(value: string): string {
  const poolId = poolIdOf(value.trim());
  if (poolId === undefined) throw new OptionsError(`--user-pool must be a user pool id (us-east-1_AbC123) or ARN, got '${value}'`);
  return poolId;
}

function parseScope(value: string): string {
  if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(value)) throw new OptionsError(`--scope must be one scope without spaces or quotes, got '${value}'`);
  return value;
}

function parseClaim(claims: Record<string, string>, value: string): void {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new OptionsError(`--claim must be NAME=VALUE, got '${value}'`);
  claims[value.slice(0, equals)] = value.slice(equals + 1);
}

function parseLifetime(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) throw new OptionsError(`--expires-in must be a positive number of seconds, got '${value}'`);
  return seconds;
}
