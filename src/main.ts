// Process wiring: options → store, deployment events, data plane, control plane, listener.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ArchwayOptions } from './options/options.js';
import type { GatewayEnvironment } from './options/gateway-environment.js';
import { SqliteConfigStore } from './store/sqlite/sqlite-config-store.js';
import type { ConfigStore } from './store/config-store.js';
import { InProcessDeploymentEvents } from './sync/deployment-events.js';
import { DataPlane } from './data-plane/data-plane.js';
import { ControlPlane } from './control-plane/control-plane.js';
import { RouteTable } from './control-plane/route-table.js';
import { apigatewayOperations } from './control-plane/apigateway/index.js';
import { createArchwayServer } from './server.js';
import { createLogger, flushLogger, logDataPlaneRequest, type Logger } from './observability/logger.js';
import { importFileAndDeploy, type FileImportRequest, type FileImportResult } from './openapi/import-file.js';
import { startFunctions, type LocalFunctionRuntime } from './functions/index.js';
import { lambdaOperations } from './control-plane/lambda/index.js';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface RunningArchway {
  /** http://{host}:{port} as bound. */
  endpoint: string;
  port: number;
  logger: Logger;
  /** Imports an OpenAPI file and deploys it (`--import`), through the control plane's own functions. */
  importFile(request: FileImportRequest): Promise<FileImportResult>;
  /** The local Lambda runtime (worker pools), for diagnostics and tests. */
  functions: LocalFunctionRuntime;
  /** Stops accepting, drains in-flight requests (up to `drainMs`), closes backends, writes out the log. */
  stop(drainMs?: number): Promise<void>;
}

export async function startArchway(options: ArchwayOptions, logger: Logger = createLogger(options.logLevel)): Promise<RunningArchway> {
  const store = openStore(options);
  const env: GatewayEnvironment = { region: options.region, accountId: options.accountId, limits: options.limits };
  const events = new InProcessDeploymentEvents();
  const functions = await startFunctions(options, store.functions, logger);
  const dataPlane = new DataPlane({ env, store, events, functions: functions.runtime, onRequestLogged: (entry) => logDataPlaneRequest(logger, entry) });
  await dataPlane.start();

  const admin = options.adminCredentials;
  const apigateway = { store, events, env, dataPlane };
  const controlPlane = new ControlPlane(
    new Map([
      ['apigateway', new RouteTable(apigatewayOperations(apigateway))],
      ['lambda', new RouteTable(lambdaOperations({ registry: functions.registry, store: store.functions, invoker: functions.runtime }))],
    ]),
    (accessKeyId) => (accessKeyId === admin.accessKeyId ? { secretAccessKey: admin.secretAccessKey } : undefined),
    logger,
  );
  const { server, drain } = createArchwayServer({
    controlPlane,
    dataPlane,
    limits: options.limits,
    version: VERSION,
    startedAt: Date.now(),
    onError: (err, where) => logger.error({ err, where }, 'unexpected error'),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    logger,
    importFile: (request) => importFileAndDeploy(apigateway, request),
    functions: functions.runtime,
    stop(drainMs = options.limits.shutdownDrainMs) {
      stopping ??= (async () => {
        await drain(drainMs);
        await functions.close();
        await dataPlane.close();
        await store.close();
        await flushLogger(logger);
      })();
      return stopping;
    },
  };
}

function openStore(options: ArchwayOptions): ConfigStore {
  if (options.inMemory) return new SqliteConfigStore(':memory:');
  mkdirSync(options.dataDir, { recursive: true });
  return new SqliteConfigStore(join(options.dataDir, 'archway.db'));
}
