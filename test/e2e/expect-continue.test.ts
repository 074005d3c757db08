// `Expect: 100-continue` on the shared listener, over a raw socket: a declared body over the
// plane's limit is refused with its 413 before the client uploads a byte; a body within it gets
// `100 Continue` and the usual answer.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect, type Socket } from 'node:net';
import {
  CreateDeploymentCommand, CreateRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand,
  PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';

const LIMIT = 10 * 1024 * 1024;
let archway: TestArchway;
let apiId: string;

beforeAll(async () => {
  archway = await startArchway();
  const gw = archway.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name: 'expect-continue' }));
  apiId = api.id!;
  const root = api.rootResourceId!;
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId: root, httpMethod: 'POST', authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({ restApiId: apiId, resourceId: root, httpMethod: 'POST', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await gw.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId: root, httpMethod: 'POST', statusCode: '200' }));
  await gw.send(new PutIntegrationResponseCommand({ restApiId: apiId, resourceId: root, httpMethod: 'POST', statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } }));
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
});

afterAll(async () => {
  await archway?.stop();
});

interface RawConnection {
  socket: Socket;
  text(): string;
  /** Resolves when the received text matches, rejects after `ms`. */
  until(pattern: RegExp, ms?: number): Promise<void>;
  ended: Promise<void>;
}

async function open(head: string): Promise<RawConnection> {
  const socket = connect(archway.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let received = '';
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    for (const check of waiters) check();
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  return {
    socket,
    text: () => received,
    ended,
    until: (pattern, ms = 2000) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(received)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${pattern} in ${JSON.stringify(received)}`));
      }, ms);
      waiters.add(check);
      check();
    }),
  };
}

const headOf = (path: string, length: number) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;

describe('Expect: 100-continue', () => {
  it('data plane: a declared body over 10 MB gets the 413 at once, never 100 Continue', async () => {
    const raw = await open(headOf(`/_aws/execute-api/${apiId}/dev/`, LIMIT + 1));
    await raw.until(/HTTP content length exceeded 10485760 bytes\.$/);
    await raw.ended;
    const text = raw.text();
    expect(text.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(text).not.toContain('100 Continue');
    expect(text).toMatch(/\r\nContent-Type: text; charset=utf-8\r\n/i);
    expect(text).toMatch(/\r\nx-amzn-RequestId: [0-9a-f-]{36}\r\n/i);
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
  });

  it('data plane: a body within the limit gets 100 Continue, then the answer', async () => {
    const body = '{"n":7}';
    const raw = await open(headOf(`/_aws/execute-api/${apiId}/dev/`, body.length));
    await raw.until(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    raw.socket.write(body);
    await raw.until(/\{"ok":true\}$/);
    expect(raw.text()).toMatch(/HTTP\/1\.1 200 OK\r\n/);
    raw.socket.destroy();
  });

  it('control plane: a declared body over its limit gets its 413 at once', async () => {
    const raw = await open(headOf('/restapis', LIMIT + 1));
    await raw.until(/\{"message":"Request Entity Too Large"\}/);
    await raw.ended;
    expect(raw.text().startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(raw.text()).not.toContain('100 Continue');
  });
});
