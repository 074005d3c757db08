// What a hostile function can do to the gateway from inside its worker thread: return a result far
// past Lambda's 6 MB limit from a small heap, print without end, hang (its calls must not queue
// behind each other), and show where its code lives. None of it may take the gateway down.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CreateDeploymentCommand, CreateRestApiCommand, PutIntegrationCommand, PutMethodCommand } from '@aws-sdk/client-api-gateway';
import { DEFAULT_OPTIONS } from '../../src/options/options.js';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { probeHealthWhile } from './health-during.js';
import { spawnArchway } from '../helpers/archway-process.js';
import { createFunction, lambdaClient, payloadText } from '../helpers/lambda.js';

let archway: TestArchway;
let lambda: LambdaClient;

beforeAll(async () => {
  archway = await startArchway();
  lambda = lambdaClient(archway);
});

afterAll(async () => {
  lambda?.destroy();
  await archway?.stop();
});

const health = async () => (await fetch(`${archway.endpoint}/_archway/health`)).status;

describe('a hostile function', () => {
  it('returning 50 MB from a 128 MB function fails that invocation, not the gateway', async () => {
    await createFunction(lambda, 'huge-result', 'export const handler = async () => "x".repeat(50 * 1024 * 1024);', { MemorySize: 128 });
    await createFunction(lambda, 'huge-object', 'export const handler = async () => ({ rows: Array.from({ length: 8 }, () => "y".repeat(4 * 1024 * 1024)) });', { MemorySize: 128 });
    await createFunction(lambda, 'fine', 'export const handler = async () => "fine";');
    for (const name of ['huge-result', 'huge-object']) {
      // Short attacks (well under a second): the gateway answers them and stays up; liveness
      // during an attack is checked on the long one below.
      const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
      expect(await health()).toBe(200);
      expect(out.FunctionError).toBe('Unhandled');
      expect(JSON.parse(payloadText(out.Payload))).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
    }
    expect(payloadText((await lambda.send(new InvokeCommand({ FunctionName: 'fine' }))).Payload)).toBe('"fine"');
    expect(await health()).toBe(200);
  });

  it('hanging: concurrent calls run side by side in their own workers, not one after another', async () => {
    await createFunction(lambda, 'hang', 'export const handler = async () => { for (;;) {} };', { Timeout: 2 });
    const calls = Promise.all(Array.from({ length: 4 }, () => lambda.send(new InvokeCommand({ FunctionName: 'hang' }))));
    let most = 0;
    let settled = false;
    void calls.finally(() => (settled = true));
    const watched = (async () => {
      while (!settled) {
        most = Math.max(most, ...Object.entries(archway.running.functions.workerCounts()).filter(([key]) => key.startsWith('hang')).map(([, count]) => count), 0);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const { healthAnswers } = await probeHealthWhile(archway.endpoint, calls);
    await watched;
    expect(healthAnswers).toBeGreaterThan(0);
    for (const out of await calls) expect(JSON.parse(payloadText(out.Payload)).errorMessage).toMatch(/Task timed out after 2\.00 seconds/);
    expect(most).toBe(4);
  });

  it('shows its code under /var/task in error traces, as Lambda does', async () => {
    await createFunction(lambda, 'thrower', 'export const handler = async () => { throw new Error("boom"); };');
    const error = JSON.parse(payloadText((await lambda.send(new InvokeCommand({ FunctionName: 'thrower' }))).Payload)) as { trace: string[] };
    expect(error.trace.join('\n')).toContain('file:///var/task/index.mjs');
    expect(error.trace.join('\n')).not.toContain('/functions/');
  });
});

describe('a function that prints without end', () => {
  it('costs the gateway at most its per-invocation log allowance, with one notice', async () => {
    const process = await spawnArchway(['--in-memory', '--log-level', 'info', '--log-format', 'json']);
    const client = lambdaClient({ endpoint: process.endpoint });
    try {
      // 20 000 lines of 1 000 characters: 20 MB of output from one invocation.
      await createFunction(client, 'chatty', 'export const handler = async () => { const s = "z".repeat(1000); for (let i = 0; i < 20000; i++) console.log(s); return "done"; };', { Timeout: 30 });
      const out = await client.send(new InvokeCommand({ FunctionName: 'chatty' }));
      expect(payloadText(out.Payload)).toBe('"done"');
      for (let i = 0; i < 100 && !process.output().includes('the rest is dropped'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(process.output()).toContain("this invocation's output passed 1048576 characters; the rest is dropped");
      expect(process.output().length).toBeLessThan(3 * 1024 * 1024);
      expect((await fetch(`${process.endpoint}/_archway/health`)).status).toBe(200);
    } finally {
      client.destroy();
      process.child.kill('SIGKILL');
      await process.exited;
    }
  });
});

describe('the integration timeout', () => {
  it('holds for a call still waiting for a worker', async () => {
    const small = await startArchway({ limits: { ...DEFAULT_OPTIONS.limits, maxFunctionWorkers: 1 } });
    const client = lambdaClient(small);
    try {
      const arn = await createFunction(client, 'hang2', 'export const handler = async () => { for (;;) {} };', { Timeout: 2 });
      const gw = small.apigateway;
      const api = await gw.send(new CreateRestApiCommand({ name: 'waits' }));
      await gw.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
      await gw.send(new PutIntegrationCommand({
        restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', timeoutInMillis: 3000,
        uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`,
      }));
      await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
      // One worker in all: the first call runs (and times out after 2 s), the others wait for it.
      const statuses = await Promise.all(Array.from({ length: 3 }, () => fetch(small.invokeUrl(api.id!, 'dev', '/')).then((r) => r.status)));
      expect(statuses[0]).toBe(502);
      // The third would start only after 4 s: its 3 s integration timeout answers first.
      expect(statuses).toContain(504);
    } finally {
      client.destroy();
      await small.stop();
    }
  });
});
