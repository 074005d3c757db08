// ImportRestApi and PutRestApi over the fixture corpus with the AWS SDK: every extension, Swagger
// 2.0, OpenAPI 3.1, YAML anchors, warnings (and failonwarnings), base paths, endpoint types,
// merge/overwrite, and one broken document per error class. Each imported API is deployed and
// called over HTTP. AWS's texts are recorded where the implementation says so.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateDeploymentCommand, CreateRestApiCommand, GetGatewayResponseCommand, GetIntegrationCommand, GetMethodCommand,
  GetModelsCommand, GetRequestValidatorsCommand, GetResourcesCommand, GetRestApiCommand, GetRestApisCommand, ImportRestApiCommand,
  PutRestApiCommand, type Resource,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { startBackend, type EchoBody, type TestBackend } from '../helpers/backend.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/openapi/${name}`, import.meta.url));

let archway: TestArchway;
let backend: TestBackend;

beforeAll(async () => {
  archway = await startArchway();
  backend = await startBackend();
});
afterAll(async () => {
  await archway?.stop();
  await backend?.close();
});

const send = <T>(command: { input: unknown }) => archway.apigateway.send(command as never) as Promise<T>;
const importDoc = (body: Uint8Array | string, input: Record<string, unknown> = {}) =>
  archway.apigateway.send(new ImportRestApiCommand({ body: typeof body === 'string' ? Buffer.from(body) : body, ...input }));
const resourcesOf = async (restApiId: string): Promise<Resource[]> =>
  (await archway.apigateway.send(new GetResourcesCommand({ restApiId, embed: ['methods'] }))).items ?? [];
const byPath = (resources: Resource[], path: string) => resources.find((r) => r.path === path) as Resource;
const deploy = (restApiId: string, stageName = 'test') =>
  archway.apigateway.send(new CreateDeploymentCommand({ restApiId, stageName, variables: { backend: `127.0.0.1:${backend.port}` } }));

async function importError(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const error = (await promise.then(() => undefined, (e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode?: number } } | undefined;
  expect(error, 'expected the import to fail').toBeDefined();
  return { name: error!.name, message: error!.message, status: error!.$metadata.httpStatusCode };
}

describe('a document with every extension', () => {
  let apiId: string;
  let resources: Resource[];
  beforeAll(async () => {
    const api = await importDoc(fixture('every-extension.json'), { failOnWarnings: true });
    apiId = api.id!;
    resources = await resourcesOf(apiId);
    await deploy(apiId);
  });

  it('takes the id from the _custom_id_ tag and the API fields from the top-level extensions', async () => {
    expect(apiId).toBe('everything1');
    const api = await archway.apigateway.send(new GetRestApiCommand({ restApiId: apiId }));
    expect(api).toMatchObject({
      name: 'Everything', description: 'Every x-amazon-apigateway extension of a REST API', version: '3.2.1',
      binaryMediaTypes: ['image/png', 'application/octet-stream'], minimumCompressionSize: 1024, apiKeySource: 'HEADER',
      endpointConfiguration: { types: ['EDGE'] }, disableExecuteApiEndpoint: false,
      tags: { _custom_id_: 'everything1', team: 'payments' },
    });
    expect(JSON.parse(api.policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }],
    });
  });

  it('creates the request validators and uses the document default where an operation names none', async () => {
    const validators = (await archway.apigateway.send(new GetRequestValidatorsCommand({ restApiId: apiId }))).items ?? [];
    const ids = Object.fromEntries(validators.map((v) => [v.name, v.id]));
    expect(validators.map(({ name, validateRequestBody, validateRequestParameters }) => ({ name, validateRequestBody, validateRequestParameters }))).toEqual([
      { name: 'all', validateRequestBody: true, validateRequestParameters: true },
      { name: 'params-only', validateRequestBody: false, validateRequestParameters: true },
    ]);
    const items = byPath(resources, '/items').resourceMethods!;
    expect(items.GET.requestValidatorId).toBe(ids.all);
    expect(items.POST.requestValidatorId).toBe(ids['params-only']);
  });

  it('reads security requirements: API key, SigV4, Lambda and Cognito authorizers, x-amazon-apigateway-auth', async () => {
    const items = byPath(resources, '/items').resourceMethods!;
    expect(items.GET).toMatchObject({ authorizationType: 'NONE', apiKeyRequired: true, requestParameters: {
      'method.request.querystring.limit': true, 'method.request.header.x-trace': false,
    } });
    expect(items.POST).toMatchObject({ authorizationType: 'AWS_IAM', apiKeyRequired: false });
    const item = byPath(resources, '/items/{id}').resourceMethods!.ANY;
    expect(item.authorizationType).toBe('CUSTOM');
    expect(item.authorizerId).toMatch(/^[a-z0-9]{6}$/);
    const admin = byPath(resources, '/admin').resourceMethods!.GET;
    expect(admin).toMatchObject({ authorizationType: 'COGNITO_USER_POOLS', authorizationScopes: ['admin/read'] });
    expect(admin.authorizerId).not.toBe(item.authorizerId);
    expect(byPath(resources, '/reports').resourceMethods!.GET.authorizationType).toBe('NONE');
  });

  it('reads every integration field', async () => {
    const item = byPath(resources, '/items/{id}').resourceMethods!.ANY.methodIntegration;
    expect(item).toMatchObject({
      type: 'AWS_PROXY', httpMethod: 'POST',
      uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:items/invocations',
      credentials: 'arn:aws:iam::000000000000:role/apigateway-invoke',
      cacheNamespace: 'items', cacheKeyParameters: ['method.request.path.id'], contentHandling: 'CONVERT_TO_TEXT',
      passthroughBehavior: 'WHEN_NO_MATCH', timeoutInMillis: 29000,
    });
    const create = byPath(resources, '/items').resourceMethods!.POST.methodIntegration;
    expect(create).toMatchObject({ type: 'HTTP_PROXY', connectionType: 'INTERNET', timeoutInMillis: 5000, tlsConfig: { insecureSkipVerification: true } });
  });

  it('stores document schemas and inline request schemas as models', async () => {
    const models = (await archway.apigateway.send(new GetModelsCommand({ restApiId: apiId }))).items ?? [];
    const inline = byPath(resources, '/items').resourceMethods!.POST.requestModels?.['application/json'];
    expect(inline).toMatch(/^MODEL[0-9a-f]{6}$/);
    expect(models.map((m) => m.name).sort()).toEqual(['Item', 'Items', inline].sort());
    expect(JSON.parse(models.find((m) => m.name === inline)!.schema!)).toEqual({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } });
  });

  it('customises gateway responses, and the deployed API answers with them', async () => {
    const response = await archway.apigateway.send(new GetGatewayResponseCommand({ restApiId: apiId, responseType: 'MISSING_AUTHENTICATION_TOKEN' }));
    expect(response).toMatchObject({ statusCode: '404', defaultResponse: false, responseParameters: { 'gatewayresponse.header.x-reason': "'no-route'" } });
    const res = await fetch(archway.invokeUrl(apiId, 'test', '/nowhere'));
    expect(res.status).toBe(404);
    expect(res.headers.get('x-reason')).toBe('no-route');
    expect(await res.json()).toEqual({ message: 'no such route', path: '/test/nowhere' });
  });

  it('serves the MOCK and HTTP_PROXY methods', async () => {
    const items = await fetch(archway.invokeUrl(apiId, 'test', '/items?limit=5'));
    expect(items.status).toBe(200);
    expect(items.headers.get('x-count')).toBe('2');
    expect(await items.json()).toEqual([{ id: 'a', limit: '5' }, { id: 'b' }]);
    const file = await fetch(archway.invokeUrl(apiId, 'test', '/files/a/b.txt?v=1'));
    expect(file.status).toBe(200);
    const echo = (await file.json()) as EchoBody;
    expect(echo.path).toBe('/files/a/b.txt');
    expect(echo.query).toBe('v=1');
  });
});

describe('Swagger 2.0', () => {
  it('reads parameters, body parameters with consumes, schemas with produces, and the API key scheme', async () => {
    const api = await importDoc(fixture('swagger2.json'), { failOnWarnings: true });
    expect(api.name).toBe('Orders (Swagger 2.0)');
    const resources = await resourcesOf(api.id!);
    // basepath=ignore (the default): the document's basePath adds no resources
    expect(resources.map((r) => r.path).sort()).toEqual(['/', '/legacy', '/legacy/{proxy+}', '/orders']);
    const orders = byPath(resources, '/orders').resourceMethods!;
    expect(orders.GET).toMatchObject({
      operationName: 'ListOrders',
      requestParameters: { 'method.request.querystring.status': false, 'method.request.header.X-Customer': true },
      methodResponses: { '200': { responseModels: { 'application/json': 'Orders' }, responseParameters: { 'method.response.header.X-Total': false } } },
    });
    expect(orders.POST).toMatchObject({ apiKeyRequired: true, requestModels: { 'application/json': 'Order' } });

    await deploy(api.id!);
    const list = await fetch(archway.invokeUrl(api.id!, 'test', '/orders?status=open'), { headers: { 'X-Customer': 'c-9' } });
    expect(list.headers.get('x-total')).toBe('1');
    expect(await list.json()).toEqual([{ id: 'o-1', customer: 'c-9', status: 'open' }]);
    const legacy = await fetch(archway.invokeUrl(api.id!, 'test', '/legacy/reports/7'), { method: 'DELETE' });
    expect(((await legacy.json()) as EchoBody)).toMatchObject({ method: 'DELETE', path: '/legacy/reports/7' });
  });

  it.each([
    ['prepend', ['/', '/api', '/api/store', '/api/store/legacy', '/api/store/legacy/{proxy+}', '/api/store/orders'], '/api/store/orders'],
    ['split', ['/', '/store', '/store/legacy', '/store/legacy/{proxy+}', '/store/orders'], '/store/orders'],
  ])('basepath=%s places the resources under the base path', async (basepath, paths, ordersPath) => {
    const api = await importDoc(fixture('swagger2.json'), { parameters: { basepath } });
    const resources = await resourcesOf(api.id!);
    expect(resources.map((r) => r.path).sort()).toEqual(paths);
    await deploy(api.id!);
    const res = await fetch(archway.invokeUrl(api.id!, 'test', `${ordersPath}`), { headers: { 'X-Customer': 'c-1' } });
    expect(res.status).toBe(200);
  });

  it('uses the OpenAPI 3 basePath server variable for basepath=prepend', async () => {
    const api = await importDoc(fixture('petstore.yaml'), { parameters: { basepath: 'prepend' } });
    const resources = await resourcesOf(api.id!);
    expect(resources.map((r) => r.path).sort()).toEqual(['/', '/v1', '/v1/pets', '/v1/pets/{petId}']);
    expect(Object.keys(byPath(resources, '/v1').resourceMethods ?? {})).toEqual(['GET']);
  });
});

describe('OpenAPI 3.1 and YAML anchors', () => {
  it('imports an OpenAPI 3.1 document and serves it', async () => {
    const api = await importDoc(fixture('oas31.yaml'), { failOnWarnings: true });
    expect(api).toMatchObject({ name: 'Notes (OpenAPI 3.1)', version: '0.9' });
    const models = (await archway.apigateway.send(new GetModelsCommand({ restApiId: api.id }))).items ?? [];
    expect(JSON.parse(models.find((m) => m.name === 'Note')!.schema!).properties.text).toEqual({ type: ['string', 'null'] });
    await deploy(api.id!);
    const res = await fetch(archway.invokeUrl(api.id!, 'test', '/notes/n1'));
    expect(await res.json()).toEqual({ id: 'n1', text: null, kind: 'note' });
  });

  it('resolves anchors, aliases and merge keys, and keeps an unquoted version as written', async () => {
    const api = await importDoc(fixture('anchors.yaml'), { failOnWarnings: true });
    expect(api.version).toBe('1.10');
    const resources = await resourcesOf(api.id!);
    for (const path of ['/alpha', '/beta']) {
      const get = byPath(resources, path).resourceMethods!.GET;
      expect(get.methodResponses?.['200'].responseParameters).toEqual({ 'method.response.header.Access-Control-Allow-Origin': false });
      expect(get.methodIntegration).toMatchObject({ type: 'MOCK', passthroughBehavior: 'WHEN_NO_MATCH', requestTemplates: { 'application/json': '{"statusCode": 200}' } });
    }
    await deploy(api.id!);
    const beta = await fetch(archway.invokeUrl(api.id!, 'test', '/beta'));
    expect(beta.headers.get('access-control-allow-origin')).toBe('*');
    expect(await beta.json()).toEqual({ name: 'beta' });
  });
});

describe('warnings', () => {
  const expected = [
    'x-amazon-apigateway-cors is only supported for HTTP APIs; ignored at the top level',
    "Parameter 'session' in cookie of GET /things is not supported by API Gateway; ignored",
    "Unable to find model reference '#/components/schemas/Missing' for response 200 of GET /things; no model was set",
    "Response 'default' of GET /things has no status code API Gateway can use; ignored",
    "Method TRACE on path '/things' is not supported by API Gateway; ignored",
  ];

  it('imports the rest and answers the warnings in the RestApi', async () => {
    const api = await importDoc(fixture('warnings.yaml'));
    expect(api.warnings).toEqual(expected);
    const resources = await resourcesOf(api.id!);
    expect(Object.keys(byPath(resources, '/things').resourceMethods ?? {})).toEqual(['GET']);
    await deploy(api.id!);
    expect(await (await fetch(archway.invokeUrl(api.id!, 'test', '/things'))).json()).toEqual({ things: [] });
  });

  it('with failonwarnings, refuses the import with the warnings as the message and creates nothing', async () => {
    const before = (await archway.apigateway.send(new GetRestApisCommand({ limit: 500 }))).items?.length;
    const error = await importError(importDoc(fixture('warnings.yaml'), { failOnWarnings: true }));
    expect(error).toEqual({ name: 'BadRequestException', status: 400, message: `Warnings found during import:\n\t${expected.join('\n\t')}` });
    expect((await archway.apigateway.send(new GetRestApisCommand({ limit: 500 }))).items?.length).toBe(before);
  });
});

describe('invalid documents: BadRequestException naming what is wrong and where', () => {
  it.each([
    ['syntax.yaml', 'Invalid OpenAPI input. YAML error at line 11, column 1: All mapping items must start at the same column'],
    ['not-openapi.json', "Invalid OpenAPI input. The document has neither a 'swagger' nor an 'openapi' field."],
    // recorded (AWS error report): the malformed-integration text
    ['malformed-integration.yaml', 'Unable to parse API definition because of a malformed integration at path /.'],
    // recorded (AWS error report): "Errors found during import:" with one line per refused integration
    ['invalid-integrations.yaml', [
      'Errors found during import:',
      "\tUnable to put integration on 'GET' for resource at path '/': Invalid HTTP endpoint specified for URI",
      "\tUnable to put integration on 'ANY' for resource at path '/{proxy+}': Invalid HTTP endpoint specified for URI",
      "\tUnable to put integration on 'GET' for resource at path '/slow': Timeout should be between 50 ms and 29000 ms",
    ].join('\n')],
    ['unresolved-ref.yaml', "Errors found during import:\n\tUnable to read a parameter of GET /pets: Unable to resolve reference '#/components/parameters/Limit': not found in the document"],
    ['invalid-path.yaml', "Errors found during import:\n\tUnable to create resource at path '/pets/{id}/photos and videos': Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace."],
  ])('%s', async (file, message) => {
    const error = await importError(importDoc(fixture(`broken/${file}`)));
    expect(error).toEqual({ name: 'BadRequestException', status: 400, message });
  });

  it('an empty body is "Invalid OpenAPI input."', async () => {
    expect(await importError(importDoc(''))).toMatchObject({ name: 'BadRequestException', message: 'Invalid OpenAPI input.' });
  });

  it('a document without info.title fails CreateRestApi validation', async () => {
    const error = await importError(importDoc('{"openapi": "3.0.1", "info": {"version": "1"}, "paths": {}}'));
    // recorded shape (AWS report): the CreateRestApi name check
    expect(error).toEqual({
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value null at 'createRestApiInput.name' failed to satisfy constraint: Member must not be null",
    });
  });
});

describe('import parameters', () => {
  it('endpointConfigurationTypes sets the endpoint type', async () => {
    const api = await importDoc(fixture('anchors.yaml'), { parameters: { endpointConfigurationTypes: 'REGIONAL' } });
    expect(api.endpointConfiguration).toEqual({ types: ['REGIONAL'], ipAddressType: 'ipv4' });
  });

  it('refuses an unknown basepath value', async () => {
    const error = await importError(importDoc(fixture('anchors.yaml'), { parameters: { basepath: 'sideways' } }));
    expect(error.name).toBe('BadRequestException');
    expect(error.message).toBe('Invalid basepath parameter: sideways. Valid values are ignore, prepend, split');
  });
});

describe('PutRestApi', () => {
  const mergeDoc = JSON.stringify({
    openapi: '3.0.1',
    info: { title: 'PetStore merged', version: '2' },
    paths: {
      '/pets': {
        get: {
          responses: { '200': { description: 'replaced' } },
          'x-amazon-apigateway-integration': {
            type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '{"replaced": true}' } } },
          },
        },
      },
      '/extra': {
        get: {
          responses: { '200': { description: 'extra' } },
          'x-amazon-apigateway-integration': {
            type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '{"extra": true}' } } },
          },
        },
      },
    },
  });

  it('overwrite replaces the definition of an API created with CreateRestApi and keeps its id', async () => {
    const created = await archway.apigateway.send(new CreateRestApiCommand({ name: 'to be replaced', description: 'old' }));
    const put = await archway.apigateway.send(new PutRestApiCommand({ restApiId: created.id, mode: 'overwrite', body: fixture('petstore.yaml') }));
    expect(put.$metadata.httpStatusCode).toBe(200);
    expect(put).toMatchObject({ id: created.id, name: 'PetStore', description: 'Pets over MOCK and HTTP integrations', rootResourceId: created.rootResourceId });
    const resources = await resourcesOf(created.id!);
    expect(resources.map((r) => r.path).sort()).toEqual(['/', '/pets', '/pets/{petId}']);
    const models = (await archway.apigateway.send(new GetModelsCommand({ restApiId: created.id }))).items?.map((m) => m.name);
    expect(models).toEqual(['Empty', 'Error', 'NewPet', 'NewPetResponse', 'Pet', 'PetType', 'Pets']);
  });

  it('merge (the default mode) adds paths, replaces methods in the document and keeps the others', async () => {
    const api = await importDoc(fixture('petstore.yaml'));
    const before = await resourcesOf(api.id!);
    await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, body: Buffer.from(mergeDoc) }));
    const after = await resourcesOf(api.id!);
    expect(after.map((r) => r.path).sort()).toEqual(['/', '/extra', '/pets', '/pets/{petId}']);
    expect(byPath(after, '/pets').id).toBe(byPath(before, '/pets').id);
    expect(Object.keys(byPath(after, '/pets').resourceMethods ?? {}).sort()).toEqual(['GET', 'OPTIONS', 'POST']);
    expect(byPath(after, '/pets').resourceMethods!.GET.operationName).toBeUndefined();
    const restApi = await archway.apigateway.send(new GetRestApiCommand({ restApiId: api.id }));
    expect(restApi).toMatchObject({ name: 'PetStore merged', version: '2', description: 'Pets over MOCK and HTTP integrations' });
    await deploy(api.id!);
    expect(await (await fetch(archway.invokeUrl(api.id!, 'test', '/pets'))).json()).toEqual({ replaced: true });
    expect(await (await fetch(archway.invokeUrl(api.id!, 'test', '/pets/42'))).json()).toEqual({ id: 42, type: 'dog', price: 249.99 });
  });

  it('overwrite keeps resource ids of unchanged paths', async () => {
    const api = await importDoc(fixture('petstore.yaml'));
    const before = await resourcesOf(api.id!);
    await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: Buffer.from(mergeDoc) }));
    const after = await resourcesOf(api.id!);
    expect(after.map((r) => r.path).sort()).toEqual(['/', '/extra', '/pets']);
    expect(byPath(after, '/pets').id).toBe(byPath(before, '/pets').id);
    expect(Object.keys(byPath(after, '/pets').resourceMethods ?? {})).toEqual(['GET']);
  });

  it('a refused document changes nothing', async () => {
    const api = await importDoc(fixture('petstore.yaml'));
    const before = await resourcesOf(api.id!);
    const error = await importError(archway.apigateway.send(new PutRestApiCommand({
      restApiId: api.id, mode: 'overwrite', body: fixture('broken/invalid-integrations.yaml'),
    })));
    expect(error.message).toMatch(/^Errors found during import:\n\t/);
    expect(await resourcesOf(api.id!)).toEqual(before);
    const integration = await archway.apigateway.send(new GetIntegrationCommand({ restApiId: api.id, resourceId: byPath(before, '/pets').id, httpMethod: 'GET' }));
    expect(integration.type).toBe('HTTP');
  });

  it('answers an unknown API and an unknown mode as AWS does', async () => {
    const missing = await importError(archway.apigateway.send(new PutRestApiCommand({ restApiId: 'nosuchapi0', body: fixture('anchors.yaml') })));
    expect(missing).toEqual({ name: 'NotFoundException', status: 404, message: 'Invalid API identifier specified 000000000000:nosuchapi0' });
    const api = await importDoc(fixture('anchors.yaml'));
    const mode = await importError(archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'replace' as never, body: fixture('anchors.yaml') })));
    expect(mode.name).toBe('ValidationException');
    expect(mode.message).toBe("1 validation error detected: Value 'replace' at 'mode' failed to satisfy constraint: Member must satisfy enum value set: [merge, overwrite]");
  });

  it('the method request of an imported API is the one the SDK reads back', async () => {
    const api = await importDoc(fixture('petstore.yaml'));
    const resources = await resourcesOf(api.id!);
    const method = await send<{ requestParameters?: Record<string, boolean> }>(new GetMethodCommand({ restApiId: api.id, resourceId: byPath(resources, '/pets/{petId}').id, httpMethod: 'GET' }));
    expect(method.requestParameters).toEqual({ 'method.request.path.petId': true });
  });
});
