// OpenAPI import, end to end: the pet store document (OpenAPI 3.0, YAML) imported with the AWS
// SDK, read back with the SDK as AWS shapes it (recorded import snapshots), deployed and called
// over HTTP (MOCK and HTTP integrations), then exported and re-imported.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateDeploymentCommand, GetExportCommand, GetIntegrationCommand, GetMethodCommand, GetModelCommand, GetModelsCommand,
  GetResourcesCommand, ImportRestApiCommand, type Resource,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { startBackend, type TestBackend, type EchoBody } from '../helpers/backend.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/openapi/${name}`, import.meta.url));

let archway: TestArchway;
let backend: TestBackend;
let apiId: string;
let resources: Resource[];

beforeAll(async () => {
  archway = await startArchway();
  backend = await startBackend();
  const api = await archway.apigateway.send(new ImportRestApiCommand({ body: fixture('petstore.yaml'), failOnWarnings: true }));
  apiId = api.id!;
  resources = (await archway.apigateway.send(new GetResourcesCommand({ restApiId: apiId }))).items ?? [];
  await archway.apigateway.send(new CreateDeploymentCommand({
    restApiId: apiId, stageName: 'v1', variables: { backend: `127.0.0.1:${backend.port}` },
  }));
});
afterAll(async () => {
  await archway?.stop();
  await backend?.close();
});

const resourceId = (path: string) => resources.find((r) => r.path === path)?.id as string;

describe('ImportRestApi with the pet store', () => {
  it('creates the API from info, the resource tree and one method per operation', async () => {
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(resources.map((r) => [r.path, Object.keys(r.resourceMethods ?? {}).sort()]).sort()).toEqual([
      ['/', ['GET']],
      ['/pets', ['GET', 'OPTIONS', 'POST']],
      ['/pets/{petId}', ['GET']],
    ]);
  });

  it('stores the document schemas as models, with references as AWS model URLs and no default models', async () => {
    const models = await archway.apigateway.send(new GetModelsCommand({ restApiId: apiId }));
    expect(models.items?.map((m) => m.name)).toEqual(['Empty', 'Error', 'NewPet', 'NewPetResponse', 'Pet', 'PetType', 'Pets']);
    const pets = await archway.apigateway.send(new GetModelCommand({ restApiId: apiId, modelName: 'Pets' }));
    expect(pets.contentType).toBe('application/json');
    expect(JSON.parse(pets.schema!)).toEqual({ type: 'array', items: { $ref: `https://apigateway.amazonaws.com/restapis/${apiId}/models/Pet` } });
  });

  it('turns parameters, request bodies and responses into the method request and method responses', async () => {
    const list = await archway.apigateway.send(new GetMethodCommand({ restApiId: apiId, resourceId: resourceId('/pets'), httpMethod: 'GET' }));
    expect(list).toMatchObject({
      httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: false, operationName: 'ListPets',
      requestParameters: { 'method.request.querystring.type': false, 'method.request.querystring.page': false },
      methodResponses: {
        '200': {
          statusCode: '200',
          responseParameters: { 'method.response.header.Access-Control-Allow-Origin': false },
          responseModels: { 'application/json': 'Pets' },
        },
      },
    });
    const create = await archway.apigateway.send(new GetMethodCommand({ restApiId: apiId, resourceId: resourceId('/pets'), httpMethod: 'POST' }));
    expect(create.requestModels).toEqual({ 'application/json': 'NewPet' });
    expect(Object.keys(create.methodResponses ?? {})).toEqual(['200', '400']);
    const one = await archway.apigateway.send(new GetMethodCommand({ restApiId: apiId, resourceId: resourceId('/pets/{petId}'), httpMethod: 'GET' }));
    expect(one.requestParameters).toEqual({ 'method.request.path.petId': true });
  });

  it('reads x-amazon-apigateway-integration into the integration and its responses', async () => {
    const integration = await archway.apigateway.send(new GetIntegrationCommand({ restApiId: apiId, resourceId: resourceId('/pets'), httpMethod: 'POST' }));
    expect(integration).toMatchObject({
      type: 'HTTP', httpMethod: 'POST', uri: 'http://${stageVariables.backend}/petstore/pets', connectionType: 'INTERNET',
      passthroughBehavior: 'NEVER', timeoutInMillis: 10000, cacheNamespace: resourceId('/pets'), cacheKeyParameters: [],
      integrationResponses: {
        '400': { statusCode: '400', selectionPattern: '4\\d{2}', responseTemplates: { 'application/json': '{"message": "the backend refused the pet"}' } },
        '200': { statusCode: '200' },
      },
    });
    const mock = await archway.apigateway.send(new GetIntegrationCommand({ restApiId: apiId, resourceId: resourceId('/'), httpMethod: 'GET' }));
    expect(mock).toMatchObject({ type: 'MOCK', passthroughBehavior: 'WHEN_NO_MATCH', timeoutInMillis: 29000, requestTemplates: { 'application/json': '{"statusCode": 200}' } });
    expect(mock.connectionType).toBeUndefined();
  });
});

describe('the deployed pet store', () => {
  const call = (path: string, init?: RequestInit) => fetch(archway.invokeUrl(apiId, 'v1', path), init);

  it('serves the MOCK welcome page with its Content-Type', async () => {
    const res = await call('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toBe('<html><body><h1>Welcome to the Pet Store</h1></body></html>');
  });

  it('answers the CORS preflight from the MOCK OPTIONS method', async () => {
    const res = await call('/pets', { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST,GET,OPTIONS');
  });

  it('maps query parameters and a static header to the HTTP backend named by the stage variable', async () => {
    const res = await call('/pets?type=dog&page=2&ignored=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const echo = (await res.json()) as EchoBody;
    expect(echo.method).toBe('GET');
    expect(echo.path).toBe('/petstore/pets');
    expect(new URLSearchParams(echo.query)).toEqual(new URLSearchParams('type=dog&page=2'));
    expect(echo.headers['x-stage']).toBe('petstore-v1');
  });

  it('transforms the POST body with the request template and selects the 4xx response by pattern', async () => {
    const ok = await call('/pets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"cat","price":12.5}' });
    expect(ok.status).toBe(200);
    const echo = (await ok.json()) as EchoBody;
    expect(JSON.parse(echo.body)).toEqual({ type: 'cat', price: 12.5, source: 'apigateway' });

    backend.respond = () => ({ status: 409, body: 'no' });
    try {
      const refused = await call('/pets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"cat"}' });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ message: 'the backend refused the pet' });
    } finally {
      backend.respond = undefined;
    }
  });

  it('selects MOCK responses by status: 200 for pet 42, 404 otherwise', async () => {
    const found = await call('/pets/42');
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ id: 42, type: 'dog', price: 249.99 });
    const missing = await call('/pets/7');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Pet 7 not found' });
  });
});

describe('GetExport of the pet store', () => {
  it('exports the stage as OpenAPI 3.0 with integrations, as AWS shapes it', async () => {
    const exported = await archway.apigateway.send(new GetExportCommand({
      restApiId: apiId, stageName: 'v1', exportType: 'oas30', parameters: { extensions: 'integrations' }, accepts: 'application/json',
    }));
    expect(exported.contentType).toBe('application/octet-stream');
    expect(exported.contentDisposition).toBe('attachment; filename="oas30_2024-06-01.json"');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an exported document, read by path
    const doc = JSON.parse(Buffer.from(exported.body!).toString('utf8')) as Record<string, any>;
    expect(doc.openapi).toBe('3.0.1');
    expect(doc.info).toEqual({ title: 'PetStore', description: 'Pets over MOCK and HTTP integrations', version: '2024-06-01' });
    expect(doc.servers).toEqual([{ url: `https://${apiId}.execute-api.us-east-1.amazonaws.com/{basePath}`, variables: { basePath: { default: 'v1' } } }]);
    expect(Object.keys(doc.paths)).toEqual(['/', '/pets', '/pets/{petId}']);
    expect(doc.paths['/pets'].get.parameters).toEqual([
      { name: 'type', in: 'query', schema: { type: 'string' } },
      { name: 'page', in: 'query', schema: { type: 'string' } },
    ]);
    expect(doc.paths['/pets'].get.responses['200']).toEqual({
      description: '200 response',
      headers: { 'Access-Control-Allow-Origin': { schema: { type: 'string' } } },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Pets' } } },
    });
    expect(doc.paths['/pets'].post.requestBody).toEqual({ content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } }, required: true });
    expect(doc.paths['/pets'].get['x-amazon-apigateway-integration']).toEqual({
      type: 'http', httpMethod: 'GET', uri: 'http://${stageVariables.backend}/petstore/pets',
      responses: { default: { statusCode: '200', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'*'" } } },
      requestParameters: {
        'integration.request.querystring.type': 'method.request.querystring.type',
        'integration.request.querystring.page': 'method.request.querystring.page',
        'integration.request.header.x-stage': "'petstore-v1'",
      },
      passthroughBehavior: 'when_no_match',
    });
    expect(doc.components.schemas.Pets).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Pet' } });
  });
});
