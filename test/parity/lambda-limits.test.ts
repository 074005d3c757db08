// Lambda's size and memory limits, through @aws-sdk/client-lambda and API Gateway over loopback:
// Invoke and CreateFunction request sizes (413 RequestEntityTooLargeException), responses over
// 6 MB (Function.ResponseSizeTooLarge; 502 behind AWS_PROXY, 413 for a request over 6 MB), and
// MemorySize counting Buffers and ArrayBuffers, not only the V8 heap.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import { CreateFunctionCommand, type InvokeCommandOutput, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetResourcesCommand, PutIntegrationCommand, PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient, ROLE, payloadText } from '../helpers/lambda.js';

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

const invoke = (name: string, payload: string | object = {}, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) =>
  lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), ...extra }));
const tailOf = (out: InvokeCommandOutput) => Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');

/** A JSON document of exactly `bytes` bytes. */
const jsonOfSize = (bytes: number) => `{"a":"${'x'.repeat(bytes - 8)}"}`;

describe('request size limits (413 RequestEntityTooLargeException)', () => {
  it('refuses an Invoke payload over 6291456 bytes and an Event payload over 262144 bytes', async () => {
    await createFunction(lambda, 'sized', 'export const handler = async (e) => e.a.length;');
    expect(payloadText((await invoke('sized', jsonOfSize(6_291_456))).Payload)).toBe(String(6_291_456 - 8));
    await expect(invoke('sized', jsonOfSize(6_291_457))).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException', message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation', $metadata: { httpStatusCode: 413 },
    });
    expect((await invoke('sized', jsonOfSize(262_144), { InvocationType: 'Event' })).StatusCode).toBe(202);
    await expect(invoke('sized', jsonOfSize(262_145), { InvocationType: 'Event' })).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException', message: '262145 byte payload is too large for the Event invocation type (limit 262144 bytes)', $metadata: { httpStatusCode: 413 },
    });
  });

  it('refuses a CreateFunction request over 69905067 bytes', async () => {
    const zip = Buffer.alloc(52_500_000, 7);
    await expect(lambda.send(new CreateFunctionCommand({
      FunctionName: 'huge', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip },
    }))).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException', message: 'Request must be smaller than 69905067 bytes for the CreateFunction operation', $metadata: { httpStatusCode: 413 },
    });
  }, 30_000);
});

describe('responses over 6 MB', () => {
  let apiId: string;

  beforeAll(async () => {
    await createFunction(lambda, 'big-answer', `export const handler = async (event) => {
      const size = event.body === undefined ? event.size : JSON.parse(event.body).size;
      const body = 'x'.repeat(size);
      return event.body === undefined ? body : { statusCode: 200, body };
    };`);
    const gw = archway.apigateway;
    apiId = (await gw.send(new CreateRestApiCommand({ name: 'big' }))).id!;
    const rootId = (await gw.send(new GetResourcesCommand({ restApiId: apiId }))).items![0].id!;
    const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'big' }))).id!;
    await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'POST', authorizationType: 'NONE' }));
    await gw.send(new PutIntegrationCommand({
      restApiId: apiId, resourceId, httpMethod: 'POST', type: 'AWS_PROXY', integrationHttpMethod: 'POST',
      uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:big-answer/invocations',
    }));
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
  });

  it('answers Invoke with Function.ResponseSizeTooLarge (200, X-Amz-Function-Error: Unhandled)', async () => {
    // 6291556 bytes of JSON (the string and its two quotes) is the most Lambda returns.
    expect(payloadText((await invoke('big-answer', { size: 6_291_554 })).Payload)).toHaveLength(6_291_556);
    const out = await invoke('big-answer', { size: 7_000_000 });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(payloadText(out.Payload))).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size (7000002 bytes) exceeded maximum allowed payload size (6291556 bytes).',
    });
  });

  it('answers 502 behind AWS_PROXY, and 413 "Request Too Long" for a request over 6 MB', async () => {
    const url = archway.invokeUrl(apiId, 'dev', '/big');
    const ok = await request(url, { method: 'POST', body: JSON.stringify({ size: 10 }) });
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toBe('x'.repeat(10));
    const tooBig = await request(url, { method: 'POST', body: JSON.stringify({ size: 7_000_000 }) });
    expect(tooBig.statusCode).toBe(502);
    expect(await tooBig.body.json()).toEqual({ message: 'Internal server error' });
    const longRequest = await request(url, { method: 'POST', body: JSON.stringify({ size: 1, pad: 'y'.repeat(6_400_000) }) });
    expect(longRequest.statusCode).toBe(413);
    expect(longRequest.headers['x-amzn-errortype']).toBe('BadRequestException');
    expect(await longRequest.body.json()).toEqual({ message: 'Request Too Long' });
  });
});

describe('MemorySize counts Buffers and ArrayBuffers', () => {
  it('answers Runtime.OutOfMemory for Buffers held past MemorySize, after the call or while it waits, then starts afresh', async () => {
    await createFunction(lambda, 'buffer-hoarder', `const keep = [];
      export const handler = async (event) => {
        for (let i = 0; i < event.chunks; i++) keep.push(Buffer.alloc(10 << 20, 1));
        if (event.waitMs) await new Promise((r) => setTimeout(r, event.waitMs));
        return keep.length;
      };`, { MemorySize: 128, Timeout: 10 });
    const held = await invoke('buffer-hoarder', { chunks: 30 });
    expect(held.FunctionError).toBe('Unhandled');
    expect(JSON.parse(payloadText(held.Payload))).toEqual({
      errorType: 'Runtime.OutOfMemory', errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: signal: killed$/),
    });
    // A fresh worker: nothing held any more.
    expect(payloadText((await invoke('buffer-hoarder', { chunks: 1 })).Payload)).toBe('1');

    const started = performance.now();
    const waiting = await invoke('buffer-hoarder', { chunks: 30, waitMs: 5000 });
    expect(JSON.parse(payloadText(waiting.Payload)).errorType).toBe('Runtime.OutOfMemory');
    expect(performance.now() - started).toBeLessThan(3000);
  }, 20_000);

  it('does not count Buffers that are garbage (a function churning through big Buffers stays within MemorySize)', async () => {
    await createFunction(lambda, 'buffer-churn', `export const handler = async () => {
      let sum = 0;
      for (let i = 0; i < 5; i++) { sum += Buffer.alloc(60 << 20, 1)[i]; await new Promise((r) => setTimeout(r, 30)); }
      return sum;
    };`, { MemorySize: 128 });
    for (let i = 0; i < 3; i++) {
      const out = await invoke('buffer-churn');
      expect(out.FunctionError).toBeUndefined();
      expect(payloadText(out.Payload)).toBe('5');
    }
  });

  it('reports Buffers in Max Memory Used', async () => {
    await createFunction(lambda, 'buffer-user', `export const handler = async () => { const b = new ArrayBuffer(60 << 20); new Uint8Array(b).fill(1); globalThis.keep = b; return 'ok'; };`, { MemorySize: 256 });
    const out = await invoke('buffer-user', {}, { LogType: 'Tail' });
    expect(out.FunctionError).toBeUndefined();
    const used = /Max Memory Used: (\d+) MB/.exec(tailOf(out));
    expect(Number(used?.[1])).toBeGreaterThanOrEqual(60);
  });
});
