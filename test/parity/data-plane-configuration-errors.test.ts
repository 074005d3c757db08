// An integration URI that only breaks at request time (an unset stage variable) is AWS's
// configuration error: 500 Internal server error, and the log names the cause.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import {
  CreateDeploymentCommand, CreateRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand,
  PutMethodResponseCommand, UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { startBackend, type TestBackend } from '../helpers/backend.js';

let archway: TestArchway;
let backend: TestBackend;
let apiId: string;

beforeAll(async () => {
  archway = await startArchway();
  backend = await startBackend();
  const gw = archway.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name: 'config-errors' }));
  apiId = api.id!;
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'HTTP', integrationHttpMethod: 'GET', uri: 'http://${stageVariables.backend}/hello',
  }));
  await gw.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId: api.rootResourceId, httpMethod: 'GET', statusCode: '200' }));
  await gw.send(new PutIntegrationResponseCommand({ restApiId: apiId, resourceId: api.rootResourceId, httpMethod: 'GET', statusCode: '200' }));
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
});

afterAll(async () => {
  await archway?.stop();
  await backend?.close();
});

describe('integration configuration errors', () => {
  it('answers 500 for an endpoint URI left invalid by an unset stage variable, and works once it is set', async () => {
    const broken = await request(archway.invokeUrl(apiId, 'dev', '/'));
    expect(broken.statusCode).toBe(500);
    expect(broken.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(await broken.body.text()).toBe('{"message": "Internal server error"}');

    const host = new URL(backend.url).host;
    await archway.apigateway.send(new UpdateStageCommand({ restApiId: apiId, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/variables/backend', value: host }] }));
    const fixed = await request(archway.invokeUrl(apiId, 'dev', '/'));
    expect(fixed.statusCode).toBe(200);
    await fixed.body.text();
  });
});
