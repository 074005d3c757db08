// What hostile or broken clients get from the listener: request lines and headers a gateway
// refuses (505, 400), headers and bodies that stall (408), more body bytes in flight than the
// budget (503), unauthenticated uploads refused before their body is read, and an abandoned
// upload logged as one line. Raw sockets over loopback; every wait is bounded.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect, type Socket } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  CreateDeploymentCommand, CreateRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { spawnArchway } from '../helpers/archway-process.js';
import { NodeSha256 } from '../../src/aws/sigv4.js';
import { probeHealthWhile } from './health-during.js';
import { DEFAULT_OPTIONS } from '../../src/options/options.js';

let archway: TestArchway;
let port: number;

beforeAll(async () => {
  archway = await startArchway({
    limits: { ...DEFAULT_OPTIONS.limits, headersTimeoutMs: 1000, requestTimeoutMs: 5000, bodyIdleTimeoutMs: 300, maxBufferedBodyBytes: 1000 },
  });
  port = archway.port;
  const gw = archway.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name: 'hostile', tags: { _custom_id_: 'hostileapi' } }));
  await gw.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'POST', authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'POST', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await gw.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'POST', statusCode: '200' }));
  await gw.send(new PutIntegrationResponseCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'POST', statusCode: '200' }));
  await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
});

afterAll(async () => {
  await archway?.stop();
});

interface RawAnswer {
  status: number;
  text: string;
  /** The server closed the connection after answering. */
  closed: boolean;
}

/** Writes `head` (and later parts, if any) on a fresh connection and reads the first answer. */
function raw(head: string, then?: (socket: Socket) => void, timeoutMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms; got ${JSON.stringify(text)}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text, closed: true });
    });
    socket.write(head);
    then?.(socket);
  });
}

const bodyOf = (answer: RawAnswer) => answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4);

describe('request lines and headers', () => {
  it('answers HTTP/2.0 on a plain connection 505', async () => {
    const answer = await raw('GET /_archway/health HTTP/2.0\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(505);
    expect(JSON.parse(bodyOf(answer))).toEqual({ message: 'HTTP Version Not Supported' });
  });

  it('answers an HTTP/1.1 request without Host 400 in JSON', async () => {
    const answer = await raw('GET /_archway/health HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(bodyOf(answer))).toEqual({ message: 'Bad Request' });
  });

  it('answers two Host headers 400', async () => {
    const answer = await raw('GET /_archway/health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(bodyOf(answer))).toEqual({ message: 'Bad Request' });
  });

  it('answers headers that never finish 408 and hangs up', async () => {
    const answer = await raw('GET /_archway/health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(answer.status).toBe(408);
    expect(JSON.parse(bodyOf(answer))).toEqual({ message: 'Request Timeout' });
  });
});

describe('request bodies', () => {
  it('answers a body that stalls 408 and closes the connection (data plane), health answering meanwhile', async () => {
    const stalled = raw(`POST /_aws/execute-api/hostileapi/dev/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`);
    const { result: answer, healthAnswers } = await probeHealthWhile(archway.endpoint, stalled);
    expect(healthAnswers).toBeGreaterThan(0);
    expect(answer.status).toBe(408);
    expect(answer.text).toMatch(/connection: close/i);
    expect(JSON.parse(bodyOf(answer))).toEqual({ message: 'Request Timeout' });
  });

  it('answers 503 past the buffered-bytes budget, and takes bodies again once it is free', async () => {
    // 800 declared bytes held by a stalled upload; another 500 would pass the 1000-byte budget.
    const stalled = raw(`POST /_aws/execute-api/hostileapi/dev/ HTTP/1.1\r\nHost: x\r\nContent-Length: 800\r\n\r\nxx`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await raw(`POST /_aws/execute-api/hostileapi/dev/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 500\r\n\r\n${'y'.repeat(500)}`);
    expect(refused.status).toBe(503);
    expect(JSON.parse(bodyOf(refused))).toEqual({ message: 'Service Unavailable' });
    expect((await stalled).status).toBe(408);
    const accepted = await raw(`POST /_aws/execute-api/hostileapi/dev/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n${'y'.repeat(500)}`);
    expect(accepted.status).toBe(200);
  });
});

describe('dot segments in a path', () => {
  it('are refused 400 before routing, however they are written', async () => {
    for (const path of ['/files/../admin', '/files/%2e%2e/admin', '/files/..%2f..%2fadmin', '/files/%2E%2E%5Cadmin', '/./admin']) {
      const answer = await raw(`GET /_aws/execute-api/hostileapi/dev${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(bodyOf(answer))).toEqual({ message: 'Bad Request' });
    }
    // Dots inside names are not segments: routed as usual (no such method here: 403).
    const dotted = await raw('GET /_aws/execute-api/hostileapi/dev/files/v1.2/a..b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(dotted.status).toBe(403);
  });
});

describe('unauthenticated control-plane uploads', () => {
  it('are refused from their headers, before the body is sent', async () => {
    // Only the headers are written: the answer cannot wait for a body that never comes.
    const unsigned = await raw('POST /2015-03-31/functions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n');
    expect(unsigned.status).toBe(403);
    expect(bodyOf(unsigned)).toContain('Missing Authentication Token');

    // Signed like the AWS SDKs sign (a declared body hash), with the wrong secret.
    const signer = new SignatureV4({ credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' }, region: 'us-east-1', service: 'lambda', sha256: NodeSha256 });
    const signed = await signer.sign({
      method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/2015-03-31/functions',
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': '5000000', 'x-amz-content-sha256': 'a'.repeat(64) },
    });
    const head = Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`).join('\r\n');
    const wrongSecret = await raw(`POST /2015-03-31/functions HTTP/1.1\r\n${head}\r\n\r\n`);
    expect(wrongSecret.status).toBe(403);
    expect(bodyOf(wrongSecret)).toContain('The request signature we calculated does not match');
  });
});

describe('an upload the client abandons', () => {
  it('is logged as one warning line, without a stack trace', async () => {
    const process = await spawnArchway(['--in-memory', '--log-level', 'warn']);
    try {
      // Signed as botocore signs (no declared body hash), so the body must be read to verify it.
      const signer = new SignatureV4({ credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, region: 'us-east-1', service: 'lambda', sha256: NodeSha256, applyChecksum: false });
      const signed = await signer.sign({
        method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: process.port, path: '/2015-03-31/functions',
        headers: { host: `127.0.0.1:${process.port}`, 'content-type': 'application/json', 'content-length': '1000' },
        body: 'x'.repeat(1000),
      });
      const head = Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`).join('\r\n');
      const socket = connect(process.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(`POST /2015-03-31/functions HTTP/1.1\r\n${head}\r\n\r\n${'x'.repeat(10)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      for (let i = 0; i < 100 && !process.output().includes('before sending its body'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      const lines = process.output().split('\n').filter((line) => line.includes('before sending its body'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('"level":40');
      expect(lines[0]).not.toContain('stack');
    } finally {
      process.child.kill('SIGKILL');
      await process.exited;
    }
  });
});
