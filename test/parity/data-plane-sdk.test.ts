// End to end with the AWS SDK: APIs created through the control plane, deployed, invoked on the
// data plane of the same in-memory Archway (test/helpers/archway.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetResourcesCommand, PutGatewayResponseCommand,
  PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand, TestInvokeMethodCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { startBackend, type TestBackend, type EchoBody } from '../helpers/backend.js';

let archway: TestArchway;
let backend: TestBackend;
let apiId: string;
let petsId: string;

beforeAll(async () => {
  archway = await startArchway();
  backend = await startBackend();
  const gw = archway.apigateway;
  apiId = (await gw.send(new CreateRestApiCommand({ name: 'sdk-data-plane' }))).id!;
  const rootId = (await gw.send(new GetResourcesCommand({ restApiId: apiId }))).items!.find((r) => r.path === '/')!.id!;

  petsId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'pets' }))).id!;
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'GET', authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId: petsId, httpMethod: 'GET', type: 'MOCK',
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
  }));
  await gw.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId: petsId, httpMethod: 'GET', statusCode: '200' }));
  await gw.send(new PutIntegrationResponseCommand({
    restApiId: apiId, resourceId: petsId, httpMethod: 'GET', statusCode: '200',
    responseTemplates: { 'application/json': '[{"id":1,"stage":"$context.stage","v":"$stageVariables.v"}]' },
  }));

  const proxyId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: '{proxy+}' }))).id!;
  await gw.send(new PutMethodCommand({
    restApiId: apiId, resourceId: proxyId, httpMethod: 'ANY', authorizationType: 'NONE', requestParameters: { 'method.request.path.proxy': true },
  }));
  await gw.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId: proxyId, httpMethod: 'ANY', type: 'HTTP_PROXY', integrationHttpMethod: 'ANY',
    uri: `${backend.url}/{proxy}`, requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
  }));
  await gw.send(new PutGatewayResponseCommand({
    restApiId: apiId, responseType: 'DEFAULT_4XX', responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
  }));
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev', variables: { v: 'one' } }));
});

afterAll(async () => {
  await archway?.stop();
  await backend?.close();
});

async function get(path: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(archway.invokeUrl(apiId, 'dev', path), options);
  return { status: response.statusCode, headers: response.headers as Record<string, string | undefined>, body: await response.body.text() };
}

describe('data plane behind the control plane (AWS SDK)', () => {
  it('serves a MOCK method created with the SDK', async () => {
    const { status, headers, body } = await get('/pets');
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual([{ id: 1, stage: 'dev', v: 'one' }]);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-amzn-requestid']).toBeDefined();
  });

  it('proxies /{proxy+} to the backend', async () => {
    const { status, body } = await get('/a/b?x=1', { method: 'POST', body: 'payload' });
    expect(status).toBe(200);
    const echo = JSON.parse(body) as EchoBody;
    expect(echo).toMatchObject({ method: 'POST', path: '/a/b', query: 'x=1', body: 'payload' });
    expect(echo.headers['x-amzn-apigateway-api-id']).toBe(apiId);
  });

  it('answers 403 Missing Authentication Token with the customised DEFAULT_4XX headers', async () => {
    const { status, headers, body } = await get('/', { method: 'GET' });
    expect(status).toBe(403);
    expect(body).toBe('{"message":"Missing Authentication Token"}');
    expect(headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(headers['access-control-allow-origin']).toBe('*');
  });

  it('follows a stage-variable update', async () => {
    await archway.apigateway.send(new UpdateStageCommand({
      restApiId: apiId, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/variables/v', value: 'two' }],
    }));
    let body = '';
    for (let i = 0; i < 50; i++) {
      body = (await get('/pets')).body;
      if (body.includes('"two"')) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(JSON.parse(body)).toEqual([{ id: 1, stage: 'dev', v: 'two' }]);
  });

  it('runs TestInvokeMethod through the same stages', async () => {
    const result = await archway.apigateway.send(new TestInvokeMethodCommand({
      restApiId: apiId, resourceId: petsId, httpMethod: 'GET', pathWithQueryString: '/pets', stageVariables: { v: 'ti' },
    }));
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body!)).toEqual([{ id: 1, stage: 'test-invoke-stage', v: 'ti' }]);
    expect(result.log).toContain('Method completed with status: 200');
  });

  it('answers 404 for an unknown API and 403 for an unknown stage', async () => {
    const unknownApi = await request(archway.invokeUrl('zzzzzzzzzz', 'dev', '/pets'));
    expect(unknownApi.statusCode).toBe(404);
    expect(await unknownApi.body.text()).toBe(`{"message":"The API id 'zzzzzzzzzz' does not correspond to a deployed API Gateway API"}`);
    const unknownStage = await request(archway.invokeUrl(apiId, 'nope', '/pets'));
    expect(unknownStage.statusCode).toBe(403);
    expect(await unknownStage.body.text()).toBe('{"message":"Forbidden"}');
  });
});
