// Header, query string and parameter names that are also Object.prototype members
// (`constructor`, `toString`, `hasOwnProperty`, `valueOf`, `__proto__`) are ordinary names to
// API Gateway: they must reach templates, mappings, backends and Lambda events like any other,
// never break a request nor vanish. Over real HTTP, through the whole Archway.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetResourcesCommand, PutIntegrationCommand,
  PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';
import { startBackend, type EchoBody, type TestBackend } from '../helpers/backend.js';

const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'] as const;

/** Reports, from inside the function, which names each event map holds as own properties. */
const ECHO = `export const handler = async (event) => {
  const names = ${JSON.stringify(NAMES)};
  const own = (map) => map === null ? null : Object.fromEntries(names.filter((n) => Object.hasOwn(map, n)).map((n) => [n, map[n]]));
  return { statusCode: 200, body: JSON.stringify({
    headers: own(event.headers), multiValueHeaders: own(event.multiValueHeaders),
    query: own(event.queryStringParameters), multiQuery: own(event.multiValueQueryStringParameters),
    pathParameters: event.pathParameters,
  }) };
};`;

/** Every name as a header (value `h-{name}`), flat for undici (an object literal would eat `__proto__`). */
const HEADERS = NAMES.flatMap((name) => [name, `h-${name}`]);
/** Every name in the query string (value `q-{name}`), `toString` twice. */
const QUERY = `${NAMES.map((name) => `${name}=q-${name}`).join('&')}&toString=again`;

let archway: TestArchway;
let backend: TestBackend;
let lambda: LambdaClient;
let gw: APIGatewayClient;
let apiId: string;
let rootId: string;

async function addResource(pathPart: string, parentId = rootId): Promise<string> {
  return (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId, pathPart }))).id!;
}

beforeAll(async () => {
  archway = await startArchway();
  backend = await startBackend();
  lambda = lambdaClient(archway);
  gw = archway.apigateway;
  const echoArn = await createFunction(lambda, 'reserved-echo', ECHO);
  apiId = (await gw.send(new CreateRestApiCommand({ name: 'reserved-names' }))).id!;
  rootId = (await gw.send(new GetResourcesCommand({ restApiId: apiId }))).items!.find((r) => r.path === '/')!.id!;

  // AWS_PROXY
  const lambdaId = await addResource('{constructor}', await addResource('lambda'));
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId: lambdaId, httpMethod: 'ANY', authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId: lambdaId, httpMethod: 'ANY', type: 'AWS_PROXY', integrationHttpMethod: 'POST',
    uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${echoArn}/invocations`,
  }));

  // MOCK: $input.params(name) for each name.
  const mockId = await addResource('mock');
  const requestParameters = { 'method.request.header.constructor': false, 'method.request.querystring.__proto__': false, 'method.request.querystring.toString': false };
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId: mockId, httpMethod: 'GET', authorizationType: 'NONE', requestParameters }));
  await gw.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId: mockId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' },
  }));
  await gw.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId: mockId, httpMethod: 'GET', statusCode: '200' }));
  const printed = NAMES.map((name) => `"${name}": "$input.params('${name}')"`).join(', ');
  await gw.send(new PutIntegrationResponseCommand({
    restApiId: apiId, resourceId: mockId, httpMethod: 'GET', statusCode: '200',
    responseTemplates: {
      'application/json': `{${printed}, "headerMap": "$input.params().header.get('constructor')", "stage": "$stageVariables.toString|$stageVariables.constructor"}`,
    },
  }));

  // HTTP_PROXY with mapped parameters from those names.
  const proxyId = await addResource('{proxy+}', await addResource('proxy'));
  const proxyParameters = {
    'method.request.header.constructor': false, 'method.request.header.__proto__': false,
    'method.request.querystring.valueOf': false, 'method.request.multivaluequerystring.toString': false, 'method.request.path.proxy': true,
  };
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId: proxyId, httpMethod: 'ANY', authorizationType: 'NONE', requestParameters: proxyParameters }));
  await gw.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId: proxyId, httpMethod: 'ANY', type: 'HTTP_PROXY', integrationHttpMethod: 'ANY', uri: `${backend.url}/{proxy}`,
    requestParameters: {
      'integration.request.path.proxy': 'method.request.path.proxy',
      'integration.request.header.x-ctor': 'method.request.header.constructor',
      'integration.request.header.x-proto': 'method.request.header.__proto__',
      'integration.request.header.x-value-of': 'method.request.querystring.valueOf',
      'integration.request.querystring.hasOwnProperty': 'method.request.multivaluequerystring.toString',
    },
  }));
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
});

afterAll(async () => {
  lambda?.destroy();
  await archway?.stop();
  await backend?.close();
});

async function call(path: string, headers: string[] = HEADERS) {
  const response = await request(archway.invokeUrl(apiId, 'dev', path), { method: 'GET', headers });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

describe('names that are Object.prototype members', () => {
  it('AWS_PROXY: the event holds them as own properties, __proto__ included', async () => {
    const { status, text } = await call(`/lambda/p-1?${QUERY}`);
    expect(status, text).toBe(200);
    const seen = JSON.parse(text) as Record<string, Record<string, unknown>>;
    expect(seen.headers).toEqual(Object.fromEntries(NAMES.map((name) => [name, `h-${name}`])));
    expect(seen.multiValueHeaders).toEqual(Object.fromEntries(NAMES.map((name) => [name, [`h-${name}`]])));
    expect(seen.query).toEqual(Object.fromEntries(NAMES.map((name) => [name, name === 'toString' ? 'again' : `q-${name}`])));
    expect(seen.multiQuery).toEqual(Object.fromEntries(NAMES.map((name) => [name, name === 'toString' ? ['q-toString', 'again'] : [`q-${name}`]])));
    expect(seen.pathParameters).toEqual({ constructor: 'p-1' });
  });

  it('MOCK: $input.params(name) finds them, absent ones are empty', async () => {
    const { status, text } = await call(`/mock?${QUERY}`);
    expect(status, text).toBe(200);
    const printed = JSON.parse(text) as Record<string, string>;
    // Query string before header (reference §2): every name was sent in both.
    for (const name of NAMES) expect(printed[name]).toBe(name === 'toString' ? 'again' : `q-${name}`);
    expect(printed.headerMap).toBe('h-constructor');
    // No stage variables: the members of Object.prototype are not variables.
    expect(printed.stage).toBe('|');

    const headerOnly = JSON.parse((await call('/mock')).text) as Record<string, string>;
    for (const name of NAMES) expect(headerOnly[name]).toBe(`h-${name}`);
    const none = await call('/mock', []);
    expect(none.status).toBe(200);
    for (const name of NAMES) expect((JSON.parse(none.text) as Record<string, string>)[name]).toBe('');
  });

  it('HTTP_PROXY: forwarded as sent and usable as mapping sources', async () => {
    const { status, text } = await call(`/proxy/echo?${QUERY}`);
    expect(status, text).toBe(200);
    const echo = JSON.parse(text) as EchoBody;
    // From rawHeaders: the backend helper's own `headers` map is a plain object.
    const received = (name: string) => echo.rawHeaders.filter((_, i) => i % 2 === 1 && echo.rawHeaders[i - 1].toLowerCase() === name.toLowerCase());
    for (const name of NAMES) expect(received(name)).toEqual([`h-${name}`]);
    expect(echo.headers['x-ctor']).toBe('h-constructor');
    expect(echo.headers['x-proto']).toBe('h-__proto__');
    expect(echo.headers['x-value-of']).toBe('q-valueOf');
    // A single-value target takes the last of a multi-value source.
    expect(echo.query).toBe(`${QUERY}&hasOwnProperty=again`);
  });

  it('HTTP_PROXY: a backend Content-Encoding named after a member is an unknown encoding, not a decoder', async () => {
    try {
      for (const encoding of ['constructor', 'toString']) {
        backend.respond = (request) => (request.path === '/encoded' ? { headers: { 'Content-Encoding': encoding, 'Content-Type': 'text/plain' }, body: 'plain' } : undefined);
        const { status, text } = await call('/proxy/encoded', []);
        expect(status, text).toBe(200);
        expect(text).toBe('plain');
      }
    } finally {
      backend.respond = undefined;
    }
  });
});
