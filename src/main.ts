// Process wiring: options → store (and its change feed), the key that seals secrets at rest,
// shared state (memory or Redis), data plane, control plane, listener.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { ArchwayOptions } from './options/options.js';
import type { GatewayEnvironment } from './options/gateway-environment.js';
import { SqliteConfigStore } from './store/sqlite/sqlite-config-store.js';
import { openDataDirectory } from './data-directory.js';
import { EncryptionKeyError, openSecretBox } from './secrets/encryption-key.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { ConfigStore } from './store/config-store.js';
import { DataPlane, type RequestLogEntry } from './data-plane/data-plane.js';
import { ControlPlane } from './control-plane/control-plane.js';
import { RouteTable } from './control-plane/route-table.js';
import { apigatewayOperations } from './control-plane/apigateway/index.js';
import { apigatewayv2Operations } from './control-plane/apigatewayv2/index.js';
import { NotEnforcedReporter } from './control-plane/apigateway/not-enforced-reporter.js';
import { createArchwayServer, type TlsOptions } from './server.js';
import { RequestBodies } from './request-body.js';
import { createLogger, flushLogger, type Logger } from './observability/logger.js';
import { importFileAndDeploy, type FileImportRequest, type FileImportResult } from './openapi/import-file.js';
import { startFunctions, type LocalFunctionRuntime } from './functions/index.js';
import { lambdaOperations } from './control-plane/lambda/index.js';
import { iamRouteTable } from './control-plane/iam/index.js';
import { createState } from './state/index.js';
import { UserPoolVerifier } from './auth/user-pool-verifier.js';
import { LocalIssuer } from './auth/local-issuer.js';
import { LOCAL_ISSUER } from './auth/user-pools.js';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface RunningArchway {
  /** http://{host}:{port} as bound. */
  endpoint: string;
  port: number;
  logger: Logger;
  /** Imports an OpenAPI file (a REST or an HTTP API) and deploys it (`--import`), through the control plane's own functions. */
  importFile(request: FileImportRequest): Promise<FileImportResult>;
  /** Every stored setting Archway does not act on yet, `{name} ({id}): {what}` (the startup banner). */
  notEnforced(): Promise<string[]>;
  /** The local Lambda runtime (worker pools), for diagnostics and tests. */
  functions: LocalFunctionRuntime;
  /** The data plane (its deployments table), for diagnostics and tests. */
  dataPlane: DataPlane;
  /** Stops accepting, drains in-flight requests (up to `drainMs`), closes backends, writes out the log. */
  stop(drainMs?: number): Promise<void>;
}

/** What an embedding program (a test) may add to the options. */
export interface ArchwayHooks {
  /** Serve HTTPS with this certificate. */
  tls?: TlsOptions;
  /** Also told of every data-plane request, after the log line. */
  onRequestLogged?: (entry: RequestLogEntry) => void;
}

export async function startArchway(
  options: ArchwayOptions,
  logger: Logger = createLogger(options.logLevel, options.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json')),
  hooks: ArchwayHooks = {},
): Promise<RunningArchway> {
  const { store, release: releaseDataDirectory } = openStore(options);
  let secrets: SecretBox;
  try {
    secrets = openSecretBox(options);
    await checkSecretsOpen(store, secrets);
  } catch (error) {
    await store.close();
    releaseDataDirectory();
    throw error;
  }
  const env: GatewayEnvironment = { region: options.region, accountId: options.accountId, limits: options.limits };
  const state = await createState({ redisUrl: options.redisUrl, failure: options.stateFailure, log: logger });
  const functions = await startFunctions(options, store, logger);
  const bodies = new RequestBodies(options.limits);
  const userPools = new UserPoolVerifier({
    pools: options.userPools,
    // Archway's own issuer, its key in the data directory: only when a pool is mapped to it.
    localIssuer: options.userPools.some((pool) => pool.issuer === LOCAL_ISSUER) ? LocalIssuer.open(options.inMemory ? undefined : options.dataDir) : undefined,
    jwksRefetchIntervalMs: options.limits.jwksRefetchIntervalMs,
    log: logger,
  });
  const dataPlane = new DataPlane({
    env,
    store,
    functions: functions.runtime,
    log: logger,
    bodies,
    state,
    secrets,
    userPools,
    adminCredentials: options.adminCredentials,
    onRequestLogged: hooks.onRequestLogged,
  });
  await dataPlane.start();

  const admin = options.adminCredentials;
  const apigateway = { store, env, dataPlane, secrets };
  const apigatewayv2 = { store, env, scheme: hooks.tls === undefined ? 'http' as const : 'https' as const };
  const notEnforced = new NotEnforcedReporter(store, logger);
  const controlPlane = new ControlPlane(
    new Map([
      // apigatewayv2 is signed as `apigateway` too: its operations are told apart by their /v2/ paths.
      ['apigateway', new RouteTable([
        ...notEnforced.watch(apigatewayOperations(apigateway)),
        ...notEnforced.watch(apigatewayv2Operations(apigatewayv2)),
      ])],
      ['lambda', new RouteTable(lambdaOperations({ registry: functions.registry, store: store.functions, invoker: functions.runtime }))],
      ['iam', iamRouteTable({ store: store.iam, secrets, accountId: options.accountId })],
    ]),
    (accessKeyId) => (accessKeyId === admin.accessKeyId ? { secretAccessKey: admin.secretAccessKey } : undefined),
    logger,
    options.region,
  );
  const { server, drain } = createArchwayServer({
    controlPlane,
    dataPlane,
    targets: dataPlane.deployments,
    tls: hooks.tls,
    limits: options.limits,
    version: VERSION,
    startedAt: Date.now(),
    bodies,
    log: logger,
    userPools,
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
    endpoint: `${hooks.tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    port,
    logger,
    async importFile(request) {
      const result = await importFileAndDeploy(apigateway, apigatewayv2, request);
      await notEnforced.check(result.apiId);
      return result;
    },
    notEnforced: () => notEnforced.all(),
    functions: functions.runtime,
    dataPlane,
    stop(drainMs = options.limits.shutdownDrainMs) {
      stopping ??= (async () => {
        await drain(drainMs);
        await functions.close();
        await dataPlane.close();
        await state.close();
        await store.close();
        releaseDataDirectory();
        await flushLogger(logger);
      })();
      return stopping;
    },
  };
}

/** A stored secret opens with the key given: starting with another key would fail later, per request. */
async function checkSecretsOpen(store: ConfigStore, secrets: SecretBox): Promise<void> {
  const sample = (await store.listApiKeys())[0]?.sealedValue ?? (await store.iam.listAccessKeys())[0]?.sealedSecret;
  if (sample === undefined) return;
  try {
    secrets.open(sample);
  } catch {
    throw new EncryptionKeyError(
      'the stored API key values or IAM secret keys were encrypted with another key: start with the --encryption-key (or the data directory\'s encryption.key) they were stored with',
    );
  }
}

function openStore(options: ArchwayOptions): { store: ConfigStore; release(): void } {
  if (options.inMemory) return { store: new SqliteConfigStore(':memory:'), release() {} };
  const directory = openDataDirectory(options.dataDir);
  try {
    return { store: new SqliteConfigStore(directory.databaseFile), release: () => directory.release() };
  } catch (error) {
    directory.release();
    throw error;
  }
}
