// AWS_PROXY end to end: functions created with @aws-sdk/client-lambda, wired with
// @aws-sdk/client-api-gateway, called over loopback. Asserts the exact event the function
// received and the exact answer the caller got
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import {
  CreateAliasCommand, PublishVersionCommand, UpdateFunctionCodeCommand, AddPermissionCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetResourcesCommand, PutIntegrationCommand, PutMethodCommand,
  TestInvokeMethodCommand, UpdateRestApiCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient, zipOf } from '../helpers/lambda.js';

let archway: TestArchway;
let lambda: LambdaClient;
let gw: APIGatewayClient;
let apiId: string;
let rootId: string;

const uriOf = (functionArn: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionArn}/invocations`;

/** Answers whatever the event's body asks for: `{"reply": <object returned as is>}`, else echoes the event. */
const ECHO = `export const handler = async (event) => {
  const ask = event.body && event.body.startsWith('{"reply"') ? JSON.parse(event.body).reply : undefined;
  if (ask !== undefined) return ask;
  return { statusCode: 200, body: JSON.stringify(event) };
};`;

async function addMethod(pathPart: string, options: { httpMethod?: string; integrationHttpMethod?: string; uri: string; parentId?: string }): Promise<string> {
  const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: options.parentId ?? rootId, pathPart }))).id!;
  const httpMethod = options.httpMethod ?? 'ANY';
  await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod, authorizationType: 'NONE' }));
  await gw.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId, httpMethod, type: 'AWS_PROXY', integrationHttpMethod: options.integrationHttpMethod ?? 'POST', uri: options.uri,
  }));
  return resourceId;
}

beforeAll(async () => {
  archway = await startArchway();
  lambda = lambdaClient(archway);
  gw = archway.apigateway;
  const echoArn = await createFunction(lambda, 'echo', ECHO);
  await createFunction(lambda, 'thrower', 'export const handler = async () => { throw new Error("boom"); };');
  await createFunction(lambda, 'versioned', 'export const handler = async () => ({ statusCode: 200, body: "v1" });');
  await lambda.send(new PublishVersionCommand({ FunctionName: 'versioned' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'versioned', Name: 'live', FunctionVersion: '1' }));
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'versioned', ZipFile: zipOf('export const handler = async () => ({ statusCode: 200, body: "v2" });') }));

  apiId = (await gw.send(new CreateRestApiCommand({ name: 'lambda-proxy', binaryMediaTypes: ['image/png'] }))).id!;
  rootId = (await gw.send(new GetResourcesCommand({ restApiId: apiId }))).items!.find((r) => r.path === '/')!.id!;
  const pets = await addMethod('pets', { uri: uriOf(echoArn) });
  await addMethod('{id}', { uri: uriOf(echoArn), parentId: pets });
  await addMethod('{proxy+}', { uri: uriOf(echoArn) });
  await addMethod('throws', { uri: uriOf('arn:aws:lambda:us-east-1:000000000000:function:thrower') });
  await addMethod('get-verb', { uri: uriOf(echoArn), integrationHttpMethod: 'GET' });
  await addMethod('by-variable', { uri: uriOf('arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}') });
  await addMethod('alias', { uri: uriOf('arn:aws:lambda:us-east-1:000000000000:function:versioned:live') });
  await addMethod('latest', { uri: uriOf('arn:aws:lambda:us-east-1:000000000000:function:versioned') });
  await addMethod('missing', { uri: uriOf('arn:aws:lambda:us-east-1:000000000000:function:does-not-exist') });
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev', variables: { fn: 'echo', color: 'blue' } }));
});

afterAll(async () => {
  lambda?.destroy();
  await archway?.stop();
});

async function call(path: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(archway.invokeUrl(apiId, 'dev', path), options);
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers as Record<string, string | string[] | undefined>, body, text: body.toString('utf8') };
}

/** Asks the echo function to return `reply` as its proxy response. */
function reply(value: unknown, headers: Record<string, string> = {}) {
  return call('/pets', { method: 'POST', body: JSON.stringify({ reply: value }), headers: { 'content-type': 'application/json', ...headers } });
}

describe('AWS_PROXY event', () => {
  it('hands the function the event AWS sends, field by field', async () => {
    const { status, text, headers } = await call('/pets/42?category=electronics&category=books&price=10&q=a+b%2Bc', {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf-8', 'user-agent': 'parity-test', 'x-custom': 'one', 'X-Forwarded-For': '203.0.113.7' },
      body: '{"message":"hello world"}',
    });
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('application/json');
    const event = JSON.parse(text);
    const host = `127.0.0.1:${archway.port}`;
    expect(event).toEqual({
      resource: '/pets/{id}',
      path: '/pets/42',
      httpMethod: 'POST',
      headers: {
        host,
        'content-type': 'application/json;charset=utf-8',
        'user-agent': 'parity-test',
        'x-custom': 'one',
        'X-Forwarded-For': '203.0.113.7, 127.0.0.1',
        'X-Forwarded-Port': String(archway.port),
        'X-Forwarded-Proto': 'http',
        'X-Amzn-Trace-Id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
      },
      multiValueHeaders: {
        host: [host],
        'content-type': ['application/json;charset=utf-8'],
        'user-agent': ['parity-test'],
        'x-custom': ['one'],
        'X-Forwarded-For': ['203.0.113.7, 127.0.0.1'],
        'X-Forwarded-Port': [String(archway.port)],
        'X-Forwarded-Proto': ['http'],
        'X-Amzn-Trace-Id': [event.headers['X-Amzn-Trace-Id']],
      },
      queryStringParameters: { category: 'books', price: '10', q: 'a b+c' },
      multiValueQueryStringParameters: { category: ['electronics', 'books'], price: ['10'], q: ['a b+c'] },
      pathParameters: { id: '42' },
      stageVariables: { fn: 'echo', color: 'blue' },
      requestContext: {
        resourceId: expect.any(String),
        resourcePath: '/pets/{id}',
        httpMethod: 'POST',
        extendedRequestId: headers['x-amz-apigw-id'],
        requestTime: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
        path: '/dev/pets/42',
        accountId: '000000000000',
        protocol: 'HTTP/1.1',
        stage: 'dev',
        domainPrefix: '127',
        requestTimeEpoch: expect.any(Number),
        requestId: headers['x-amzn-requestid'],
        identity: {
          cognitoIdentityPoolId: null, accountId: null, cognitoIdentityId: null, caller: null, sourceIp: '127.0.0.1', principalOrgId: null,
          accessKey: null, cognitoAuthenticationType: null, cognitoAuthenticationProvider: null, userArn: null, userAgent: 'parity-test', user: null,
        },
        domainName: '127.0.0.1',
        deploymentId: expect.stringMatching(/^[a-z0-9]{6}$/),
        apiId,
      },
      body: '{"message":"hello world"}',
      isBase64Encoded: false,
    });
    expect(Date.now() - event.requestContext.requestTimeEpoch).toBeLessThan(10_000);
  });

  it('uses null for an absent query string, path parameters and body', async () => {
    const event = JSON.parse((await call('/pets', { method: 'GET' })).text);
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.resource).toBe('/pets');
  });

  it('keeps greedy path values raw and the stage in requestContext.path', async () => {
    const event = JSON.parse((await call('/a/test%2Balias@gmail.com/x', { method: 'DELETE' })).text);
    expect(event.resource).toBe('/{proxy+}');
    expect(event.path).toBe('/a/test%2Balias@gmail.com/x');
    expect(event.pathParameters).toEqual({ proxy: 'a/test%2Balias@gmail.com/x' });
    expect(event.requestContext.path).toBe('/dev/a/test%2Balias@gmail.com/x');
    expect(event.httpMethod).toBe('DELETE');
  });

  it('base64-encodes a body whose Content-Type is a binary media type', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const event = JSON.parse((await call('/pets', { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png })).text);
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(png.toString('base64'));
  });

  it('drops Content-Length and Connection and keeps the last of repeated headers in `headers`', async () => {
    const event = JSON.parse((await call('/pets', { method: 'GET', headers: ['x-multi', 'a', 'x-multi', 'b', 'connection', 'keep-alive'] })).text);
    expect(event.headers['x-multi']).toBe('b');
    expect(event.multiValueHeaders['x-multi']).toEqual(['a', 'b']);
    expect(Object.keys(event.headers).map((k) => k.toLowerCase())).not.toContain('connection');
    expect(Object.keys(event.headers).map((k) => k.toLowerCase())).not.toContain('content-length');
  });
});

describe('AWS_PROXY response', () => {
  it('answers 200 with an empty body and application/json for {"statusCode": 200}', async () => {
    const { status, text, headers } = await reply({ statusCode: 200 });
    expect(status).toBe(200);
    expect(text).toBe('');
    expect(headers['content-type']).toBe('application/json');
  });

  it('takes a numeric-string statusCode and a missing one as 200', async () => {
    expect((await reply({ statusCode: '201', body: 'created' })).status).toBe(201);
    const noStatus = await reply({ headers: { 'x-a': 'b' }, body: 'x' });
    expect(noStatus.status).toBe(200);
    expect(noStatus.headers['x-a']).toBe('b');
  });

  it('stringifies header values and merges multiValueHeaders first, with their casing', async () => {
    const { headers, text } = await reply({
      statusCode: 200,
      headers: { 'header-bool': true, 'Test-Multi': 'value-solo', 'content-type': 'text/plain' },
      multiValueHeaders: { 'test-multi': ['value-multi'], 'Set-Cookie': ['a=1', 'b=2'] },
      body: 'plain',
    });
    expect(text).toBe('plain');
    expect(headers['header-bool']).toBe('true');
    // Two header lines, multi value first, under multiValueHeaders' casing (clients join them: `value-multi, value-solo`).
    expect(headers['test-multi']).toEqual(['value-multi', 'value-solo']);
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(headers['content-type']).toBe('text/plain');
  });

  it('accepts headers: null', async () => {
    expect((await reply({ statusCode: 204, headers: null })).status).toBe(204);
  });

  it('decodes a base64 body only when the first Accept type is binary', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x01]);
    const answer = { statusCode: 200, headers: { 'content-type': 'image/png' }, body: png.toString('base64'), isBase64Encoded: true };
    const binary = await reply(answer, { accept: 'image/png, text/plain' });
    expect(binary.body.equals(png)).toBe(true);
    const text = await reply(answer, { accept: 'text/plain, image/png' });
    expect(text.text).toBe(png.toString('base64'));
  });

  it.each([
    ['a non-numeric statusCode', { statusCode: 'test' }],
    ['an unknown top-level key', { statusCode: 200, wrongValue: 1 }],
    ['a multiValueHeaders value that is not an array', { statusCode: 200, multiValueHeaders: { a: 'b' } }],
    ['a body that is not a string', { statusCode: 200, body: { a: 1 } }],
    ['a bare string', 'hello'],
    ['an array', [1, 2]],
    ['null', null],
  ])('answers 502 for %s', async (_case, value) => {
    const { status, text, headers } = await reply(value);
    expect(status).toBe(502);
    expect(text).toBe('{"message": "Internal server error"}');
    expect(headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(headers['content-type']).toBe('application/json');
  });

  it('answers 502 when the function throws, without showing the error', async () => {
    const { status, text } = await call('/throws');
    expect(status).toBe(502);
    expect(text).toBe('{"message": "Internal server error"}');
  });

  it('answers 500 for a non-POST integration method and for a function that does not exist', async () => {
    const verb = await call('/get-verb');
    expect(verb.status).toBe(500);
    expect(verb.text).toBe('{"message": "Internal server error"}');
    const missing = await call('/missing');
    expect(missing.status).toBe(500);
    expect(missing.text).toBe('{"message": "Internal server error"}');
  });
});

describe('integration timeout', () => {
  it('answers 504 when the function outlasts timeoutInMillis', async () => {
    const arn = await createFunction(lambda, 'sleepy', 'export const handler = () => new Promise((r) => setTimeout(() => r({ statusCode: 200 }), 2000));', { Timeout: 5 });
    const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'sleepy' }))).id!;
    await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await gw.send(new PutIntegrationCommand({
      restApiId: apiId, resourceId, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: uriOf(arn), timeoutInMillis: 200,
    }));
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
    let answer = await call('/sleepy');
    for (let i = 0; i < 50 && answer.status === 403; i++) answer = await call('/sleepy');
    expect(answer.status).toBe(504);
    expect(answer.text).toBe('{"message": "Endpoint request timed out"}');
  });
});

describe('function ARNs in the integration URI', () => {
  it('resolves ${stageVariables.fn}', async () => {
    const event = JSON.parse((await call('/by-variable')).text);
    expect(event.resource).toBe('/by-variable');
  });

  it('runs the version an alias points at, and $LATEST unqualified', async () => {
    expect((await call('/alias')).text).toBe('v1');
    expect((await call('/latest')).text).toBe('v2');
  });
});

describe('TestInvokeMethod on a Lambda proxy method', () => {
  it('invokes the function and returns its answer and the execution log', async () => {
    const resources = (await gw.send(new GetResourcesCommand({ restApiId: apiId }))).items!;
    const pet = resources.find((r) => r.path === '/pets/{id}')!;
    const result = await gw.send(new TestInvokeMethodCommand({
      restApiId: apiId, resourceId: pet.id, httpMethod: 'ANY', pathWithQueryString: '/pets/7?x=1', stageVariables: { fn: 'echo' },
    }));
    expect(result.status).toBe(200);
    const event = JSON.parse(result.body!);
    expect(event.pathParameters).toEqual({ id: '7' });
    expect(event.queryStringParameters).toEqual({ x: '1' });
    expect(event.requestContext.stage).toBe('test-invoke-stage');
    expect(event.stageVariables).toEqual({ fn: 'echo' });
    expect(result.log).toContain('Endpoint request body after transformations: {"resource":"/pets/{id}"');
    expect(result.log).toContain('Method completed with status: 200');
  });
});

describe('--enforce-lambda-permissions', () => {
  it('answers 500 until a policy lets API Gateway invoke the function, then 200', async () => {
    const strict = await startArchway({ enforceLambdaPermissions: true });
    const strictLambda = lambdaClient(strict);
    try {
      const arn = await createFunction(strictLambda, 'guarded', 'export const handler = async () => ({ statusCode: 200, body: "ok" });');
      const api = (await strict.apigateway.send(new CreateRestApiCommand({ name: 'strict' }))).id!;
      const root = (await strict.apigateway.send(new GetResourcesCommand({ restApiId: api }))).items![0].id!;
      const resource = (await strict.apigateway.send(new CreateResourceCommand({ restApiId: api, parentId: root, pathPart: 'g' }))).id!;
      await strict.apigateway.send(new PutMethodCommand({ restApiId: api, resourceId: resource, httpMethod: 'GET', authorizationType: 'NONE' }));
      await strict.apigateway.send(new PutIntegrationCommand({
        restApiId: api, resourceId: resource, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: uriOf(arn),
      }));
      await strict.apigateway.send(new CreateDeploymentCommand({ restApiId: api, stageName: 'prod' }));
      const denied = await request(strict.invokeUrl(api, 'prod', '/g'));
      expect(denied.statusCode).toBe(500);
      expect(await denied.body.text()).toBe('{"message": "Internal server error"}');

      await strictLambda.send(new AddPermissionCommand({
        FunctionName: 'guarded', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
        SourceArn: `arn:aws:execute-api:us-east-1:000000000000:${api}/*/GET/g`,
      }));
      const allowed = await request(strict.invokeUrl(api, 'prod', '/g'));
      expect(allowed.statusCode).toBe(200);
      expect(await allowed.body.text()).toBe('ok');
    } finally {
      strictLambda.destroy();
      await strict.stop();
    }
  });
});

describe('binary media types set after the fact', () => {
  it('follows UpdateRestApi + redeploy', async () => {
    await gw.send(new UpdateRestApiCommand({ restApiId: apiId, patchOperations: [{ op: 'add', path: '/binaryMediaTypes/application~1octet-stream' }] }));
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
    let event: { isBase64Encoded: boolean } = { isBase64Encoded: false };
    for (let i = 0; i < 50 && !event.isBase64Encoded; i++) {
      event = JSON.parse((await call('/pets', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([1, 2, 3]) })).text);
      if (!event.isBase64Encoded) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(event.isBase64Encoded).toBe(true);
  });
});
