// Whole scenarios with the AWS SDK: built through the control plane, deployed, called over HTTP
// on the same in-memory Archway. An HTTP integration with parameter mapping, templates and
// status selection; passthrough behaviours; a gzip HEAD through HTTP_PROXY; and gateway
// responses served exactly as GetGatewayResponse describes them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetGatewayResponseCommand, PutGatewayResponseCommand,
  PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand, type APIGatewayClient,
  type GatewayResponseType,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { refusedPort, startBackend, type EchoBody, type TestBackend } from '../helpers/backend.js';

let archway: TestArchway;
let backend: TestBackend;
let gw: APIGatewayClient;
let scenarios: string;
let responses: string;

async function resource(restApiId: string, parentId: string, pathPart: string): Promise<string> {
  return (await gw.send(new CreateResourceCommand({ restApiId, parentId, pathPart }))).id!;
}

/** A POST method with an HTTP integration that answers 200 with the endpoint's body. */
async function httpPost(restApiId: string, resourceId: string, uri: string, extra: Partial<ConstructorParameters<typeof PutIntegrationCommand>[0]>): Promise<void> {
  await gw.send(new PutMethodCommand({ restApiId, resourceId, httpMethod: 'POST', authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({ restApiId, resourceId, httpMethod: 'POST', type: 'HTTP', integrationHttpMethod: 'POST', uri, ...extra }));
  await gw.send(new PutMethodResponseCommand({ restApiId, resourceId, httpMethod: 'POST', statusCode: '200' }));
  await gw.send(new PutIntegrationResponseCommand({ restApiId, resourceId, httpMethod: 'POST', statusCode: '200' }));
}

beforeAll(async () => {
  archway = await startArchway();
  backend = await startBackend();
  gw = archway.apigateway;

  // ---- scenarios: HTTP with mappings, passthrough behaviours, HTTP_PROXY ----
  const api = await gw.send(new CreateRestApiCommand({ name: 'sdk-scenarios' }));
  scenarios = api.id!;
  const orders = await resource(scenarios, api.rootResourceId!, 'orders');
  const order = await resource(scenarios, orders, '{id}');
  await gw.send(new PutMethodCommand({
    restApiId: scenarios, resourceId: order, httpMethod: 'POST', authorizationType: 'NONE',
    requestParameters: { 'method.request.path.id': true, 'method.request.querystring.src': false, 'method.request.header.X-Tenant': false },
  }));
  await gw.send(new PutIntegrationCommand({
    restApiId: scenarios, resourceId: order, httpMethod: 'POST', type: 'HTTP', integrationHttpMethod: 'PUT',
    uri: `${backend.url}/backend/orders/{orderId}`,
    requestParameters: {
      'integration.request.path.orderId': 'method.request.path.id',
      'integration.request.querystring.source': 'method.request.querystring.src',
      'integration.request.header.X-Tenant-Id': 'method.request.header.X-Tenant',
      'integration.request.header.X-Stage': 'context.stage',
    },
    requestTemplates: { 'application/json': '{"order":"$input.params(\'id\')","qty":$input.json(\'$.qty\'),"stage":"$context.stage"}' },
  }));
  await gw.send(new PutMethodResponseCommand({
    restApiId: scenarios, resourceId: order, httpMethod: 'POST', statusCode: '200', responseParameters: { 'method.response.header.X-Backend': false },
  }));
  await gw.send(new PutMethodResponseCommand({ restApiId: scenarios, resourceId: order, httpMethod: 'POST', statusCode: '400' }));
  await gw.send(new PutIntegrationResponseCommand({
    restApiId: scenarios, resourceId: order, httpMethod: 'POST', statusCode: '200',
    responseParameters: { 'method.response.header.X-Backend': 'integration.response.header.X-Backend' },
    responseTemplates: { 'application/json': '{"accepted":true,"path":$input.json(\'$.path\'),"query":$input.json(\'$.query\'),"sent":$input.json(\'$.body\')}' },
  }));
  await gw.send(new PutIntegrationResponseCommand({
    restApiId: scenarios, resourceId: order, httpMethod: 'POST', statusCode: '400', selectionPattern: '4\\d{2}',
    responseTemplates: { 'application/json': '{"rejected":$input.json(\'$.reason\')}' },
  }));

  const template = { 'application/json': '{"wrapped":$input.body}' };
  await httpPost(scenarios, await resource(scenarios, api.rootResourceId!, 'when-no-templates'), `${backend.url}/wnt`, { passthroughBehavior: 'WHEN_NO_TEMPLATES', requestTemplates: template });
  await httpPost(scenarios, await resource(scenarios, api.rootResourceId!, 'when-no-templates-none'), `${backend.url}/wnt-none`, { passthroughBehavior: 'WHEN_NO_TEMPLATES' });
  await httpPost(scenarios, await resource(scenarios, api.rootResourceId!, 'never'), `${backend.url}/never`, { passthroughBehavior: 'NEVER', requestTemplates: template });

  const proxy = await resource(scenarios, api.rootResourceId!, '{proxy+}');
  await gw.send(new PutMethodCommand({ restApiId: scenarios, resourceId: proxy, httpMethod: 'ANY', authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({
    restApiId: scenarios, resourceId: proxy, httpMethod: 'ANY', type: 'HTTP_PROXY', integrationHttpMethod: 'ANY', uri: `${backend.url}/{proxy}`,
  }));
  await gw.send(new CreateDeploymentCommand({ restApiId: scenarios, stageName: 'dev' }));

  // ---- responses: customised gateway responses ----
  const second = await gw.send(new CreateRestApiCommand({ name: 'sdk-gateway-responses' }));
  responses = second.id!;
  const strict = await resource(responses, second.rootResourceId!, 'strict');
  await httpPost(responses, strict, `${backend.url}/strict`, { passthroughBehavior: 'NEVER' });
  const dead = await resource(responses, second.rootResourceId!, 'dead');
  await httpPost(responses, dead, `http://127.0.0.1:${await refusedPort()}/`, {});
  await gw.send(new PutGatewayResponseCommand({
    restApiId: responses, responseType: 'DEFAULT_4XX', statusCode: '418',
    responseParameters: { 'gatewayresponse.header.X-Family': "'4xx'" },
    responseTemplates: { 'application/json': '{"family":$context.error.messageString}' },
  }));
  // Its own customisation, status only: nothing of DEFAULT_4XX applies to it any more.
  await gw.send(new PutGatewayResponseCommand({ restApiId: responses, responseType: 'MISSING_AUTHENTICATION_TOKEN', statusCode: '404' }));
  await gw.send(new PutGatewayResponseCommand({
    restApiId: responses, responseType: 'DEFAULT_5XX', responseParameters: { 'gatewayresponse.header.X-Family': "'5xx'" },
  }));
  await gw.send(new CreateDeploymentCommand({ restApiId: responses, stageName: 'dev' }));
});

afterAll(async () => {
  await archway?.stop();
  await backend?.close();
});

async function call(apiId: string, path: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(archway.invokeUrl(apiId, 'dev', path), options);
  return { status: response.statusCode, headers: response.headers as Record<string, string | undefined>, body: await response.body.text() };
}
const lastRequest = (): EchoBody => backend.requests[backend.requests.length - 1];
const json = { 'content-type': 'application/json' };

describe('an HTTP integration built with the SDK', () => {
  it('maps path, query, headers and context, renders both templates and selects 200', async () => {
    const { status, headers, body } = await call(scenarios, '/orders/42?src=web', {
      method: 'POST', headers: { ...json, 'X-Tenant': 't-1' }, body: '{"qty":3}',
    });
    expect(status).toBe(200);
    const sent = lastRequest();
    expect(sent).toMatchObject({ method: 'PUT', path: '/backend/orders/42', query: 'source=web' });
    expect(sent.headers['x-tenant-id']).toBe('t-1');
    expect(sent.headers['x-stage']).toBe('dev');
    expect(JSON.parse(sent.body)).toEqual({ order: '42', qty: 3, stage: 'dev' });
    expect(headers['x-backend']).toBe('echo');
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(body)).toEqual({ accepted: true, path: '/backend/orders/42', query: 'source=web', sent: sent.body });
  });

  it('selects the 400 response by the endpoint status pattern', async () => {
    backend.respond = (req) => (req.path === '/backend/orders/0' ? { status: 422, body: '{"reason":"no such order"}' } : undefined);
    const { status, body } = await call(scenarios, '/orders/0', { method: 'POST', headers: json, body: '{"qty":1}' });
    backend.respond = undefined;
    expect(status).toBe(400);
    expect(body).toBe('{"rejected":"no such order"}');
  });
});

describe('passthrough behaviours built with the SDK', () => {
  const unsupported = '{"message":"Unsupported Media Type"}';

  it('WHEN_NO_TEMPLATES with a template: a matching type is templated, another is refused with 415', async () => {
    expect((await call(scenarios, '/when-no-templates', { method: 'POST', headers: json, body: '{"a":1}' })).status).toBe(200);
    expect(JSON.parse(lastRequest().body)).toEqual({ wrapped: { a: 1 } });
    const refused = await call(scenarios, '/when-no-templates', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(refused.status).toBe(415);
    expect(refused.body).toBe(unsupported);
    expect(refused.headers['content-type']).toBe('application/json');
  });

  it('WHEN_NO_TEMPLATES without templates passes any body through', async () => {
    expect((await call(scenarios, '/when-no-templates-none', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'as is' })).status).toBe(200);
    expect(lastRequest()).toMatchObject({ path: '/wnt-none', body: 'as is' });
  });

  it('NEVER: a type without a template is refused with 415, before the endpoint is called', async () => {
    const before = backend.requests.length;
    const refused = await call(scenarios, '/never', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    expect(refused.status).toBe(415);
    expect(refused.body).toBe(unsupported);
    expect(backend.requests.length).toBe(before);
    expect((await call(scenarios, '/never', { method: 'POST', headers: json, body: '{"b":2}' })).status).toBe(200);
    expect(JSON.parse(lastRequest().body)).toEqual({ wrapped: { b: 2 } });
  });
});

describe('HTTP_PROXY built with the SDK', () => {
  it('answers HEAD from a gzip backend and keeps the connection', async () => {
    const head = await call(scenarios, '/__gzip', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBeUndefined();
    expect(lastRequest().method).toBe('HEAD');
    const get = await call(scenarios, '/__gzip');
    expect(get.body).toBe('{"compressed":true}');
  });
});

describe('gateway responses are served as GetGatewayResponse shows them', () => {
  async function described(responseType: GatewayResponseType) {
    return gw.send(new GetGatewayResponseCommand({ restApiId: responses, responseType }));
  }

  it("a type's own customisation is the whole response: nothing comes from DEFAULT_4XX", async () => {
    const shown = await described('MISSING_AUTHENTICATION_TOKEN');
    expect(shown).toMatchObject({ statusCode: '404', defaultResponse: false, responseParameters: {} });
    const served = await call(responses, '/nowhere');
    expect(served.status).toBe(Number(shown.statusCode));
    expect(served.headers['x-family']).toBeUndefined();
    expect(served.body).toBe('{"message":"Missing Authentication Token"}');
  });

  it('a type still default takes the customised DEFAULT_4XX: status, headers and template', async () => {
    const shown = await described('UNSUPPORTED_MEDIA_TYPE');
    expect(shown).toMatchObject({ statusCode: '418', defaultResponse: true, responseParameters: { 'gatewayresponse.header.X-Family': "'4xx'" } });
    const served = await call(responses, '/strict', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(served.status).toBe(418);
    expect(served.headers['x-family']).toBe('4xx');
    expect(served.body).toBe('{"family":"Unsupported Media Type"}');
  });

  it('DEFAULT_5XX without a status keeps each type its own status', async () => {
    const shown = await described('INTEGRATION_FAILURE');
    expect(shown).toMatchObject({ statusCode: '504', defaultResponse: true, responseParameters: { 'gatewayresponse.header.X-Family': "'5xx'" } });
    const served = await call(responses, '/dead', { method: 'POST', headers: json, body: '{}' });
    expect(served.status).toBe(504);
    expect(served.headers['x-family']).toBe('5xx');
    expect(served.body).toBe('{"message": "Internal server error"}');
  });
});
