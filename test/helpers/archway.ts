// Starts a whole Archway (in-memory store, port 0) for a test, with an AWS SDK client
// pointed at it. Always `await archway.stop()` in afterAll.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { startArchway as start, type ArchwayHooks, type RunningArchway } from '../../src/main.js';
import { DEFAULT_OPTIONS, type ArchwayOptions } from '../../src/options/options.js';
import { createLogger } from '../../src/observability/logger.js';

export interface TestArchway {
  endpoint: string;
  port: number;
  apigateway: APIGatewayClient;
  running: RunningArchway;
  /** `http://127.0.0.1:{port}/_aws/execute-api/{apiId}/{stage}{path}` */
  invokeUrl(apiId: string, stage: string, path?: string): string;
  stop(): Promise<void>;
}

export async function startArchway(overrides: Partial<ArchwayOptions> = {}, hooks: ArchwayHooks = {}): Promise<TestArchway> {
  const options: ArchwayOptions = {
    ...structuredClone(DEFAULT_OPTIONS),
    port: 0,
    inMemory: true,
    logLevel: (process.env.ARCHWAY_TEST_LOG_LEVEL as ArchwayOptions['logLevel'] | undefined) ?? 'silent',
    ...overrides,
  };
  const running = await start(options, createLogger(options.logLevel), hooks);
  const apigateway = new APIGatewayClient({
    endpoint: running.endpoint,
    region: options.region,
    credentials: options.adminCredentials,
    maxAttempts: 1,
  });
  return {
    endpoint: running.endpoint,
    port: running.port,
    apigateway,
    running,
    invokeUrl: (apiId, stage, path = '/') => `${running.endpoint}/_aws/execute-api/${apiId}/${stage}${path}`,
    async stop() {
      apigateway.destroy();
      await running.stop(1000);
    },
  };
}
