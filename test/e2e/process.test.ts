import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  APIGatewayClient, CreateRestApiCommand, CreateResourceCommand, PutMethodCommand, PutIntegrationCommand,
  PutMethodResponseCommand, PutIntegrationResponseCommand, CreateDeploymentCommand,
} from '@aws-sdk/client-api-gateway';
import { spawnArchway, type ArchwayProcess } from '../helpers/archway-process.js';

const running: ArchwayProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.child.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

async function start(args: string[]): Promise<ArchwayProcess> {
  const p = await spawnArchway(['--log-level', 'warn', ...args]);
  running.push(p);
  return p;
}

function client(endpoint: string): APIGatewayClient {
  const c = new APIGatewayClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  cleanups.push(() => c.destroy());
  return c;
}

async function createMockApi(c: APIGatewayClient, body: string): Promise<string> {
  const api = await c.send(new CreateRestApiCommand({ name: 'e2e', tags: { _custom_id_: 'e2eapi0001' } }));
  const res = await c.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'hello' }));
  await c.send(new PutMethodCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await c.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await c.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', statusCode: '200' }));
  await c.send(new PutIntegrationResponseCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': body } }));
  await c.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
  return api.id!;
}

describe('archway start (the built command)', () => {
  it('prints the endpoint and invoke URL pattern, and answers health', async () => {
    const p = await start(['--in-memory']);
    expect(p.output()).toContain(`Invoke URL pattern: http://localhost:${p.port}/_aws/execute-api/{apiId}/{stage}/`);
    const res = await fetch(`${p.endpoint}/_archway/health`);
    expect(res.status).toBe(200);
    const health = (await res.json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', version: expect.any(String) as string, uptimeSeconds: expect.any(Number) as number });
  });

  it('serves every committed change again after a SIGKILL and restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'archway-e2e-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await start(['--data-dir', dataDir]);
    const apiId = await createMockApi(client(first.endpoint), '{"greeting": "hello"}');
    expect(await (await fetch(`${first.endpoint}/_aws/execute-api/${apiId}/dev/hello`)).text()).toBe('{"greeting": "hello"}');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start(['--data-dir', dataDir]);
    const res = await fetch(`${second.endpoint}/_aws/execute-api/${apiId}/dev/hello`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"greeting": "hello"}');
  });

  it('drains an in-flight request on SIGTERM, then exits 0', async () => {
    let release!: () => void;
    const slow: Server = createServer((_req, res) => {
      release = () => res.end('slow done');
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    cleanups.push(() => slow.close());
    const backendPort = (slow.address() as AddressInfo).port;

    const p = await start(['--in-memory']);
    const c = client(p.endpoint);
    const api = await c.send(new CreateRestApiCommand({ name: 'drain' }));
    await c.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await c.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'HTTP_PROXY', integrationHttpMethod: 'GET', uri: `http://127.0.0.1:${backendPort}/` }));
    await c.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));

    const inFlight = fetch(`${p.endpoint}/_aws/execute-api/${api.id}/dev/`);
    await new Promise((r) => setTimeout(r, 200));
    p.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`${p.endpoint}/_archway/health`)).rejects.toThrow();
    release();
    const res = await inFlight;
    expect(await res.text()).toBe('slow done');
    expect(await p.exited).toBe(0);
  });

  it('exits within the drain timeout when a backend never answers', async () => {
    // Accepts the connection, never says a word: the request outlasts --drain-timeout 1.
    const sockets: Socket[] = [];
    const silent: Server = createServer();
    silent.on('connection', (socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const backendPort = (silent.address() as AddressInfo).port;

    const p = await start(['--in-memory', '--drain-timeout', '1']);
    const c = client(p.endpoint);
    const api = await c.send(new CreateRestApiCommand({ name: 'silent' }));
    await c.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await c.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'HTTP_PROXY', integrationHttpMethod: 'GET', uri: `http://127.0.0.1:${backendPort}/` }));
    await c.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));

    const inFlight = fetch(`${p.endpoint}/_aws/execute-api/${api.id}/dev/`).catch(() => undefined);
    while (sockets.length === 0) await new Promise((r) => setTimeout(r, 20));
    const signalled = performance.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(2500);
    await inFlight;
  });

  it('warns when it serves other machines with the default credentials', async () => {
    const open = await start(['--in-memory', '--host', '0.0.0.0']);
    expect(open.output()).toContain('Warning: listening on 0.0.0.0 with the default admin credentials test:test');
    const guarded = await start(['--in-memory', '--host', '0.0.0.0', '--admin-credentials', 'admin:s3cret']);
    const local = await start(['--in-memory']);
    for (const quiet of [guarded, local]) expect(quiet.output()).not.toContain('Warning: listening');
  });

  it('says what to do when its port is taken', async () => {
    const first = await start(['--in-memory']);
    await expect(start(['--in-memory', '--port', String(first.port)])).rejects.toThrow(/EADDRINUSE.*choose another --port/);
  });

  it('stops with a clear message on a bad flag', async () => {
    await expect(spawnArchway(['--port', 'abc'])).rejects.toThrow(/--port must be 0-65535/);
  });

  it('keeps its data directory private and refuses a second process on it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'archway-lock-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await start(['--data-dir', dataDir]);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'archway.db')).mode & 0o777).toBe(0o600);

    await expect(start(['--data-dir', dataDir])).rejects.toThrow(
      new RegExp(`Another Archway \\(pid ${first.child.pid}\\) is using the data directory ${dataDir}`),
    );
    expect((await fetch(`${first.endpoint}/_archway/health`)).status).toBe(200);

    // A lock left by a process that was killed does not stand in the way.
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await start(['--data-dir', dataDir]);
    expect((await fetch(`${second.endpoint}/_archway/health`)).status).toBe(200);
  });
});
