// Account and API size quotas, each an option with its default: REST APIs in all
// (--max-rest-apis, AWS's 600) and the bytes of one API's definition
// (--max-api-definition-bytes), refused with AWS's error shapes and nothing written.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  CreateRestApiCommand, DeleteRestApiCommand, GetIntegrationCommand, GetRestApisCommand, ImportRestApiCommand, PutIntegrationCommand, PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { expectError } from '../helpers/aws-errors.js';
import { DEFAULT_OPTIONS } from '../../src/options/options.js';

let archway: TestArchway;

beforeAll(async () => {
  archway = await startArchway({ limits: { ...DEFAULT_OPTIONS.limits, maxRestApis: 2, maxApiDefinitionBytes: 40_000 } });
});

afterAll(async () => {
  await archway?.stop();
});

describe('quotas', () => {
  it('refuses a REST API past --max-rest-apis, through CreateRestApi and ImportRestApi', async () => {
    const gw = archway.apigateway;
    const first = await gw.send(new CreateRestApiCommand({ name: 'one' }));
    await gw.send(new CreateRestApiCommand({ name: 'two' }));
    await expectError(gw.send(new CreateRestApiCommand({ name: 'three' })), 'LimitExceededException',
      'Exceeded the maximum number of REST APIs (2) for this account', 429);
    const document = JSON.stringify({ openapi: '3.0.1', info: { title: 'three', version: '1' }, paths: {} });
    await expectError(gw.send(new ImportRestApiCommand({ body: Buffer.from(document) })), 'LimitExceededException',
      'Exceeded the maximum number of REST APIs (2) for this account', 429);
    expect((await gw.send(new GetRestApisCommand({}))).items?.map((api) => api.name).sort()).toEqual(['one', 'two']);
    // Room again once one is deleted.
    await gw.send(new DeleteRestApiCommand({ restApiId: first.id }));
    await gw.send(new CreateRestApiCommand({ name: 'three' }));
  });

  it('refuses a write that would make one API larger than --max-api-definition-bytes, writing nothing', async () => {
    const gw = archway.apigateway;
    for (const api of (await gw.send(new GetRestApisCommand({}))).items ?? []) await gw.send(new DeleteRestApiCommand({ restApiId: api.id }));
    const api = await gw.send(new CreateRestApiCommand({ name: 'big' }));
    const template = `{"x": "${'a'.repeat(30_000)}"}`;
    await gw.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await gw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': template } }));
    await gw.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'POST', authorizationType: 'NONE' }));
    await expectError(
      gw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'POST', type: 'MOCK', requestTemplates: { 'application/json': template } })),
      'BadRequestException', /^The REST API definition would be \d+ bytes, over the 40000-byte limit$/, 400,
    );
    // Nothing was written: the method has no integration.
    await expectError(gw.send(new GetIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'POST' })), 'NotFoundException', 'Invalid Integration identifier specified', 404);
  });
});
