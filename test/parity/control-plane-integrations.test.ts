// AWS parity: Integrations, IntegrationResponses and TestInvokeMethod of the apigateway
// control plane through the real AWS SDK v3 client. Expected messages are AWS-recorded unless
// the implementation marks them unverified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient, CreateRestApiCommand, DeleteIntegrationCommand, DeleteIntegrationResponseCommand, GetIntegrationCommand,
  GetIntegrationResponseCommand, GetMethodCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand,
  PutMethodResponseCommand, TestInvokeMethodCommand, UpdateIntegrationCommand, UpdateIntegrationResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { expectError } from '../helpers/aws-errors.js';

let archway: TestArchway;
let client: APIGatewayClient;

beforeAll(async () => {
  archway = await startArchway();
  client = archway.apigateway;
});
afterAll(async () => {
  await archway?.stop();
});

const LAMBDA_URI = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:fn/invocations';

/** An API whose root has GET with `method.request.querystring.q` declared. */
async function apiWithMethod(): Promise<{ id: string; root: string }> {
  const api = await client.send(new CreateRestApiCommand({ name: 'integrations' }));
  await client.send(new PutMethodCommand({
    restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE',
    requestParameters: { 'method.request.querystring.q': false, 'method.request.path.id': true },
  }));
  return { id: api.id!, root: api.rootResourceId! };
}

describe('Integrations', () => {
  it('puts an HTTP integration with AWS defaults', async () => {
    const { id, root } = await apiWithMethod();
    const put = await client.send(new PutIntegrationCommand({
      restApiId: id, resourceId: root, httpMethod: 'GET', type: 'HTTP', integrationHttpMethod: 'GET', uri: 'https://example.com/pets/{id}',
      requestParameters: { 'integration.request.querystring.search': 'method.request.querystring.q', 'integration.request.path.id': 'method.request.path.id', 'integration.request.header.x-static': "'v'" },
      requestTemplates: { 'application/json': '{"q": "$input.params(\'q\')"}', 'text/plain': '' },
    }));
    expect(put.$metadata.httpStatusCode).toBe(201);
    expect(put).toMatchObject({
      type: 'HTTP', httpMethod: 'GET', uri: 'https://example.com/pets/{id}', passthroughBehavior: 'WHEN_NO_MATCH', timeoutInMillis: 29000,
      cacheNamespace: root, cacheKeyParameters: [],
    });
    expect(put.requestTemplates).toEqual({ 'application/json': '{"q": "$input.params(\'q\')"}', 'text/plain': null });
    const got = await client.send(new GetIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }));
    expect(got.requestParameters).toEqual(put.requestParameters);
    const method = await client.send(new GetMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }));
    expect(method.methodIntegration?.type).toBe('HTTP');
  });

  it('accepts MOCK, AWS_PROXY (Lambda) and stage-variable URIs', async () => {
    const { id, root } = await apiWithMethod();
    const mock = await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    expect(mock.httpMethod).toBeUndefined();
    expect(mock.uri).toBeUndefined();
    const lambda = await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: LAMBDA_URI, timeoutInMillis: 5000 }));
    expect(lambda).toMatchObject({ type: 'AWS_PROXY', uri: LAMBDA_URI, timeoutInMillis: 5000 });
    const staged = await client.send(new PutIntegrationCommand({
      restApiId: id, resourceId: root, httpMethod: 'GET', type: 'HTTP_PROXY', integrationHttpMethod: 'ANY', uri: 'http://${stageVariables.host}/x',
      connectionType: 'VPC_LINK', connectionId: '${stageVariables.vpcLinkId}',
    }));
    expect(staged).toMatchObject({ connectionType: 'VPC_LINK', connectionId: '${stageVariables.vpcLinkId}' });
  });

  it('validates PutIntegration with AWS messages', async () => {
    const { id, root } = await apiWithMethod();
    const put = (input: Record<string, unknown>) =>
      client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', ...input } as never));
    await expectError(put({ type: 'FOO' }), 'ValidationException',
      "1 validation error detected: Value 'FOO' at 'putIntegrationInput.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]", 400);
    await expectError(put({ type: 'HTTP', uri: 'https://example.com' }), 'BadRequestException', 'Enumeration value for HttpMethod must be non-empty', 400);
    await expectError(put({ type: 'HTTP', integrationHttpMethod: 'GET', uri: 'non-valid-http' }), 'BadRequestException', 'Invalid HTTP endpoint specified for URI', 400);
    await expectError(put({ type: 'AWS', integrationHttpMethod: 'POST', uri: 'non-valid-arn' }), 'BadRequestException', 'Invalid ARN specified in the request', 400);
    await expectError(put({ type: 'AWS', integrationHttpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:s3:bucket/key' }), 'BadRequestException',
      'AWS ARN for integration must contain path or action', 400);
    await expectError(put({ type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:s3:path/bucket' }), 'BadRequestException',
      "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.", 400);
    // A Lambda URI must name a function's invocations, or the method could only ever answer 500.
    for (const uri of ['arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/not a function/invocations', 'arn:aws:apigateway:us-east-1:lambda:path/foo']) {
      await expectError(put({ type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri }), 'BadRequestException', 'Invalid ARN specified in the request', 400);
    }
    await expectError(put({ type: 'MOCK', timeoutInMillis: 30000 }), 'BadRequestException', 'Timeout should be between 50 ms and 29000 ms', 400);
    await expectError(put({ type: 'MOCK', timeoutInMillis: 49 }), 'BadRequestException', 'Timeout should be between 50 ms and 29000 ms', 400);
    await expectError(put({ type: 'MOCK', requestParameters: { 'integration.request.querystring.x': 'method.request.querystring.x' } }), 'BadRequestException',
      'Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: method.request.querystring.x]', 400);
    await expectError(put({ type: 'MOCK', requestParameters: { 'integration.request.querystring.x': 'true' } }), 'BadRequestException',
      'Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: true]', 400);
    await expectError(put({ type: 'MOCK', requestParameters: { 'integration.request.querystring.x': true } }), 'SerializationException',
      'class java.lang.Boolean can not be converted to an String', 400);
    await expectError(put({ type: 'MOCK', requestTemplates: { 123: 'x' } }), 'BadRequestException',
      'Validation Result: warnings : [], errors : [Invalid content type specified: 123]', 400);
    await expectError(client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'POST', type: 'MOCK' })),
      'NotFoundException', 'Invalid Method identifier specified', 404);
    await expectError(client.send(new PutIntegrationCommand({ restApiId: id, resourceId: 'nosuch', httpMethod: 'GET', type: 'MOCK' })),
      'NotFoundException', 'Invalid Resource identifier specified', 404);
  });

  it('updates and deletes an integration', async () => {
    const { id, root } = await apiWithMethod();
    await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', type: 'HTTP', integrationHttpMethod: 'GET', uri: 'https://a.example.com' }));
    const update = (patchOperations: unknown[]) =>
      client.send(new UpdateIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', patchOperations } as never));
    const updated = await update([
      { op: 'replace', path: '/uri', value: 'https://b.example.com' },
      { op: 'replace', path: '/timeoutInMillis', value: '1000' },
      { op: 'add', path: '/requestTemplates/application~1json' },
      { op: 'add', path: '/requestParameters/integration.request.header.x', value: 'method.request.querystring.q' },
      { op: 'add', path: '/cacheKeyParameters/method.request.querystring.q' },
    ]);
    expect(updated).toMatchObject({
      uri: 'https://b.example.com', timeoutInMillis: 1000, requestTemplates: { 'application/json': null },
      requestParameters: { 'integration.request.header.x': 'method.request.querystring.q' }, cacheKeyParameters: ['method.request.querystring.q'],
    });
    await expectError(update([{ op: 'replace', path: '/uri', value: 'nope' }]), 'BadRequestException', 'Invalid HTTP endpoint specified for URI', 400);
    await expectError(update([{ op: 'replace', path: '/timeoutInMillis', value: '99999' }]), 'BadRequestException', 'Timeout should be between 50 ms and 29000 ms', 400);
    await expectError(update([{ op: 'replace', path: '/nope', value: 'x' }]), 'BadRequestException', 'Invalid patch path /nope', 400);
    expect((await client.send(new GetIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }))).uri).toBe('https://b.example.com');

    expect((await client.send(new DeleteIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }))).$metadata.httpStatusCode).toBe(204);
    await expectError(client.send(new GetIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' })),
      'NotFoundException', 'Invalid Integration identifier specified', 404);
    await expectError(client.send(new GetIntegrationCommand({ restApiId: 'nosuchapi0', resourceId: root, httpMethod: 'GET' })),
      'NotFoundException', 'Invalid Resource identifier specified', 404);
  });
});

describe('IntegrationResponses', () => {
  async function apiWithIntegration() {
    const api = await apiWithMethod();
    await client.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.root, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await client.send(new PutMethodResponseCommand({
      restApiId: api.id, resourceId: api.root, httpMethod: 'GET', statusCode: '200', responseParameters: { 'method.response.header.X-Out': false },
    }));
    return api;
  }

  it('puts, overwrites, updates, gets and deletes', async () => {
    const { id, root } = await apiWithIntegration();
    const put = await client.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200', selectionPattern: '',
      responseTemplates: { 'application/json': '"created"' }, responseParameters: { 'method.response.header.X-Out': 'integration.response.header.X-In' },
    }));
    expect(put.$metadata.httpStatusCode).toBe(201);
    expect(put).toMatchObject({ statusCode: '200', selectionPattern: '', responseTemplates: { 'application/json': '"created"' } });
    const updated = await client.send(new UpdateIntegrationResponseCommand({
      restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200',
      patchOperations: [{ op: 'replace', path: '/selectionPattern', value: 'updated-pattern' }, { op: 'add', path: '/responseTemplates/text~1plain', value: 'hi' }],
    }));
    expect(updated).toMatchObject({ selectionPattern: 'updated-pattern', responseTemplates: { 'application/json': '"created"', 'text/plain': 'hi' } });
    const overwritten = await client.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200', selectionPattern: 'overwrite-pattern', responseTemplates: { 'application/json': '' },
    }));
    expect(overwritten.responseTemplates).toEqual({ 'application/json': null });
    expect(overwritten.responseParameters).toBeUndefined();
    const method = await client.send(new GetMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }));
    expect(method.methodIntegration?.integrationResponses?.['200'].selectionPattern).toBe('overwrite-pattern');
    const got = await client.send(new GetIntegrationResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' }));
    expect(got.selectionPattern).toBe('overwrite-pattern');
    expect((await client.send(new DeleteIntegrationResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' }))).$metadata.httpStatusCode).toBe(204);
    await expectError(client.send(new GetIntegrationResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' })),
      'NotFoundException', 'Invalid Response status code specified', 404);
  });

  it('validates with AWS messages', async () => {
    const { id, root } = await apiWithIntegration();
    const put = (statusCode: string, input: Record<string, unknown> = {}, httpMethod = 'GET') =>
      client.send(new PutIntegrationResponseCommand({ restApiId: id, resourceId: root, httpMethod, statusCode, ...input } as never));
    await expectError(put('wrong'), 'ValidationException',
      "1 validation error detected: Value 'wrong' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d", 400);
    await expectError(put('200', { responseParameters: { 'method.response.header.Undeclared': "'x'" } }), 'BadRequestException',
      'Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: method.response.header.Undeclared]', 400);
    await expectError(put('200', { responseParameters: { 'method.response.header.X-Out': 'nonsense' } }), 'BadRequestException',
      'Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: nonsense]', 400);
    await expectError(put('200', { responseTemplates: { 'application/json': 123 } }), 'SerializationException',
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String', 400);
    await expectError(put('200', { responseTemplates: { 123: 'x' } }), 'BadRequestException', 'Validation Result: warnings : [], errors : [Invalid content type specified: 123]', 400);
    await expectError(put('200', { selectionPattern: '(' }), 'BadRequestException', /selection pattern/, 400);
    await expectError(put('200', {}, 'POST'), 'NotFoundException', 'Invalid Method identifier specified', 404);
    await expectError(client.send(new GetIntegrationResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '500' })),
      'NotFoundException', 'Invalid Response status code specified', 404);
    await expectError(client.send(new DeleteIntegrationResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'POST', statusCode: '200' })),
      'NotFoundException', 'Invalid Integration identifier specified', 404);
    await expectError(client.send(new GetIntegrationResponseCommand({ restApiId: 'nosuchapi0', resourceId: root, httpMethod: 'GET', statusCode: '200' })),
      'NotFoundException', 'Invalid Resource identifier specified', 404);

    const bare = await apiWithMethod();
    await expectError(client.send(new PutIntegrationResponseCommand({ restApiId: bare.id, resourceId: bare.root, httpMethod: 'GET', statusCode: '200' })),
      'NotFoundException', 'Invalid Integration identifier specified', 404);
  });
});

describe('TestInvokeMethod', () => {
  it('runs the working copy of a method', async () => {
    const { id, root } = await apiWithMethod();
    await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await client.send(new PutMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' }));
    await client.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"pets": "all the pets"}' },
    }));
    const result = await client.send(new TestInvokeMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', pathWithQueryString: '/?q=1' }));
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(result.status).toBe(200);
    expect(typeof result.log).toBe('string');
    expect(typeof result.latency).toBe('number');
    expect(result.body).toBe('{"pets": "all the pets"}');

    await expectError(client.send(new TestInvokeMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'POST' })),
      'NotFoundException', 'Invalid Method identifier specified', 404);
    await expectError(client.send(new TestInvokeMethodCommand({ restApiId: id, resourceId: 'nosuch', httpMethod: 'GET' })),
      'NotFoundException', 'Invalid Resource identifier specified', 404);
    await expectError(client.send(new TestInvokeMethodCommand({ restApiId: 'nosuchapi0', resourceId: root, httpMethod: 'GET' })),
      'NotFoundException', 'Invalid Resource identifier specified', 404);
  });
});
