// Options of the commands that talk to a running Archway (`archway import`, `archway export`):
// the same table style as `archway start` (a flag beats its ARCHWAY_* variable).
import { DEFAULT_OPTIONS } from './options.js';
import {
  applySettings, describeSettings, nonEmpty, OptionsError, parseApiId, parseBoolean, parseCredentials, parseRegion, parseStageName, type Setting,
} from './parse-options.js';

export interface ClientOptions {
  /** The running Archway's control plane, e.g. http://localhost:4566. */
  endpoint: string;
  region: string;
  adminCredentials: { accessKeyId: string; secretAccessKey: string };
}

export interface ImportCommandOptions extends ClientOptions {
  file: string;
  stageName: string;
  apiId?: string;
  basePath?: string;
  failOnWarnings: boolean;
}

export type ExportFormat = 'oas30' | 'swagger';

export interface ExportCommandOptions extends ClientOptions {
  apiId: string;
  stageName: string;
  format: ExportFormat;
  yaml: boolean;
  /** `extensions` of GetExport; '' for none. */
  extensions: string;
  output?: string;
}

const CLIENT_DEFAULTS: ClientOptions = {
  endpoint: `http://localhost:${DEFAULT_OPTIONS.port}`,
  region: DEFAULT_OPTIONS.region,
  adminCredentials: DEFAULT_OPTIONS.adminCredentials,
};

const CLIENT_SETTINGS = {
  endpoint: { env: 'ARCHWAY_ENDPOINT', type: 'string', help: 'the running Archway (default http://localhost:4566)', apply: (o, v) => (o.endpoint = parseEndpoint(v)) },
  region: { env: 'ARCHWAY_REGION', type: 'string', help: 'region the requests are signed for (default us-east-1)', apply: (o, v) => (o.region = parseRegion(v)) },
  'admin-credentials': { env: 'ARCHWAY_ADMIN_CREDENTIALS', type: 'string', help: 'KEY:SECRET to sign with (default test:test)', apply: (o, v) => (o.adminCredentials = parseCredentials(v)) },
} satisfies Record<string, Setting<ClientOptions>>;

const IMPORT_SETTINGS = {
  ...CLIENT_SETTINGS,
  stage: { env: 'ARCHWAY_IMPORT_STAGE', type: 'string', help: 'the stage to deploy to or export from (default dev)', apply: (o, v) => (o.stageName = parseStageName('stage', v)) },
  'api-id': { env: 'ARCHWAY_IMPORT_API_ID', type: 'string', help: 'the API id to create or replace (default: from the file)', apply: (o, v) => (o.apiId = parseApiId('api-id', v)) },
  basepath: { env: 'ARCHWAY_IMPORT_BASEPATH', type: 'string', help: 'ignore, prepend or split: what the document\'s base path does (default ignore)', apply: (o, v) => (o.basePath = parseBasePath(v)) },
  'fail-on-warnings': { env: 'ARCHWAY_IMPORT_FAIL_ON_WARNINGS', type: 'boolean', help: 'refuse the import when it has warnings', apply: (o, v) => (o.failOnWarnings = parseBoolean('fail-on-warnings', v)) },
} satisfies Record<string, Setting<ImportCommandOptions>>;

const EXPORT_SETTINGS = {
  ...CLIENT_SETTINGS,
  stage: { env: 'ARCHWAY_EXPORT_STAGE', type: 'string', help: 'the stage to deploy to or export from (default dev)', apply: (o, v) => (o.stageName = parseStageName('stage', v)) },
  format: { env: 'ARCHWAY_EXPORT_FORMAT', type: 'string', help: 'oas30 or swagger (default oas30)', apply: (o, v) => (o.format = parseFormat(v)) },
  yaml: { env: 'ARCHWAY_EXPORT_YAML', type: 'boolean', help: 'write YAML instead of JSON', apply: (o, v) => (o.yaml = parseBoolean('yaml', v)) },
  extensions: { env: 'ARCHWAY_EXPORT_EXTENSIONS', type: 'string', help: 'none, or a list of integrations, apigateway, authorizers, postman (default apigateway)', apply: (o, v) => (o.extensions = parseExtensions(v)) },
  output: { env: 'ARCHWAY_EXPORT_OUTPUT', type: 'string', help: 'write to this file instead of stdout', apply: (o, v) => (o.output = nonEmpty('output', v)) },
} satisfies Record<string, Setting<ExportCommandOptions>>;

export function parseImportCommand(argv: string[], env: NodeJS.ProcessEnv): ImportCommandOptions {
  const options: ImportCommandOptions = { ...structuredClone(CLIENT_DEFAULTS), file: '', stageName: DEFAULT_OPTIONS.importStage, failOnWarnings: false };
  const positionals = applySettings(IMPORT_SETTINGS, options, argv, env, true);
  if (positionals.length !== 1) throw new OptionsError('archway import takes one FILE');
  options.file = positionals[0];
  return options;
}

export function parseExportCommand(argv: string[], env: NodeJS.ProcessEnv): ExportCommandOptions {
  const options: ExportCommandOptions = {
    ...structuredClone(CLIENT_DEFAULTS), apiId: '', stageName: DEFAULT_OPTIONS.importStage, format: 'oas30', yaml: false, extensions: 'apigateway',
  };
  const positionals = applySettings(EXPORT_SETTINGS, options, argv, env, true);
  if (positionals.length !== 1) throw new OptionsError('archway export takes one API_ID');
  options.apiId = parseApiId('API_ID', positionals[0]);
  return options;
}

export function parseListCommand(argv: string[], env: NodeJS.ProcessEnv): ClientOptions {
  const options: ClientOptions = structuredClone(CLIENT_DEFAULTS);
  const positionals = applySettings(CLIENT_SETTINGS, options, argv, env, true);
  if (positionals.length > 0) throw new OptionsError('archway ls takes no arguments');
  return options;
}

export const describeListSettings = () => describeSettings(CLIENT_SETTINGS as Record<string, Setting<never>>);
export const describeImportSettings = () => describeSettings(IMPORT_SETTINGS as Record<string, Setting<never>>);
export const describeExportSettings = () => describeSettings(EXPORT_SETTINGS as Record<string, Setting<never>>);

export function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OptionsError(`--endpoint must be a URL like http://localhost:4566, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OptionsError(`--endpoint must be an http(s) URL, got '${value}'`);
  return url.origin;
}

function parseFormat(value: string): ExportFormat {
  if (value !== 'oas30' && value !== 'swagger') throw new OptionsError(`--format must be oas30 or swagger, got '${value}'`);
  return value;
}

function parseBasePath(value: string): string {
  if (!['ignore', 'prepend', 'split'].includes(value)) throw new OptionsError(`--basepath must be ignore, prepend or split, got '${value}'`);
  return value;
}

const EXTENSIONS = ['integrations', 'apigateway', 'authorizers', 'postman'];

function parseExtensions(value: string): string {
  if (value === 'none') return '';
  for (const part of value.split(',')) {
    if (!EXTENSIONS.includes(part.trim())) throw new OptionsError(`--extensions must be none or a list of ${EXTENSIONS.join(', ')}, got '${value}'`);
  }
  return value;
}
