#!/usr/bin/env node
// The `archway` command. `archway start` runs the gateway until SIGTERM/SIGINT, then drains;
// with `--import FILE` it imports and deploys an OpenAPI file at startup (and with `--watch`,
// whenever the file changes). `archway import` / `archway export` talk to a running Archway.
import { parseStartOptions, describeSettings, OptionsError } from '../options/parse-options.js';
import {
  describeExportSettings, describeImportSettings, describeListSettings, parseExportCommand, parseImportCommand, parseListCommand,
} from '../options/client-options.js';
import { formatInventory, readInventory } from './inventory.js';
import { DEFAULT_OPTIONS, type ArchwayOptions } from '../options/options.js';
import { startArchway, VERSION, type RunningArchway } from '../main.js';
import { watchFile } from '../openapi/watch.js';
import type { FileImportResult } from '../openapi/import-file.js';
import { runExport, runImport } from './commands.js';
import { runToken } from './token.js';
import { localIssuerUrl } from '../auth/local-issuer.js';
import { LOCAL_ISSUER } from '../auth/user-pools.js';
import { describeTokenSettings, parseTokenCommand } from '../options/token-options.js';

const SUMMARY = `Usage: archway start [options]       run the gateway (control plane and data plane on one port)
       archway import FILE [options] import an OpenAPI file into a running Archway and deploy it
       archway export API_ID [options] write a stage's deployment as OpenAPI
       archway ls [options]          list a running Archway's APIs, stages, invoke URLs and functions
       archway token [options]       print a token signed by Archway's own issuer (user pools mapped to local)
       archway --version

archway COMMAND --help lists a command's options.`;

const START_USAGE = () => `Usage: archway start [options]

Runs Archway: the API Gateway control plane (AWS SDK/CLI with --endpoint-url) and the data
plane on one port. --import FILE imports an OpenAPI file and deploys it to --stage at startup
(an HTTP API's document to its auto-deploying $default stage); --watch redeploys it when it
changes. Every flag also reads from its environment variable, and from a --config file (JSON
or YAML, keys without the dashes): flag over variable over file.

Options:                            Environment variable                  Meaning
${describeSettings()}`;

const IMPORT_USAGE = () => `Usage: archway import FILE [options]

Imports an OpenAPI file into a running Archway (created the first time, replaced after) and
deploys it. An HTTP API's document becomes an HTTP API (ImportApi, then ReimportApi), served by
its stages: an auto-deploying $default one when it has none.

Options:                            Environment variable                  Meaning
${describeImportSettings()}`;

const EXPORT_USAGE = () => `Usage: archway export API_ID [options]

Writes a stage's deployment as OpenAPI (default: oas30, JSON, extensions=apigateway;
--extensions none for a plain document). An HTTP API exports as OpenAPI 3 only, from its
$default stage unless --stage names another.

Options:                            Environment variable                  Meaning
${describeExportSettings()}`;

const LS_USAGE = () => `Usage: archway ls [options]

Lists a running Archway's REST APIs and HTTP APIs with their stages and invoke URLs, and its
functions.

Options:                            Environment variable                  Meaning
${describeListSettings()}`;

const TOKEN_USAGE = () => `Usage: archway token --user-pool ID (--username NAME | --client-credentials CLIENT_ID) [options]

Prints a JWT signed by Archway's own issuer, shaped as a Cognito user pool's: an ID token for
--username, an access token with --scope, a client-credentials access token for
--client-credentials. The pool must be mapped to local (archway start --user-pool ID=local).
The signing key is the data directory's (the same --data-dir as archway start).

Options:                            Environment variable                  Meaning
${describeTokenSettings()}`;

const USAGES: Readonly<Record<string, () => string>> = { start: START_USAGE, import: IMPORT_USAGE, export: EXPORT_USAGE, ls: LS_USAGE, token: TOKEN_USAGE };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === 'version') {
    console.log(VERSION);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(SUMMARY);
    return 0;
  }
  const usage = Object.hasOwn(USAGES, command) ? USAGES[command] : undefined;
  if (usage === undefined) {
    console.error(`archway: unknown command '${command}'\n\n${SUMMARY}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(usage());
    return 0;
  }
  try {
    if (command === 'start') return await start(parseStartOptions(rest, process.env));
    if (command === 'import') {
      await runImport(parseImportCommand(rest, process.env), (line) => console.log(line));
      return 0;
    }
    if (command === 'export') {
      await runExport(parseExportCommand(rest, process.env), (text) => process.stdout.write(text));
      return 0;
    }
    if (command === 'token') {
      await runToken(parseTokenCommand(rest, process.env), (line) => console.log(line));
      return 0;
    }
    if (command === 'ls') {
      const options = parseListCommand(rest, process.env);
      for (const line of formatInventory(await readInventory(options, options.endpoint))) console.log(line);
      return 0;
    }
  } catch (error) {
    if (error instanceof OptionsError) {
      console.error(`archway: ${error.message}\n\n${usage()}`);
      return 2;
    }
    if (command !== 'start') {
      console.error(`archway ${command}: ${describeError(error)}`);
      return 1;
    }
    throw error;
  }
  return 0;
}

async function start(options: ArchwayOptions): Promise<number> {
  const archway = await startArchway(options);
  const publicHost = options.host === '127.0.0.1' || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const base = `http://${publicHost}:${archway.port}`;

  let stopWatching = () => {};
  if (options.importFile !== undefined) {
    const file = options.importFile;
    const request = { file, stageName: options.importStage, ...(options.importApiId ? { apiId: options.importApiId } : {}) };
    try {
      const result = await archway.importFile(request);
      report(result, file, base, 'Imported');
      if (result.kind === 'HTTP' && options.importStage !== DEFAULT_OPTIONS.importStage) {
        console.log(`  --stage ${options.importStage} is for REST APIs: an HTTP API is served by its auto-deploying $default stage`);
      }
    } catch (error) {
      console.error(`Import of ${file} failed: ${describeError(error)}`);
      if (!options.watch) {
        await archway.stop();
        return 1;
      }
    }
    if (options.watch) stopWatching = watch(archway, request, base).close;
  }
  // Only now, once an --import has deployed (or failed with --watch), does Archway say it serves.
  console.log(`Archway ${VERSION} listening on ${archway.endpoint} (${options.inMemory ? 'in memory' : `data in ${options.dataDir}`})`);
  console.log(`Control plane: aws apigateway --endpoint-url ${base} (credentials ${options.adminCredentials.accessKeyId}/…)`);
  // A later mapping of a pool wins, as in the verifier.
  for (const [poolId, issuer] of new Map(options.userPools.map((pool) => [pool.poolId, pool.issuer]))) {
    console.log(issuer === LOCAL_ISSUER
      ? `User pool ${poolId}: Archway's own issuer ${localIssuerUrl(base, poolId)} (tokens: archway token --user-pool ${poolId} --username NAME${options.inMemory ? ', not with --in-memory' : ''})`
      : `User pool ${poolId}: tokens signed by ${issuer}`);
  }
  await printDeployed(archway, options, base);
  const notEnforced = await archway.notEnforced();
  if (notEnforced.length > 0) {
    console.log('Not enforced yet (stored and answered as AWS does, but not acted on):');
    for (const line of notEnforced) console.log(`  ${line}`);
  }
  if (!isLoopback(options.host) && sameCredentials(options.adminCredentials, DEFAULT_OPTIONS.adminCredentials)) {
    console.warn(`Warning: listening on ${options.host} with the default admin credentials test:test: anyone who reaches this port can change your APIs and run code. Set --admin-credentials KEY:SECRET.`);
  }
  // Handlers first: the next line tells scripts Archway is ready, and they may signal at once.
  const stopped = new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      archway.logger.info({ signal }, 'shutting down: draining in-flight requests');
      stopWatching();
      void archway.stop().then(resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  console.log(`Invoke URL pattern: ${base}/_aws/execute-api/{apiId}/{stage}/`);
  await stopped;
  return 0;
}

function watch(archway: RunningArchway, request: Parameters<RunningArchway['importFile']>[0], base: string) {
  console.log(`Watching ${request.file} for changes`);
  return watchFile(request.file, async () => {
    try {
      report(await archway.importFile(request), request.file, base, 'Reloaded');
    } catch (error) {
      console.error(`Reload of ${request.file} failed; still serving the last good deployment: ${describeError(error)}`);
    }
  });
}

function report(result: FileImportResult, file: string, base: string, verb: string): void {
  const deployment = result.deployed ? `deployment ${result.deploymentId}` : `deployment ${result.deploymentId} kept`;
  // An HTTP API's $default stage is served without a stage segment.
  const url = result.kind === 'HTTP' ? `${base}/_aws/execute-api/${result.apiId}/` : `${base}/_aws/execute-api/${result.apiId}/${result.stageName}/`;
  console.log(`${verb} ${file} as ${result.kind === 'HTTP' ? 'HTTP API' : 'API'} ${result.apiId}, ${deployment} on stage ${result.stageName}: ${url}`);
  for (const warning of result.warnings) console.log(`  warning: ${warning}`);
  if (!result.created) console.log(result.changes.length > 0 ? result.changes.map((c) => `  ${c}`).join('\n') : '  no changes');
}

/** After a restart, what is already there (read through Archway's own control plane). */
async function printDeployed(archway: RunningArchway, options: ArchwayOptions, base: string): Promise<void> {
  try {
    const inventory = await readInventory({ endpoint: archway.endpoint, region: options.region, adminCredentials: options.adminCredentials }, base);
    if (inventory.apis.length === 0 && inventory.httpApis.length === 0 && inventory.functions.length === 0) return;
    for (const line of formatInventory(inventory)) console.log(line);
  } catch (error) {
    archway.logger.warn({ err: error }, 'could not list what is deployed');
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const sameCredentials = (a: ArchwayOptions['adminCredentials'], b: ArchwayOptions['adminCredentials']) =>
  a.accessKeyId === b.accessKeyId && a.secretAccessKey === b.secretAccessKey;

function describeError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (another program listens there: stop it, or choose another --port)' : '';
    console.error(`archway: failed to start: ${error instanceof Error ? error.message : String(error)}${inUse}`);
    process.exit(1);
  },
);
