// AWS parity: request validation set up with the AWS SDK and exercised over real HTTP — required
// parameters, bodies against models (with references between models), content types, the
// customisable gateway responses, and models refused when their schema does not compile.
// Expected messages are AWS-recorded (LocalStack's AWS snapshots) unless the implementation
// marks them unverified.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import {
  CreateDeploymentCommand, CreateModelCommand, CreateRequestValidatorCommand, CreateResourceCommand, CreateRestApiCommand,
  PutGatewayResponseCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand,
  TestInvokeMethodCommand, UpdateModelCommand, UpdateRequestValidatorCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { expectError } from '../helpers/aws-errors.js';

let archway: TestArchway;
let apiId: string;
let rootId: string;
let validatorId: string;
let nestedId: string;

const modelUrl = (name: string) => `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`;

async function mockMethod(resourceId: string, httpMethod: string, method: Omit<ConstructorParameters<typeof PutMethodCommand>[0], 'restApiId' | 'resourceId' | 'httpMethod' | 'authorizationType'>) {
  const gw = archway.apigateway;
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod, authorizationType: 'NONE', ...method }));
  await gw.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId, httpMethod, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}', 'text/plain': '{"statusCode": 200}', 'application/xml': '{"statusCode": 200}' },
    passthroughBehavior: 'WHEN_NO_TEMPLATES',
  }));
  await gw.send(new PutMethodResponseCommand({ restApiId: apiId, resourceId, httpMethod, statusCode: '200' }));
  await gw.send(new PutIntegrationResponseCommand({ restApiId: apiId, resourceId, httpMethod, statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } }));
}

async function deploy() {
  await archway.apigateway.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
}

beforeAll(async () => {
  archway = await startArchway();
  const gw = archway.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name: 'validated' }));
  apiId = api.id!;
  rootId = api.rootResourceId!;
  validatorId = (await gw.send(new CreateRequestValidatorCommand({ restApiId: apiId, name: 'all', validateRequestBody: true, validateRequestParameters: true }))).id!;
  await gw.send(new CreateModelCommand({
    restApiId: apiId, name: 'Pair', contentType: 'application/json',
    schema: JSON.stringify({
      $schema: 'http://json-schema.org/draft-04/schema#', title: 'Pair', type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' }, tag: { type: 'string', pattern: '^[a-z]+$' } }, required: ['a', 'b'],
    }),
  }));
  await gw.send(new CreateModelCommand({
    restApiId: apiId, name: 'PairList', contentType: 'application/json',
    schema: JSON.stringify({ type: 'array', items: { $ref: modelUrl('Pair') } }),
  }));
  await gw.send(new CreateModelCommand({
    restApiId: apiId, name: 'Named', contentType: 'application/json',
    schema: JSON.stringify({ type: 'object', definitions: { name: { type: 'string', minLength: 2 } }, properties: { name: { $ref: '#/definitions/name' } }, required: ['name'] }),
  }));

  // POST /nested/{test}: every parameter kind required, the body a Pair (the AWS-recorded scenario).
  nestedId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'nested' }))).id!;
  const testId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: nestedId, pathPart: '{test}' }))).id!;
  const requestParameters = { 'method.request.path.test': true, 'method.request.querystring.qs1': true, 'method.request.header.x-header-param': true, 'method.request.querystring.optional': false };
  await mockMethod(testId, 'POST', { requestValidatorId: validatorId, requestParameters, requestModels: { 'application/json': 'Pair' } });
  await mockMethod(testId, 'GET', { requestValidatorId: validatorId, requestParameters, requestModels: { 'application/json': 'Pair' } });
  // POST /{issuer}/list: a path parameter the resource does not have (missing, as on AWS), a list of Pairs by reference.
  const listId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'list' }))).id!;
  await mockMethod(listId, 'POST', {
    requestValidatorId: validatorId, requestModels: { 'application/json': 'PairList' },
    requestParameters: { 'method.request.path.issuer': true, 'method.request.header.x-header-param': true, 'method.request.querystring.qs1': true },
  });
  // POST /any: `$default` applies to every content type without its own model.
  const anyId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'any' }))).id!;
  await mockMethod(anyId, 'POST', { requestValidatorId: validatorId, requestModels: { $default: 'Named', 'application/xml': 'Pair' } });
  await gw.send(new PutGatewayResponseCommand({
    restApiId: apiId, responseType: 'BAD_REQUEST_BODY', statusCode: '422',
    responseTemplates: { 'application/json': '{"error": $context.error.messageString, "details": "$context.error.validationErrorString"}' },
  }));
  await deploy();
});

afterAll(async () => {
  await archway?.stop();
});

async function call(method: string, path: string, options: { query?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}) {
  const url = new URL(archway.invokeUrl(apiId, 'dev', path));
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const response = await request(url, { method, headers: options.headers, body: options.body });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

const json = (value: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(value) });
const post = (path: string, value: unknown, query: Record<string, string> = { qs1: 'q' }, headers: Record<string, string> = { 'x-header-param': 'h' }) => {
  const { body, ...type } = json(value);
  return call('POST', path, { query, headers: { ...type, ...headers }, body });
};

describe('required request parameters', () => {
  it('a request with every parameter and a valid body reaches the integration', async () => {
    const response = await post('/nested/value', { a: 1, b: 2 });
    expect(response).toMatchObject({ status: 200, body: '{"ok": true}' });
  });

  it('names every missing parameter as declared, in AWS order', async () => {
    const missing = await call('POST', '/list', { headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body)).toEqual({ message: 'Missing required request parameters: [x-header-param, issuer, qs1]' });
    expect(missing.headers['x-amzn-errortype']).toBe('BadRequestException');
    const noHeader = await call('GET', '/nested/value', { query: { qs1: 'q' } });
    expect(JSON.parse(noHeader.body)).toEqual({ message: 'Missing required request parameters: [x-header-param]' });
    const noQuery = await call('GET', '/nested/value', { headers: { 'x-header-param': 'h' } });
    expect(JSON.parse(noQuery.body)).toEqual({ message: 'Missing required request parameters: [qs1]' });
  });

  it('a blank value counts as missing; header names match in any case', async () => {
    const blank = await post('/nested/value', { a: 1, b: 2 }, { qs1: '' }, { 'X-Header-Param': '  ' });
    expect(JSON.parse(blank.body)).toEqual({ message: 'Missing required request parameters: [x-header-param, qs1]' });
    const upper = await post('/nested/value', { a: 1, b: 2 }, { qs1: 'q' }, { 'X-HEADER-PARAM': 'h' });
    expect(upper.status).toBe(200);
  });
});

describe('request bodies', () => {
  it('a body that does not match the model: 400 Invalid request body, through the BAD_REQUEST_BODY response', async () => {
    const response = await post('/nested/value', { test: 'test' });
    expect(response.status).toBe(422);
    expect(response.headers['x-amzn-errortype']).toBe('BadRequestException');
    expect(JSON.parse(response.body)).toEqual({ error: 'Invalid request body', details: '[object has missing required properties (["a","b"])]' });
  });

  it('an empty body is checked as {} (a GET without a body fails a model with required properties)', async () => {
    const response = await call('GET', '/nested/value', { query: { qs1: 'q' }, headers: { 'x-header-param': 'h' } });
    expect(response.status).toBe(422);
    expect(JSON.parse(response.body).error).toBe('Invalid request body');
  });

  it('a body that is not JSON is invalid', async () => {
    const response = await call('POST', '/nested/value', { query: { qs1: 'q' }, headers: { 'x-header-param': 'h', 'content-type': 'application/json' }, body: '{"a": 1,' });
    expect(response.status).toBe(422);
  });

  it('models reference other models by their AWS URL and their own definitions', async () => {
    expect((await post('/list/', [{ a: 1, b: 2 }, { a: 3, b: 4 }], { qs1: 'q' })).status).toBe(400); // issuer is never there
    const any = (value: unknown, type = 'application/json') => call('POST', '/any', { headers: { 'content-type': type }, body: JSON.stringify(value) });
    expect((await any({ name: 'ab' })).status).toBe(200);
    const short = await any({ name: 'a' });
    expect(short.status).toBe(422);
    expect(JSON.parse(short.body).details).toBe('[string "a" is too short (length: 1, required minimum: 2)]');
  });

  it('the model for the content type applies; `$default` covers the others', async () => {
    const post = (type: string, body: string) => call('POST', '/any', { headers: { 'content-type': type }, body });
    expect((await post('application/xml', JSON.stringify({ name: 'ab' }))).status).toBe(422); // Pair: a and b missing
    expect((await post('application/xml; charset=utf-8', JSON.stringify({ a: 1, b: 2 }))).status).toBe(200);
    expect((await post('text/plain', JSON.stringify({ name: 'x' }))).status).toBe(422); // $default: Named
    expect((await post('text/plain', JSON.stringify({ name: 'xy' }))).status).toBe(200);
  });

  it('without a model for the content type and no `$default`, the body is not validated', async () => {
    const response = await call('POST', '/nested/value', { query: { qs1: 'q' }, headers: { 'x-header-param': 'h', 'content-type': 'text/plain' }, body: 'anything' });
    expect(response.status).toBe(200);
  });

  it('`pattern` is matched anywhere in the string (JSON Schema), in linear time', async () => {
    expect((await post('/nested/value', { a: 1, b: 2, tag: 'abc' })).status).toBe(200);
    const bad = await post('/nested/value', { a: 1, b: 2, tag: 'ABC' });
    expect(JSON.parse(bad.body).details).toBe('[ECMA 262 regex "^[a-z]+$" does not match input string "ABC"]');
  });

  it("a body's inherited properties do not count (required: constructor) and a large failing body reports its first failure", async () => {
    const gw = archway.apigateway;
    const api = await gw.send(new CreateRestApiCommand({ name: 'edges' }));
    const previous = apiId;
    apiId = api.id!;
    try {
      const id = (await gw.send(new CreateRequestValidatorCommand({ restApiId: apiId, name: 'body', validateRequestBody: true }))).id!;
      await gw.send(new CreateModelCommand({ restApiId: apiId, name: 'Proto', contentType: 'application/json', schema: JSON.stringify({ type: 'object', required: ['constructor'] }) }));
      await gw.send(new CreateModelCommand({ restApiId: apiId, name: 'Words', contentType: 'application/json', schema: JSON.stringify({ type: 'array', items: { type: 'string' } }) }));
      const proto = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId!, pathPart: 'proto' }))).id!;
      const words = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId!, pathPart: 'words' }))).id!;
      await mockMethod(proto, 'POST', { requestValidatorId: id, requestModels: { 'application/json': 'Proto' } });
      await mockMethod(words, 'POST', { requestValidatorId: id, requestModels: { 'application/json': 'Words' } });
      await deploy();
      expect((await post('/proto', {})).status).toBe(400);
      expect((await post('/proto', { constructor: 1 })).status).toBe(200);
      const large = await post('/words', Array.from({ length: 100_000 }, () => 1));
      expect(large.status).toBe(400);
      expect(JSON.parse(large.body)).toEqual({ message: 'Invalid request body' });
    } finally {
      apiId = previous;
    }
  });

  it('TestInvokeMethod validates the same way', async () => {
    const testId = (await archway.apigateway.send(new CreateResourceCommand({ restApiId: apiId, parentId: nestedId, pathPart: 'probe' }))).id!;
    await mockMethod(testId, 'POST', { requestValidatorId: validatorId, requestModels: { 'application/json': 'Pair' } });
    const result = await archway.apigateway.send(new TestInvokeMethodCommand({ restApiId: apiId, resourceId: testId, httpMethod: 'POST', body: '{"a": 1}' }));
    expect(result.status).toBe(422);
  });
});

describe('validators and models in the control plane', () => {
  it('a validator with its checks turned off lets everything through after a deployment', async () => {
    const gw = archway.apigateway;
    const api = await gw.send(new CreateRestApiCommand({ name: 'toggled' }));
    const id = (await gw.send(new CreateRequestValidatorCommand({ restApiId: api.id!, name: 'v', validateRequestBody: true, validateRequestParameters: true }))).id!;
    const previous = apiId;
    apiId = api.id!;
    try {
      await gw.send(new CreateModelCommand({ restApiId: apiId, name: 'Pair', contentType: 'application/json', schema: JSON.stringify({ type: 'object', required: ['a'] }) }));
      await mockMethod(api.rootResourceId!, 'POST', { requestValidatorId: id, requestParameters: { 'method.request.querystring.q': true }, requestModels: { 'application/json': 'Pair' } });
      await deploy();
      expect((await post('/', {}, {}, {})).status).toBe(400);
      await gw.send(new UpdateRequestValidatorCommand({
        restApiId: apiId, requestValidatorId: id, patchOperations: [
          { op: 'replace', path: '/validateRequestBody', value: 'false' }, { op: 'replace', path: '/validateRequestParameters', value: 'false' },
        ],
      }));
      expect((await post('/', {}, {}, {})).status).toBe(400); // the deployment still validates
      await deploy();
      expect((await post('/', {}, {}, {})).status).toBe(200);
    } finally {
      apiId = previous;
    }
  });

  it('a schema that does not compile is refused by CreateModel and UpdateModel', async () => {
    const gw = archway.apigateway;
    await expectError(
      gw.send(new CreateModelCommand({ restApiId: apiId, name: 'Broken', contentType: 'application/json', schema: JSON.stringify({ type: 'objectx' }) })),
      'BadRequestException', 'Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]', 400,
    );
    await expectError(
      gw.send(new CreateModelCommand({ restApiId: apiId, name: 'Relative', contentType: 'application/json', schema: JSON.stringify({ type: 'object', properties: { p: { $ref: 'Pair' } } }) })),
      'BadRequestException', 'Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified, Model reference must be in canonical form]', 400,
    );
    await expectError(
      gw.send(new CreateModelCommand({ restApiId: apiId, name: 'Lookahead', contentType: 'application/json', schema: JSON.stringify({ type: 'string', pattern: '^(?!x)(a+)+$' }) })),
      'BadRequestException',
      'Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified, pattern ^(?!x)(a+)+$ needs a backtracking engine: Archway runs patterns in linear time only (RE2 syntax)]',
      400,
    );
    await expectError(
      gw.send(new UpdateModelCommand({ restApiId: apiId, modelName: 'Pair', patchOperations: [{ op: 'replace', path: '/schema', value: JSON.stringify({ type: 'object', required: 'a' }) }] })),
      'BadRequestException', 'Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]', 400,
    );
  });
});
