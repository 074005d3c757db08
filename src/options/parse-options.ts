// Builds ArchwayOptions for `archway start`: defaults, then a settings file (`--config`), then
// ARCHWAY_* environment variables, then flags (a flag beats its variable, a variable the file).
// Bad values stop startup with a clear message.
// Also the shared table parser the `import`/`export` commands use (client-options.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_OPTIONS, type ArchwayOptions } from './options.js';
import type { LogFormat } from '../observability/logger.js';
import { decodeEncryptionKey, KEY_FILE, KEY_FORMAT } from '../secrets/encryption-key.js';
import { parseUserPoolMapping, type UserPoolMapping } from '../auth/user-pools.js';

export class OptionsError extends Error {}

/** One flag: its environment variable and how a value applies to the options object `T`. */
export interface Setting<T> {
  env: string;
  type: 'string' | 'boolean';
  /** The flag may be given several times (each value applied in order); its variable holds a comma-separated list. */
  multiple?: boolean;
  /** What the flag means and its default, for `--help`. */
  help: string;
  apply: (options: T, value: string) => unknown;
}

/** Flag name → environment variable and how to apply a value. */
const SETTINGS = {
  config: {
    env: 'ARCHWAY_CONFIG', type: 'string',
    help: 'a JSON or YAML file of settings: these flags\' names without the dashes, with what the flags take (variables and flags win over it)',
    apply: () => undefined, // read before the others (readConfigFile)
  },
  port: { env: 'ARCHWAY_PORT', type: 'string', help: 'listening port; 0 picks a free one (default 4566)', apply: (o, v) => (o.port = parsePort(v)) },
  host: { env: 'ARCHWAY_HOST', type: 'string', help: 'bind address; 0.0.0.0 serves other machines (default 127.0.0.1)', apply: (o, v) => (o.host = nonEmpty('host', v)) },
  'data-dir': { env: 'ARCHWAY_DATA_DIR', type: 'string', help: 'where the database and function code live (default ./.archway)', apply: (o, v) => (o.dataDir = nonEmpty('data-dir', v)) },
  'in-memory': { env: 'ARCHWAY_IN_MEMORY', type: 'boolean', help: 'keep nothing on disk', apply: (o, v) => (o.inMemory = parseBoolean('in-memory', v)) },
  region: { env: 'ARCHWAY_REGION', type: 'string', help: 'region in ARNs and signatures (default us-east-1)', apply: (o, v) => (o.region = parseRegion(v)) },
  'account-id': { env: 'ARCHWAY_ACCOUNT_ID', type: 'string', help: 'account id in ARNs and $context.accountId (default 000000000000)', apply: (o, v) => (o.accountId = parseAccountId(v)) },
  'admin-credentials': { env: 'ARCHWAY_ADMIN_CREDENTIALS', type: 'string', help: 'KEY:SECRET the control plane accepts (default test:test)', apply: (o, v) => (o.adminCredentials = parseCredentials(v)) },
  'log-format': {
    env: 'ARCHWAY_LOG_FORMAT', type: 'string', help: 'pretty or json (default: pretty on a terminal, json otherwise)',
    apply: (o, v) => (o.logFormat = parseLogFormat(v)),
  },
  'log-level': { env: 'ARCHWAY_LOG_LEVEL', type: 'string', help: 'fatal, error, warn, info, debug, trace or silent (default info)', apply: (o, v) => (o.logLevel = parseLogLevel(v)) },
  'drain-timeout': { env: 'ARCHWAY_DRAIN_TIMEOUT', type: 'string', help: 'seconds SIGTERM/SIGINT waits for in-flight requests (default 10)', apply: (o, v) => (o.limits.shutdownDrainMs = parseSeconds('drain-timeout', v) * 1000) },
  'max-stages-per-api': { env: 'ARCHWAY_MAX_STAGES_PER_API', type: 'string', help: 'stages per API (default 10, AWS\'s quota)', apply: (o, v) => (o.limits.maxStagesPerApi = parsePositiveInt('max-stages-per-api', v)) },
  'max-body-bytes': { env: 'ARCHWAY_MAX_BODY_BYTES', type: 'string', help: 'request payload limit, 413 beyond it (default 10485760)', apply: (o, v) => (o.limits.maxRequestBodyBytes = parsePositiveInt('max-body-bytes', v)) },
  'max-response-body-bytes': {
    env: 'ARCHWAY_MAX_RESPONSE_BODY_BYTES', type: 'string', help: 'integration response limit, 504 beyond it (default 10485760)', apply: (o, v) => (o.limits.maxResponseBodyBytes = parsePositiveInt('max-response-body-bytes', v)),
  },
  'max-header-bytes': { env: 'ARCHWAY_MAX_HEADER_BYTES', type: 'string', help: 'request header limit, 431 beyond it (default 10240)', apply: (o, v) => (o.limits.maxHeaderBytes = parsePositiveInt('max-header-bytes', v)) },
  'max-resources-per-api': { env: 'ARCHWAY_MAX_RESOURCES_PER_API', type: 'string', help: 'resources per API (default 300, AWS\'s quota)', apply: (o, v) => (o.limits.maxResourcesPerApi = parsePositiveInt('max-resources-per-api', v)) },
  'max-rest-apis': {
    env: 'ARCHWAY_MAX_REST_APIS', type: 'string', help: 'REST APIs in all (default 600, AWS\'s quota)',
    apply: (o, v) => (o.limits.maxRestApis = parsePositiveInt('max-rest-apis', v)),
  },
  'max-api-definition-bytes': {
    env: 'ARCHWAY_MAX_API_DEFINITION_BYTES', type: 'string', help: 'bytes of one REST API\'s definition, templates included (default 6291456)',
    apply: (o, v) => (o.limits.maxApiDefinitionBytes = parsePositiveInt('max-api-definition-bytes', v)),
  },
  'max-integration-timeout': {
    env: 'ARCHWAY_MAX_INTEGRATION_TIMEOUT', type: 'string', help: 'highest timeoutInMillis accepted, ms (default 29000)', apply: (o, v) => (o.limits.maxIntegrationTimeoutMs = parsePositiveInt('max-integration-timeout', v)),
  },
  'max-control-plane-body-bytes': {
    env: 'ARCHWAY_MAX_CONTROL_PLANE_BODY_BYTES', type: 'string', help: 'largest management request, e.g. an OpenAPI import (default 10485760)', apply: (o, v) => (o.limits.maxControlPlaneBodyBytes = parsePositiveInt('max-control-plane-body-bytes', v)),
  },
  import: { env: 'ARCHWAY_IMPORT', type: 'string', help: 'an OpenAPI file to import and deploy at startup', apply: (o, v) => (o.importFile = nonEmpty('import', v)) },
  stage: { env: 'ARCHWAY_IMPORT_STAGE', type: 'string', help: 'the stage --import deploys to (default dev)', apply: (o, v) => (o.importStage = parseStageName('stage', v)) },
  'api-id': { env: 'ARCHWAY_IMPORT_API_ID', type: 'string', help: 'the API id --import creates or replaces (default: from the file)', apply: (o, v) => (o.importApiId = parseApiId('api-id', v)) },
  watch: { env: 'ARCHWAY_WATCH', type: 'boolean', help: 're-import and redeploy the --import file when it changes', apply: (o, v) => (o.watch = parseBoolean('watch', v)) },
  functions: { env: 'ARCHWAY_FUNCTIONS', type: 'string', help: 'a folder (one sub-folder per function) or YAML file of Lambda functions, reloaded on change', apply: (o, v) => (o.functionsPath = nonEmpty('functions', v)) },
  'enforce-lambda-permissions': {
    env: 'ARCHWAY_ENFORCE_LAMBDA_PERMISSIONS', type: 'boolean', help: 'API Gateway may invoke only functions whose policy allows it', apply: (o, v) => (o.enforceLambdaPermissions = parseBoolean('enforce-lambda-permissions', v)),
  },
  'max-function-workers': {
    env: 'ARCHWAY_MAX_FUNCTION_WORKERS', type: 'string', help: 'live function worker threads across all functions (default 256)', apply: (o, v) => (o.limits.maxFunctionWorkers = parsePositiveInt('max-function-workers', v)),
  },
  'header-timeout': {
    env: 'ARCHWAY_HEADER_TIMEOUT', type: 'string', help: 'seconds to wait for a request\'s headers, 408 past it (default 10)',
    apply: (o, v) => (o.limits.headersTimeoutMs = parseSeconds('header-timeout', v) * 1000),
  },
  'body-timeout': {
    env: 'ARCHWAY_BODY_TIMEOUT', type: 'string', help: 'seconds to wait for the next bytes of a request body, 408 past it (default 10)',
    apply: (o, v) => (o.limits.bodyIdleTimeoutMs = parseSeconds('body-timeout', v) * 1000),
  },
  'request-timeout': {
    env: 'ARCHWAY_REQUEST_TIMEOUT', type: 'string', help: 'seconds to receive a whole request, 408 past it (default 60)',
    apply: (o, v) => (o.limits.requestTimeoutMs = parseSeconds('request-timeout', v) * 1000),
  },
  'max-buffered-body-bytes': {
    env: 'ARCHWAY_MAX_BUFFERED_BODY_BYTES', type: 'string', help: 'request body bytes buffered at once across all requests, 503 past it (default 268435456)',
    apply: (o, v) => (o.limits.maxBufferedBodyBytes = parsePositiveInt('max-buffered-body-bytes', v)),
  },
  'encryption-key': {
    env: 'ARCHWAY_ENCRYPTION_KEY', type: 'string',
    help: `seals API key values at rest: 64 hex characters or base64 of 32 bytes (default: {data-dir}/${KEY_FILE}, created 0600 on first start; random per process with --in-memory)`,
    apply: (o, v) => (o.encryptionKey = parseEncryptionKey(v)),
  },
  redis: {
    env: 'ARCHWAY_REDIS_URL', type: 'string', help: 'redis://host:port: share throttles and quotas with every Archway using it (default: each process in memory)',
    apply: (o, v) => (o.redisUrl = parseRedisUrl(v)),
  },
  'state-failure': {
    env: 'ARCHWAY_STATE_FAILURE', type: 'string', help: 'while Redis fails: open (serve without limits) or closed (answer 500) (default open)',
    apply: (o, v) => (o.stateFailure = parseStateFailure(v)),
  },
  'account-rate-limit': {
    env: 'ARCHWAY_ACCOUNT_RATE_LIMIT', type: 'string', help: 'requests per second across every API, 429 beyond it (default 10000, AWS\'s account quota)',
    apply: (o, v) => (o.limits.accountRateLimit = parsePositiveInt('account-rate-limit', v)),
  },
  'account-burst-limit': {
    env: 'ARCHWAY_ACCOUNT_BURST_LIMIT', type: 'string', help: 'burst across every API (default 5000, AWS\'s account quota)',
    apply: (o, v) => (o.limits.accountBurstLimit = parsePositiveInt('account-burst-limit', v)),
  },
  'authorizer-timeout': {
    env: 'ARCHWAY_AUTHORIZER_TIMEOUT', type: 'string', help: 'seconds a Lambda authorizer may take, 500 beyond it (default 10)',
    apply: (o, v) => (o.limits.authorizerTimeoutMs = parseSeconds('authorizer-timeout', v) * 1000),
  },
  'jwks-refetch-interval': {
    env: 'ARCHWAY_JWKS_REFETCH_INTERVAL', type: 'string', help: 'seconds before a token with an unknown key id fetches an issuer\'s JWKS again (default 30)',
    apply: (o, v) => (o.limits.jwksRefetchIntervalMs = parseSeconds('jwks-refetch-interval', v) * 1000),
  },
  'user-pool': {
    env: 'ARCHWAY_USER_POOLS', type: 'string', multiple: true,
    help: 'POOL_ARN_OR_ID=ISSUER_URL, or =local for Archway\'s own issuer: who signs a Cognito user pool\'s tokens (repeatable; the variable takes a comma-separated list)',
    apply: (o, v) => o.userPools.push(parseUserPool(v)),
  },
  'function-concurrency': {
    env: 'ARCHWAY_FUNCTION_CONCURRENCY', type: 'string', help: 'invocations one function may run at once, 429 beyond it (default 1000)', apply: (o, v) => (o.limits.functionConcurrency = parsePositiveInt('function-concurrency', v)),
  },
} satisfies Record<string, Setting<ArchwayOptions>>;

export type SettingName = keyof typeof SETTINGS;

export function parseStartOptions(argv: string[], env: NodeJS.ProcessEnv): ArchwayOptions {
  const options: ArchwayOptions = structuredClone(DEFAULT_OPTIONS);
  const configFile = configFileOf(argv, env);
  if (configFile !== undefined) applyConfigFile(options, configFile);
  applySettings(SETTINGS, options, argv, env, false);
  const importOnly = (['stage', 'api-id', 'watch'] as const).filter((name) => flagOrEnvGiven(SETTINGS[name], name, argv, env));
  if (options.importFile === undefined && importOnly.length > 0) throw new OptionsError(`--${importOnly[0]} needs --import FILE`);
  return resolvePaths(options);
}

/** `--config FILE` (or ARCHWAY_CONFIG), read before the other settings. */
function configFileOf(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } }, strict: false, allowPositionals: true });
  const flag = values.config;
  if (typeof flag === 'string') return nonEmpty('config', flag);
  const fromEnv = env[SETTINGS.config.env];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/**
 * A settings file: an object whose keys are `archway start`'s flags without the dashes and whose
 * values are what the flags take (a list for a repeatable one, such as `user-pool`).
 */
function applyConfigFile(options: ArchwayOptions, file: string): void {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OptionsError(`--config ${file}: ${(error as Error).message}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new OptionsError(`--config ${file}: expected an object of settings, such as {"port": 4566}`);
  for (const [name, value] of Object.entries(document)) {
    if (name === 'config' || !Object.hasOwn(SETTINGS, name)) throw new OptionsError(`--config ${file}: unknown setting '${name}' (the settings are archway start's flags without the dashes; see archway start --help)`);
    const setting: Setting<ArchwayOptions> = SETTINGS[name as SettingName];
    const values = Array.isArray(value) && setting.multiple === true ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw new OptionsError(`--config ${file}: '${name}' must be ${setting.multiple === true ? 'a string or a list of strings' : 'a string, a number or a boolean'}`);
      }
      setting.apply(options, String(item));
    }
  }
}

/**
 * Makes every path taken from options absolute, once, against the directory Archway started in:
 * function workers change their working directory to the function's code folder, so a relative
 * data directory would point somewhere else inside them.
 */
function resolvePaths(options: ArchwayOptions): ArchwayOptions {
  options.dataDir = resolve(options.dataDir);
  if (options.importFile !== undefined) options.importFile = resolve(options.importFile);
  if (options.functionsPath !== undefined) options.functionsPath = resolve(options.functionsPath);
  return options;
}

/**
 * Applies a settings table: each variable first, then each flag. Answers the positionals when
 * `allowPositionals`.
 */
export function applySettings<T>(
  settings: Readonly<Record<string, Setting<T>>>, options: T, argv: string[], env: NodeJS.ProcessEnv, allowPositionals: boolean,
): string[] {
  const flagSpec = Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, { type: s.type, multiple: s.multiple ?? false }]));
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: flagSpec, strict: true, allowPositionals }) as typeof parsed;
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  for (const [name, setting] of Object.entries(settings)) {
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      for (const value of setting.multiple === true ? fromEnv.split(',').filter((v) => v.trim() !== '') : [fromEnv]) setting.apply(options, value);
    }
    const flag = parsed.values[name];
    for (const value of Array.isArray(flag) ? flag : flag === undefined ? [] : [flag]) setting.apply(options, String(value));
  }
  return parsed.positionals;
}

function flagOrEnvGiven(setting: Setting<ArchwayOptions>, name: string, argv: string[], env: NodeJS.ProcessEnv): boolean {
  return argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`)) || (env[setting.env] ?? '') !== '';
}

/** `--help` lines: flag, environment variable, meaning and default. */
export function describeSettings(settings: Readonly<Record<string, Setting<never>>> = SETTINGS as Record<string, Setting<never>>): string {
  return Object.entries(settings)
    .map(([name, s]) => `  --${name}${s.type === 'boolean' ? '' : ' VALUE'}${s.multiple === true ? '…' : ''}`.padEnd(36) + s.env.padEnd(38) + s.help)
    .join('\n');
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionsError(`--port must be 0-65535 (0 picks a free port), got '${value}'`);
  return port;
}

function parsePositiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new OptionsError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

function parseSeconds(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new OptionsError(`--${name} must be a number of seconds, got '${value}'`);
  return n;
}

export function parseBoolean(name: string, value: string): boolean {
  if (['true', '1', 'yes', ''].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
  throw new OptionsError(`--${name} must be true or false, got '${value}'`);
}

function parseUserPool(value: string): UserPoolMapping {
  const mapping = parseUserPoolMapping(value);
  if (typeof mapping === 'string') throw new OptionsError(`--user-pool: ${mapping}`);
  return mapping;
}

function parseRedisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OptionsError(`--redis must be a URL such as redis://127.0.0.1:6379, got '${value}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new OptionsError(`--redis must start with redis:// or rediss://, got '${value}'`);
  return value;
}

function parseStateFailure(value: string): 'open' | 'closed' {
  if (value === 'open' || value === 'closed') return value;
  throw new OptionsError(`--state-failure must be open or closed, got '${value}'`);
}

export function nonEmpty(name: string, value: string): string {
  if (value.trim() === '') throw new OptionsError(`--${name} must not be empty`);
  return value;
}

export function parseRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) throw new OptionsError(`--region must look like us-east-1, got '${value}'`);
  return value;
}

function parseAccountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new OptionsError(`--account-id must be 12 digits, got '${value}'`);
  return value;
}

export function parseCredentials(value: string): ArchwayOptions['adminCredentials'] {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw new OptionsError("--admin-credentials must be KEY:SECRET");
  return { accessKeyId: value.slice(0, colon), secretAccessKey: value.slice(colon + 1) };
}

function parseEncryptionKey(value: string): string {
  if (decodeEncryptionKey(value) === undefined) throw new OptionsError(`--encryption-key must be ${KEY_FORMAT}`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function parseLogFormat(value: string): LogFormat {
  if (value !== 'pretty' && value !== 'json') throw new OptionsError(`--log-format must be pretty or json, got '${value}'`);
  return value;
}

function parseLogLevel(value: string): ArchwayOptions['logLevel'] {
  const level = LOG_LEVELS.find((l) => l === value.toLowerCase());
  if (!level) throw new OptionsError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${value}'`);
  return level;
}

/** Stage names as AWS allows them: a-zA-Z0-9_-, up to 128 characters. */
export function parseStageName(name: string, value: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(value)) throw new OptionsError(`--${name} must be a stage name (a-zA-Z0-9_-), got '${value}'`);
  return value;
}

/** API ids go in URLs and host names: letters, digits, '_' and '-'. */
export function parseApiId(name: string, value: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(value)) throw new OptionsError(`--${name} must be letters, digits, '_' or '-', got '${value}'`);
  return value;
}
