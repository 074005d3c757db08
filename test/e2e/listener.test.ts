// The shared listener as a caller meets it: the three invoke URL forms, /_archway/*, limits
// on headers and control-plane bodies, garbage on the socket, disableExecuteApiEndpoint,
// upgrade requests (426 until WebSocket APIs exist) and HTTPS when given a certificate.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand, UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';

let archway: TestArchway;
let apiId: string;

beforeAll(async () => {
  archway = await startArchway();
  const gw = archway.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name: 'listener', tags: { _custom_id_: 'listener01' } }));
  apiId = api.id!;
  const pets = await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId, pathPart: 'pets' }));
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId: pets.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({ restApiId: apiId, resourceId: pets.id, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await gw.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId: pets.id, httpMethod: 'GET', statusCode: '200' }));
  await gw.send(new PutIntegrationResponseCommand({
    restApiId: apiId, resourceId: pets.id, httpMethod: 'GET', statusCode: '200',
    responseTemplates: { 'application/json': '{"path": "$context.path", "resourcePath": "$context.resourcePath"}' },
  }));
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
});

afterAll(async () => {
  await archway?.stop();
});

/** A raw HTTP/1.1 request over 127.0.0.1 with any Host header (fetch cannot set Host). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: archway.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('invoke URL forms', () => {
  it('serves /_aws/execute-api/{apiId}/{stage}/…', async () => {
    const res = await rawGet(`/_aws/execute-api/${apiId}/dev/pets`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ path: '/dev/pets', resourcePath: '/pets' });
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-amz-apigw-id']).toMatch(/^.{15}=$/);
  });

  it('serves /restapis/{apiId}/{stage}/_user_request_/…', async () => {
    const res = await rawGet(`/restapis/${apiId}/dev/_user_request_/pets`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ resourcePath: '/pets' });
  });

  it('serves a Host beginning {apiId}.execute-api.', async () => {
    const res = await rawGet('/dev/pets', { host: `${apiId}.execute-api.localhost:${archway.port}` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ path: '/dev/pets' });
  });

  it('answers unknown APIs, unknown stages and unmatched paths as AWS does', async () => {
    const unknownApi = await rawGet('/_aws/execute-api/nosuchapi1/dev/pets');
    expect([unknownApi.status, unknownApi.body]).toEqual([404, `{"message":"The API id 'nosuchapi1' does not correspond to a deployed API Gateway API"}`]);
    const unknownStage = await rawGet(`/_aws/execute-api/${apiId}/prod/pets`);
    expect([unknownStage.status, unknownStage.body]).toEqual([403, '{"message":"Forbidden"}']);
    const noRoute = await rawGet(`/_aws/execute-api/${apiId}/dev/cats`);
    expect([noRoute.status, noRoute.body, noRoute.headers['x-amzn-errortype']]).toEqual([403, '{"message":"Missing Authentication Token"}', 'MissingAuthenticationTokenException']);
  });
});

describe('/_archway endpoints', () => {
  it('answers health with version and uptime, and 404 for anything else', async () => {
    const health = await rawGet('/_archway/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', version: '0.1.0' });
    expect((await rawGet('/_archway/nope')).status).toBe(404);
  });
});

describe('limits and malformed input', () => {
  it('refuses oversized headers with 431 and keeps serving', async () => {
    const res = await rawGet(`/_aws/execute-api/${apiId}/dev/pets`, { 'x-big': 'a'.repeat(12_000) });
    expect(res.status).toBe(431);
    expect((await rawGet(`/_aws/execute-api/${apiId}/dev/pets`)).status).toBe(200);
  });

  it('answers garbage on the socket with 400 and keeps serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(archway.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect((await rawGet(`/_aws/execute-api/${apiId}/dev/pets`)).status).toBe(200);
  });

  it('refuses a control-plane body over the limit with 413', async () => {
    const res = await fetch(`${archway.endpoint}/restapis`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a') });
    expect(res.status).toBe(413);
    expect((await rawGet('/_archway/health')).status).toBe(200);
  });
});

describe('disableExecuteApiEndpoint', () => {
  it('turns the default endpoint off once redeployed', async () => {
    const gw = archway.apigateway;
    const api = await gw.send(new CreateRestApiCommand({ name: 'private' }));
    await gw.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await gw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await gw.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', statusCode: '200' }));
    await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
    expect((await rawGet(`/_aws/execute-api/${api.id}/dev/`)).status).toBe(200);

    await gw.send(new UpdateRestApiCommand({ restApiId: api.id, patchOperations: [{ op: 'replace', path: '/disableExecuteApiEndpoint', value: 'true' }] }));
    expect((await rawGet(`/_aws/execute-api/${api.id}/dev/`)).status).toBe(200); // not until redeployed
    await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
    const off = await rawGet(`/_aws/execute-api/${api.id}/dev/`);
    expect([off.status, off.body]).toEqual([403, '{"message":"Forbidden"}']);
  });
});

describe('upgrade requests', () => {
  it('answers a WebSocket upgrade 426 Upgrade Required, closes that connection, and keeps serving', async () => {
    const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1', port: archway.port, path: `/_aws/execute-api/${apiId}/dev/pets`,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 426, connection: 'close', body: '{"message":"Upgrade Required"}' });
    expect((await rawGet(`/_aws/execute-api/${apiId}/dev/pets`)).status).toBe(200);
  });
});

describe('HTTPS', () => {
  it('serves the control plane and the data plane over TLS when given a certificate', async () => {
    const cert = readFileSync(new URL('../fixtures/tls/cert.pem', import.meta.url));
    const key = readFileSync(new URL('../fixtures/tls/key.pem', import.meta.url));
    const secure = await startArchway({}, { tls: { cert, key } });
    try {
      expect(secure.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const get = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: secure.port, path, ca: cert }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect((await get('/_archway/health')).status).toBe(200);
      expect(await get('/_aws/execute-api/nosuchapi1/dev/pets')).toEqual({
        status: 404, body: '{"message":"The API id \'nosuchapi1\' does not correspond to a deployed API Gateway API"}',
      });
    } finally {
      await secure.stop();
    }
  });
});
