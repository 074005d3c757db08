// ImportRestApi and PutRestApi over the fixture corpus with the AWS SDK: every extension, Swagger
// 2.0, OpenAPI 3.1, YAML anchors, AWS variables, warnings (and failonwarnings), base paths,
// endpoint types, merge/overwrite (API fields, tags, documentation), and one broken document per
// error class. Each imported API is deployed and
// called over HTTP. AWS's texts are recorded where the implementation says so.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateApiKeyCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand,
  CreateDeploymentCommand, CreateRestApiCommand, GetExportCommand, GetGatewayResponseCommand, GetIntegrationCommand, GetMethodCommand,
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
    // Kept as AWS answers it: the shorthand expanded, the JSON escaped as inside a string.
    expect(JSON.parse(JSON.parse(`"${api.policy!}"`))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:us-east-1:000000000000:everything1/*' }],
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

  it('serves the MOCK and HTTP_PROXY methods; the api_key scheme requires a key', async () => {
    expect((await fetch(archway.invokeUrl(apiId, 'test', '/items?limit=5'))).status).toBe(403);
    const gw = archway.apigateway;
    const key = await gw.send(new CreateApiKeyCommand({ name: 'importer', enabled: true }));
    const plan = await gw.send(new CreateUsagePlanCommand({ name: 'importer', apiStages: [{ apiId, stage: 'test' }] }));
    await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: 'API_KEY' }));
    await archway.running.dataPlane.usagePlans.catchUp();
    const items = await fetch(archway.invokeUrl(apiId, 'test', '/items?limit=5'), { headers: { 'x-api-key': key.value! } });
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

  it('a JSON syntax error names its line and column', async () => {
    const body = '{\n  "openapi": "3.0.1",\n  "info": { "title": "x" }\n  "paths": {}\n}';
    const error = await importError(importDoc(body));
    expect(error).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(error.message).toMatch(/^Invalid OpenAPI input\. JSON error at line 4, column 3: /);
  });

  it('a document nested 50 000 levels deep is "Invalid OpenAPI input.", not a crash', async () => {
    const deep = `{"openapi": "3.0.1", "info": {"title": "deep"}, "paths": {}, "x-deep": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expect(await importError(importDoc(deep))).toEqual({
      name: 'BadRequestException', status: 400, message: 'Invalid OpenAPI input. The document is nested more than 256 levels deep.',
    });
    const yaml = `openapi: 3.0.1\ninfo: {title: deep}\npaths: {}\nx-deep: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`;
    expect(await importError(importDoc(yaml))).toMatchObject({ name: 'BadRequestException', status: 400 });
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

/** A GET answered by a MOCK integration with `template` (a JSON document, as text). */
const mockGet = (template: string, extra: Record<string, unknown> = {}) => ({
  get: {
    responses: { '200': { description: 'ok' } },
    'x-amazon-apigateway-integration': {
      type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
      responses: { default: { statusCode: '200', responseTemplates: { 'application/json': template } } },
    },
    ...extra,
  },
});
const oas3 = (title: string, paths: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ openapi: '3.0.1', info: { title, version: '1' }, paths, ...extra });

describe('AWS variables (${AWS::Region}, ${AWS::AccountId}, ${AWS::Partition})', () => {
  it('are resolved at import with the region and account of the Archway: the documented example', async () => {
    const other = await startArchway({ region: 'eu-west-2', accountId: '123456789012' });
    try {
      const api = await other.apigateway.send(new ImportRestApiCommand({ body: fixture('aws-variables.yaml'), failOnWarnings: true }));
      const root = (await other.apigateway.send(new GetResourcesCommand({ restApiId: api.id }))).items!.find((r) => r.path === '/')!;
      const integration = await other.apigateway.send(new GetIntegrationCommand({ restApiId: api.id, resourceId: root.id, httpMethod: 'GET' }));
      expect(integration).toMatchObject({
        type: 'AWS_PROXY', httpMethod: 'POST', contentHandling: 'CONVERT_TO_TEXT',
        uri: 'arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:LambdaFunctionName/invocations',
      });
    } finally {
      await other.stop();
    }
  });

  const variablesDoc = oas3('Variables', {
    '/where': mockGet('{"region": "${AWS::Region}", "account": "${AWS::AccountId}", "partition": "${AWS::Partition}", "who": "${stageVariables.who}"}'),
  }, { info: { title: 'Variables', version: '1', description: 'in ${AWS::Partition}/${AWS::Region}' } });

  it('in every string of the document, for PutRestApi too; other ${…} text is left alone; the deployed API serves the result', async () => {
    const created = await archway.apigateway.send(new CreateRestApiCommand({ name: 'to be replaced' }));
    const put = await archway.apigateway.send(new PutRestApiCommand({ restApiId: created.id, mode: 'overwrite', body: Buffer.from(variablesDoc) }));
    expect(put.description).toBe('in aws/us-east-1');
    await archway.apigateway.send(new CreateDeploymentCommand({ restApiId: created.id, stageName: 'test', variables: { who: 'me' } }));
    const res = await fetch(archway.invokeUrl(created.id!, 'test', '/where'));
    expect(await res.json()).toEqual({ region: 'us-east-1', account: '000000000000', partition: 'aws', who: 'me' });
  });
});

describe('security schemes: which apiKey scheme is the API key', () => {
  const doc = oas3('Schemes', {
    '/bearer': mockGet('{}', { security: [{ bearer: [] }] }),
    '/keyed': mockGet('{}', { security: [{ key: [] }] }),
  }, {
    components: {
      securitySchemes: {
        // how JWT documents declare a bearer token: not an API key
        bearer: { type: 'apiKey', name: 'Authorization', in: 'header' },
        key: { type: 'apiKey', name: 'X-API-Key', in: 'header' },
      },
    },
  });

  it('only a scheme for the x-api-key header (any case) without an authorizer makes the API key required; another is ignored with a warning', async () => {
    const api = await importDoc(doc);
    expect(api.warnings).toEqual(["Security scheme 'bearer' used by GET /bearer is not supported by API Gateway; ignored"]);
    const resources = await resourcesOf(api.id!);
    expect(byPath(resources, '/bearer').resourceMethods!.GET).toMatchObject({ authorizationType: 'NONE', apiKeyRequired: false });
    expect(byPath(resources, '/keyed').resourceMethods!.GET).toMatchObject({ authorizationType: 'NONE', apiKeyRequired: true });
  });
});

describe('PutRestApi: API fields', () => {
  const binaryDoc = (types: string[]) => oas3('Binary', { '/b': mockGet('{}') }, { 'x-amazon-apigateway-binary-media-types': types });

  it('merge adds the document binary media types to the API ones; overwrite takes the document ones (recorded)', async () => {
    const created = await archway.apigateway.send(new CreateRestApiCommand({ name: 'binary', binaryMediaTypes: ['image/heif'] }));
    const merged = await archway.apigateway.send(new PutRestApiCommand({ restApiId: created.id, mode: 'merge', body: Buffer.from(binaryDoc(['image/png', 'image/jpg'])) }));
    expect(merged.binaryMediaTypes).toEqual(['image/heif', 'image/png', 'image/jpg']);
    for (const types of [['image/png'], []]) {
      const again = await archway.apigateway.send(new PutRestApiCommand({ restApiId: created.id, mode: 'merge', body: Buffer.from(binaryDoc(types)) }));
      expect(again.binaryMediaTypes).toEqual(['image/heif', 'image/png', 'image/jpg']);
    }
    const overwritten = await archway.apigateway.send(new PutRestApiCommand({ restApiId: created.id, mode: 'overwrite', body: Buffer.from(binaryDoc(['image/png', 'image/jpg'])) }));
    expect(overwritten.binaryMediaTypes).toEqual(['image/png', 'image/jpg']);
  });

  const privateDoc = (ids: string[]) => oas3('Endpoint', { '/e': mockGet('{}') }, {
    servers: [{ url: 'https://example.com', 'x-amazon-apigateway-endpoint-configuration': { vpcEndpointIds: ids } }],
  });
  const ENDPOINT_WARNING = 'PutRestApi does not change the endpoint configuration of an API; the endpoint configuration of the document and the endpointConfigurationTypes parameter are ignored';

  it('never changes the endpoint configuration: endpointConfigurationTypes and vpcEndpointIds are ignored with a warning', async () => {
    const created = await archway.apigateway.send(new CreateRestApiCommand({ name: 'regional', endpointConfiguration: { types: ['REGIONAL'] } }));
    const put = await archway.apigateway.send(new PutRestApiCommand({
      restApiId: created.id, mode: 'overwrite', body: Buffer.from(privateDoc(['vpce-0123456789abcdef0'])), parameters: { endpointConfigurationTypes: 'PRIVATE' },
    }));
    expect(put.warnings).toEqual([ENDPOINT_WARNING]);
    expect(put.endpointConfiguration).toEqual({ types: ['REGIONAL'], ipAddressType: 'ipv4' });
    const api = await archway.apigateway.send(new GetRestApiCommand({ restApiId: created.id }));
    expect(api.endpointConfiguration).toEqual({ types: ['REGIONAL'], ipAddressType: 'ipv4' });
    const refused = await importError(archway.apigateway.send(new PutRestApiCommand({
      restApiId: created.id, body: Buffer.from(privateDoc(['vpce-0123456789abcdef0'])), failOnWarnings: true,
    })));
    expect(refused).toEqual({ name: 'BadRequestException', status: 400, message: `Warnings found during import:\n\t${ENDPOINT_WARNING}` });
  });

  it('keeps the vpcEndpointIds of a private API; the same ones in the document are no warning', async () => {
    const api = await importDoc(privateDoc(['vpce-0123456789abcdef0']), { parameters: { endpointConfigurationTypes: 'PRIVATE' } });
    const same = await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: Buffer.from(privateDoc(['vpce-0123456789abcdef0'])) }));
    expect(same.warnings).toBeUndefined();
    const other = await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: Buffer.from(privateDoc(['vpce-fedcba9876543210f'])) }));
    expect(other.warnings).toEqual([ENDPOINT_WARNING]);
    const none = await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: Buffer.from(oas3('Endpoint', { '/e': mockGet('{}') })) }));
    expect(none.warnings).toBeUndefined();
    expect(none.endpointConfiguration).toEqual({ types: ['PRIVATE'], vpcEndpointIds: ['vpce-0123456789abcdef0'], ipAddressType: 'dualstack' });
  });

  const taggedDoc = (tags: Record<string, string>) => oas3('Tagged', { '/t': mockGet('{}') }, {
    tags: Object.entries(tags).map(([name, value]) => ({ name, 'x-amazon-apigateway-tag-value': value })),
  });

  it('overwrite replaces the API tags with the document ones; merge adds them', async () => {
    const api = await importDoc(taggedDoc({ team: 'a', owner: 'b' }));
    const merged = await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'merge', body: Buffer.from(taggedDoc({ team: 'c', cost: 'd' })) }));
    expect(merged.tags).toEqual({ team: 'c', owner: 'b', cost: 'd' });
    const overwritten = await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: Buffer.from(taggedDoc({ team: 'e' })) }));
    expect(overwritten.tags).toEqual({ team: 'e' });
    await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: Buffer.from(taggedDoc({})) }));
    expect((await archway.apigateway.send(new GetRestApiCommand({ restApiId: api.id }))).tags ?? {}).toEqual({});
  });

  it('overwrite keeps the _custom_id_ tag that chose the id', async () => {
    const api = await importDoc(taggedDoc({ _custom_id_: 'tagged0001', team: 'a' }));
    expect(api.id).toBe('tagged0001');
    const overwritten = await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: Buffer.from(taggedDoc({})) }));
    expect(overwritten.tags).toEqual({ _custom_id_: 'tagged0001' });
  });

  it('failonwarnings refuses a document with warnings and changes nothing', async () => {
    const api = await importDoc(fixture('anchors.yaml'));
    const before = await resourcesOf(api.id!);
    const error = await importError(archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: fixture('warnings.yaml'), failOnWarnings: true })));
    expect(error.name).toBe('BadRequestException');
    expect(error.message).toMatch(/^Warnings found during import:\n\tx-amazon-apigateway-cors is only supported for HTTP APIs/);
    expect(await resourcesOf(api.id!)).toEqual(before);
    expect((await archway.apigateway.send(new GetRestApiCommand({ restApiId: api.id }))).name).toBe('Anchored');
  });
});

describe('integration parameter mappings that are not strings', () => {
  const doc = oas3('Mappings', {
    '/test': {
      get: {
        parameters: [{ name: 'x-in', in: 'header', schema: { type: 'string' } }],
        responses: { '200': { description: 'ok', headers: { 'x-out': { schema: { type: 'string' } }, 'x-num': { schema: { type: 'string' } } } } },
        'x-amazon-apigateway-integration': {
          type: 'http', httpMethod: 'GET', uri: 'http://${stageVariables.backend}/echo',
          requestParameters: { 'integration.request.header.nothing': true, 'integration.request.header.x-sent': 'method.request.header.x-in' },
          responses: { default: { statusCode: '200', responseParameters: { 'method.response.header.x-out': "'fixed'", 'method.response.header.x-num': 5 } } },
        },
      },
    },
  });

  it('are dropped with AWS warning (recorded), and the rest of the import is served', async () => {
    const api = await importDoc(doc);
    expect(api.warnings).toEqual([
      "Invalid format for 'requestParameters'. Expected type string for property 'integration.request.header.nothing' of resource '/test' and method 'GET' but got 'true'",
      "Invalid format for 'responseParameters'. Expected type string for property 'method.response.header.x-num' of resource '/test' and method 'GET' but got '5'",
    ]);
    const resources = await resourcesOf(api.id!);
    const integration = byPath(resources, '/test').resourceMethods!.GET.methodIntegration!;
    expect(integration.requestParameters).toEqual({ 'integration.request.header.x-sent': 'method.request.header.x-in' });
    expect(integration.integrationResponses?.['200'].responseParameters).toEqual({ 'method.response.header.x-out': "'fixed'" });
    await deploy(api.id!);
    const res = await fetch(archway.invokeUrl(api.id!, 'test', '/test'), { headers: { 'x-in': 'hello' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-out')).toBe('fixed');
    const echo = (await res.json()) as EchoBody;
    expect(echo.headers['x-sent']).toBe('hello');
    expect(echo.headers.nothing).toBeUndefined();
  });
});

describe('integration response errors', () => {
  it('name the method and path, not the status code, and an undeclared method response header (AWS text, recorded)', async () => {
    const doc = oas3('Undeclared', {
      '/foo': {
        post: {
          responses: { '201': { description: 'created' } },
          'x-amazon-apigateway-integration': {
            type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 201}' },
            responses: { default: { statusCode: '201', responseParameters: { 'method.response.header.Location': "'/foo/1'" } } },
          },
        },
      },
    });
    const error = await importError(importDoc(doc));
    expect(error).toEqual({
      name: 'BadRequestException', status: 400,
      message: "Errors found during import:\n\tUnable to put integration response on 'POST' for resource at path '/foo': Invalid mapping expression specified: "
        + 'Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: method.response.header.Location]',
    });
  });
});

describe('endpoint configuration of an imported API', () => {
  const doc = (vpcEndpointIds: string[]) => oas3('Private', { '/p': mockGet('{}') }, {
    servers: [{ url: 'https://example.com', 'x-amazon-apigateway-endpoint-configuration': { vpcEndpointIds } }],
  });

  it('vpcEndpointIds need a PRIVATE API: refused for the default EDGE type and for REGIONAL (AWS text, recorded)', async () => {
    const before = (await archway.apigateway.send(new GetRestApisCommand({ limit: 500 }))).items?.length;
    for (const parameters of [{}, { endpointConfigurationTypes: 'EDGE' }, { endpointConfigurationTypes: 'REGIONAL' }]) {
      expect(await importError(importDoc(doc(['vpce-0123456789abcdef0']), { parameters })))
        .toEqual({ name: 'BadRequestException', status: 400, message: 'VPCEndpoints can only be specified with PRIVATE apis.' });
    }
    expect((await archway.apigateway.send(new GetRestApisCommand({ limit: 500 }))).items?.length).toBe(before);
  });

  it('a PRIVATE API keeps them; an empty list is no endpoint id', async () => {
    const api = await importDoc(doc(['vpce-0123456789abcdef0']), { parameters: { endpointConfigurationTypes: 'PRIVATE' } });
    expect(api.endpointConfiguration).toEqual({ types: ['PRIVATE'], vpcEndpointIds: ['vpce-0123456789abcdef0'], ipAddressType: 'dualstack' });
    const edge = await importDoc(doc([]));
    expect(edge.endpointConfiguration).toEqual({ types: ['EDGE'], ipAddressType: 'ipv4' });
  });
});

describe('base paths', () => {
  const serverDoc = oas3('Server path', { '/test': mockGet('{"at": "$context.resourcePath"}') }, { servers: [{ url: 'https://example.com/base-url/part' }] });

  it.each([
    ['ignore', ['/', '/test'], '/test'],
    // recorded: /base-url/part split gives /part
    ['split', ['/', '/part', '/part/test'], '/part/test'],
    ['prepend', ['/', '/base-url', '/base-url/part', '/base-url/part/test'], '/base-url/part/test'],
  ])('basepath=%s with the path of the OpenAPI 3 servers[0].url', async (basepath, paths, served) => {
    const api = await importDoc(serverDoc, { parameters: { basepath } });
    expect((await resourcesOf(api.id!)).map((r) => r.path).sort()).toEqual(paths);
    await deploy(api.id!);
    const res = await fetch(archway.invokeUrl(api.id!, 'test', served));
    expect(await res.json()).toEqual({ at: served });
  });

  it('basepath=split of a one-segment Swagger basePath leaves the paths at the root', async () => {
    const swagger = JSON.stringify({
      swagger: '2.0', info: { title: 'One segment', version: '1' }, basePath: '/v1',
      paths: { '/orders': mockGet('{}') },
    });
    const split = await importDoc(swagger, { parameters: { basepath: 'split' } });
    expect((await resourcesOf(split.id!)).map((r) => r.path).sort()).toEqual(['/', '/orders']);
    const prepend = await importDoc(swagger, { parameters: { basepath: 'prepend' } });
    expect((await resourcesOf(prepend.id!)).map((r) => r.path).sort()).toEqual(['/', '/v1', '/v1/orders']);
  });
});

describe('documentation parts', () => {
  const docWith = (parts: { location: Record<string, string>; properties: Record<string, string> }[], version?: string) =>
    oas3('Documented', { '/x': mockGet('{}'), '/y': mockGet('{}') }, {
      'x-amazon-apigateway-documentation': { ...(version ? { version } : {}), documentationParts: parts },
    });
  const exported = async (restApiId: string) => {
    await deploy(restApiId);
    const out = await archway.apigateway.send(new GetExportCommand({ restApiId, stageName: 'test', exportType: 'oas30', parameters: { extensions: 'apigateway' } }));
    return (JSON.parse(Buffer.from(out.body!).toString('utf8')) as Record<string, unknown>)['x-amazon-apigateway-documentation'];
  };

  it('merge keeps the parts not in the document and replaces those at the same location; overwrite replaces them all', async () => {
    const api = await importDoc(docWith([
      { location: { type: 'API' }, properties: { description: 'the API' } },
      { location: { type: 'METHOD', path: '/x', method: 'GET' }, properties: { summary: 'x' } },
    ], '1.0'));
    await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'merge', body: Buffer.from(docWith([
      { location: { type: 'METHOD', path: '/x', method: 'GET' }, properties: { summary: 'x, again' } },
      { location: { type: 'RESOURCE', path: '/y' }, properties: { description: 'y' } },
    ])) }));
    expect(await exported(api.id!)).toEqual({
      version: '1.0',
      documentationParts: [
        { location: { type: 'API' }, properties: { description: 'the API' } },
        { location: { type: 'METHOD', path: '/x', method: 'GET' }, properties: { summary: 'x, again' } },
        { location: { type: 'RESOURCE', path: '/y' }, properties: { description: 'y' } },
      ],
    });
    await archway.apigateway.send(new PutRestApiCommand({ restApiId: api.id, mode: 'overwrite', body: Buffer.from(docWith([
      { location: { type: 'RESOURCE', path: '/y' }, properties: { description: 'only y' } },
    ], '2.0')) }));
    expect(await exported(api.id!)).toEqual({ version: '2.0', documentationParts: [{ location: { type: 'RESOURCE', path: '/y' }, properties: { description: 'only y' } }] });
  });

  it('ignore=documentation imports none, and a merge with it keeps the existing ones', async () => {
    const body = docWith([{ location: { type: 'API' }, properties: { description: 'the API' } }]);
    const ignored = await importDoc(body, { parameters: { ignore: 'documentation' } });
    expect(await exported(ignored.id!)).toBeUndefined();
    const api = await importDoc(body);
    await archway.apigateway.send(new PutRestApiCommand({
      restApiId: api.id, mode: 'merge', parameters: { ignore: 'documentation' },
      body: Buffer.from(docWith([{ location: { type: 'API' }, properties: { description: 'replaced?' } }])),
    }));
    expect(await exported(api.id!)).toEqual({ documentationParts: [{ location: { type: 'API' }, properties: { description: 'the API' } }] });
  });
});
