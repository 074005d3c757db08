// Builds ArchwayOptions for `archway start`: defaults, then ARCHWAY_* environment variables,
// then flags (a flag beats its variable). Bad values stop startup with a clear message.
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, type ArchwayOptions } from './options.js';

export class OptionsError extends Error {}

/** Flag name → environment variable and how to apply a value. */
const SETTINGS = {
  port: { env: 'ARCHWAY_PORT', type: 'string', apply: (o, v) => (o.port = parsePort(v)) },
  host: { env: 'ARCHWAY_HOST', type: 'string', apply: (o, v) => (o.host = nonEmpty('host', v)) },
  'data-dir': { env: 'ARCHWAY_DATA_DIR', type: 'string', apply: (o, v) => (o.dataDir = nonEmpty('data-dir', v)) },
  'in-memory': { env: 'ARCHWAY_IN_MEMORY', type: 'boolean', apply: (o, v) => (o.inMemory = parseBoolean('in-memory', v)) },
  region: { env: 'ARCHWAY_REGION', type: 'string', apply: (o, v) => (o.region = parseRegion(v)) },
  'account-id': { env: 'ARCHWAY_ACCOUNT_ID', type: 'string', apply: (o, v) => (o.accountId = parseAccountId(v)) },
  'admin-credentials': { env: 'ARCHWAY_ADMIN_CREDENTIALS', type: 'string', apply: (o, v) => (o.adminCredentials = parseCredentials(v)) },
  'log-level': { env: 'ARCHWAY_LOG_LEVEL', type: 'string', apply: (o, v) => (o.logLevel = parseLogLevel(v)) },
  'drain-timeout': { env: 'ARCHWAY_DRAIN_TIMEOUT', type: 'string', apply: (o, v) => (o.limits.shutdownDrainMs = parseSeconds('drain-timeout', v) * 1000) },
  'max-stages-per-api': { env: 'ARCHWAY_MAX_STAGES_PER_API', type: 'string', apply: (o, v) => (o.limits.maxStagesPerApi = parsePositiveInt('max-stages-per-api', v)) },
  'max-body-bytes': { env: 'ARCHWAY_MAX_BODY_BYTES', type: 'string', apply: (o, v) => (o.limits.maxRequestBodyBytes = parsePositiveInt('max-body-bytes', v)) },
} satisfies Record<string, { env: string; type: 'string' | 'boolean'; apply: (options: ArchwayOptions, value: string) => unknown }>;

export type SettingName = keyof typeof SETTINGS;

export function parseStartOptions(argv: string[], env: NodeJS.ProcessEnv): ArchwayOptions {
  const options: ArchwayOptions = structuredClone(DEFAULT_OPTIONS);
  const flagSpec = Object.fromEntries(Object.entries(SETTINGS).map(([name, s]) => [name, { type: s.type }])) as Record<string, { type: 'string' | 'boolean' }>;
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options: flagSpec, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') setting.apply(options, fromEnv);
    const flag = flags[name];
    if (flag !== undefined) setting.apply(options, String(flag));
  }
  return options;
}

export function describeSettings(): string {
  return Object.entries(SETTINGS)
    .map(([name, s]) => `  --${name}${s.type === 'boolean' ? '' : ' VALUE'}`.padEnd(36) + s.env)
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

function parseBoolean(name: string, value: string): boolean {
  if (['true', '1', 'yes', ''].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
  throw new OptionsError(`--${name} must be true or false, got '${value}'`);
}

function nonEmpty(name: string, value: string): string {
  if (value.trim() === '') throw new OptionsError(`--${name} must not be empty`);
  return value;
}

function parseRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) throw new OptionsError(`--region must look like us-east-1, got '${value}'`);
  return value;
}

function parseAccountId(value: string): string {
  if (!/^\d{12}$/.test(value)) throw new OptionsError(`--account-id must be 12 digits, got '${value}'`);
  return value;
}

function parseCredentials(value: string): ArchwayOptions['adminCredentials'] {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw new OptionsError("--admin-credentials must be KEY:SECRET");
  return { accessKeyId: value.slice(0, colon), secretAccessKey: value.slice(colon + 1) };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function parseLogLevel(value: string): ArchwayOptions['logLevel'] {
  const level = LOG_LEVELS.find((l) => l === value.toLowerCase());
  if (!level) throw new OptionsError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${value}'`);
  return level;
}
