// HTTP API Lambda (REQUEST) authorizers
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html):
// the events in both payload formats, the answers in both response formats, and the step on a
// context built by hand, the authorizer function played by an in-process FunctionInvoker behind
// the real Lambda dispatcher.
import { describe, it, expect } from 'vitest';
import {
  compileHttpLambdaAuthorizer, httpAuthorizerEvent, httpLambdaAuthorizer, parseHttpAuthorizerAnswer,
} from '../../../src/data-plane/http-api/lambda-authorizer.js';
import type { HttpEventSource } from '../../../src/integrations/lambda-http-event.js';
import type { HttpApiDefinition, HttpAuthorizer } from '../../../src/model/http-api.js';
import type { IntegrationRegistry } from '../../../src/integrations/index.js';
import { LambdaIntegration } from '../../../src/integrations/lambda.js';
import type { FunctionInvoker, InvokeInput, InvokeOutput } from '../../../src/functions/local-runtime.js';
import { compileHttpDeployment, compileHttpStage } from '../../../src/compiler/http-api/compile-http-deployment.js';
import { HttpContext, type HttpRoutedContext } from '../../../src/data-plane/http-api/http-context.js';
import { route } from '../../../src/data-plane/http-api/route.js';
import { httpErrorStep } from '../../../src/data-plane/http-api/errors.js';
import { testServices } from '../../helpers/pipeline-services.js';
import type { PipelineServices } from '../../../src/data-plane/pipeline/context.js';
import type { BufferedOutput } from '../../../src/data-plane/pipeline/response.js';

const ACCOUNT = '123456789012';
const URI = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:auth/invocations`;
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }] };

function source(overrides: Partial<HttpEventSource> = {}): HttpEventSource {
  return {
    routeKey: 'POST /pets/{id}',
    httpMethod: 'POST',
    requestPath: '/prod/pets/42',
    rawQuery: 'tag=a&tag=b',
    rawHeaders: ['Host', 'abc123.execute-api.localhost:4566', 'Authorization', 'secret', 'Cookie', 'a=1; b=2', 'Content-Type', 'application/json'],
    body: Buffer.from('{"name":"rex"}'),
    pathParameters: { id: '42' },
    stageVariables: { tier: 'gold' },
    stageName: 'prod',
    apiId: 'abc123',
    accountId: ACCOUNT,
    domainName: 'abc123.execute-api.localhost',
    requestId: 'Mc7UVioPPHcEKPA=',
    requestTimeEpoch: Date.UTC(2024, 2, 5, 7, 8, 9),
    sourceIp: '203.0.113.7',
    protocol: 'HTTP/1.1',
    authorizer: undefined,
    identity: undefined,
    ...overrides,
  };
}

const ARN = `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/prod/POST/pets/42`;

describe('the authorizer event', () => {
  it('payload 2.0: routeArn and the identity values as a list, then the request without its body', () => {
    const text = httpAuthorizerEvent(source(), '2.0', ['secret', 'gold'], ARN);
    const event = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(event).slice(0, 4)).toEqual(['version', 'type', 'routeArn', 'identitySource']);
    expect(event).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeArn: ARN,
      identitySource: ['secret', 'gold'],
      routeKey: 'POST /pets/{id}',
      rawPath: '/prod/pets/42',
      rawQueryString: 'tag=a&tag=b',
      cookies: ['a=1', 'b=2'],
      headers: { authorization: 'secret', 'content-type': 'application/json', 'content-length': '14' },
      queryStringParameters: { tag: 'a,b' },
      requestContext: { accountId: ACCOUNT, apiId: 'abc123', http: { method: 'POST', path: '/prod/pets/42', sourceIp: '203.0.113.7' }, requestId: 'Mc7UVioPPHcEKPA=', routeKey: 'POST /pets/{id}', stage: 'prod' },
      pathParameters: { id: '42' },
      stageVariables: { tier: 'gold' },
    });
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('isBase64Encoded');
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('payload 1.0: the REST REQUEST event with methodArn and the values comma-joined', () => {
    const event = JSON.parse(httpAuthorizerEvent(source(), '1.0', ['secret', 'gold'], ARN)) as Record<string, unknown>;
    expect(event).toMatchObject({
      version: '1.0',
      type: 'REQUEST',
      methodArn: ARN,
      identitySource: 'secret,gold',
      authorizationToken: 'secret,gold',
      resource: '/pets/{id}',
      path: '/prod/pets/42',
      httpMethod: 'POST',
      headers: { Authorization: 'secret', 'Content-Length': '14' },
      multiValueHeaders: { Authorization: ['secret'], 'Content-Length': ['14'] },
      queryStringParameters: { tag: 'b' },
      multiValueQueryStringParameters: { tag: ['a', 'b'] },
      pathParameters: { id: '42' },
      stageVariables: { tier: 'gold' },
      requestContext: { resourcePath: '/pets/{id}', httpMethod: 'POST', stage: 'prod', requestId: 'Mc7UVioPPHcEKPA=' },
    });
    expect(event).not.toHaveProperty('body');
    expect(event).not.toHaveProperty('isBase64Encoded');
  });
});

describe('the answer', () => {
  it('simple responses: isAuthorized and the context as returned', () => {
    const context = { s: 'v', n: 1, b: true, list: ['x', 'y'], map: { k: 'v' } };
    expect(parseHttpAuthorizerAnswer(JSON.stringify({ isAuthorized: true, context }), true)).toMatchObject({ isAuthorized: true, context });
    expect(parseHttpAuthorizerAnswer('{"isAuthorized": false}', true)).toMatchObject({ isAuthorized: false, context: {} });
  });

  it('IAM policy answers: the policy decides per route ARN, the context passes as returned', () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:abc123/*/GET/*' }] };
    const answer = parseHttpAuthorizerAnswer(JSON.stringify({ principalId: 'alice', policyDocument: policy, context: { list: [1] } }), false);
    if ('malformed' in answer || answer.policy === undefined) throw new Error('expected a policy answer');
    expect(answer.policy.principalId).toBe('alice');
    expect(answer.context).toEqual({ list: [1] });
    expect(answer.policy.decide(`arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/prod/GET/pets`, () => ({}))).toBe('allow');
    expect(answer.policy.decide(ARN, () => ({}))).toBe('silent');
  });

  it('a wrong shape is malformed (500)', () => {
    for (const [text, simple] of [
      ['not json', true], ['[]', true], ['{"isAuthorized": "true"}', true], ['{"context": {}}', true], ['{"isAuthorized": true, "context": [1]}', true],
      [JSON.stringify({ isAuthorized: true }), false], [JSON.stringify({ principalId: 'p' }), false], [JSON.stringify({ policyDocument: ALLOW_ALL }), false],
      [JSON.stringify({ principalId: 'p', policyDocument: ALLOW_ALL, context: 'x' }), false],
    ] as const) {
      expect(parseHttpAuthorizerAnswer(text, simple), text).toHaveProperty('malformed');
    }
  });
});

describe('compileHttpLambdaAuthorizer', () => {
  it('reads the function, the identity sources (header names case-insensitive), the format and the TTL', () => {
    const compiled = compileHttpLambdaAuthorizer(authorizer({ identitySource: ['$request.header.X-Token', '$request.querystring.User', '$context.routeKey', '$stageVariables.tier'] }), undefined);
    expect(compiled).toMatchObject({
      id: 'auth1',
      payloadFormatVersion: '2.0',
      simpleResponses: true,
      ttlMs: 0,
      identitySources: [{ kind: 'header', name: 'x-token' }, { kind: 'querystring', name: 'User' }, { kind: 'context', name: 'routeKey' }, { kind: 'stageVariables', name: 'tier' }],
    });
    expect(compiled.functionRef?.constant).toBe(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:auth`);
    expect(compileHttpLambdaAuthorizer(authorizer({ authorizerResultTtlInSeconds: 300 }), undefined).ttlMs).toBe(300_000);
  });
});

// ------------------------------------------------------------------------------------------
// The step, on a routed context.

function authorizer(overrides: Partial<HttpAuthorizer> = {}): HttpAuthorizer {
  return {
    authorizerId: 'auth1',
    name: 'lambda-authorizer',
    authorizerType: 'REQUEST',
    identitySource: ['$request.header.Authorization'],
    authorizerUri: URI,
    authorizerPayloadFormatVersion: '2.0',
    enableSimpleResponses: true,
    ...overrides,
  };
}

/** The authorizer function: answers each event with `answer(event)`; `{ error }` fails with that message. */
class AuthorizerFunction implements FunctionInvoker {
  readonly calls: InvokeInput[] = [];
  constructor(private readonly answer: (event: Record<string, unknown>) => unknown) {}

  invoke(input: InvokeInput): Promise<InvokeOutput> {
    this.calls.push(input);
    const result = this.answer(JSON.parse(input.payload) as Record<string, unknown>);
    const base = { statusCode: 200 as const, executedVersion: '$LATEST', requestId: 'req' };
    if (result !== null && typeof result === 'object' && 'error' in result) {
      return Promise.resolve({ ...base, functionError: 'Unhandled', payload: JSON.stringify({ errorMessage: result.error, errorType: 'Error' }) });
    }
    return Promise.resolve({ ...base, payload: JSON.stringify(result) });
  }
}

function services(): PipelineServices {
  return testServices(ACCOUNT);
}

/** An API whose routes use `config`, its authorizer played by `fn`; `request` routes a request to its `prod` stage. */
function api(config: Partial<HttpAuthorizer>, fn: AuthorizerFunction) {
  const lambda = new LambdaIntegration('AWS_PROXY', fn);
  const integrations: IntegrationRegistry = { dispatcherFor: (type) => (type === 'AWS_PROXY' ? lambda : undefined) };
  const snapshot: HttpApiDefinition = {
    api: {
      apiId: 'abc123', name: 'pets', protocolType: 'HTTP', apiKeySelectionExpression: '$request.header.x-api-key', routeSelectionExpression: '$request.method $request.path',
      createdDate: '2024-01-01T00:00:00Z', disableExecuteApiEndpoint: false, ipAddressType: 'ipv4', tags: {},
    },
    routes: ['GET /pets', 'POST /pets/{id}'].map((routeKey, i) => ({
      routeId: `r${i}`, routeKey, target: 'integrations/i1', apiKeyRequired: false, authorizationType: 'CUSTOM' as const, authorizerId: 'auth1',
    })),
    integrations: [{ integrationId: 'i1', integrationType: 'AWS_PROXY', integrationUri: URI, connectionType: 'INTERNET', payloadFormatVersion: '2.0', timeoutInMillis: 30_000 }],
    authorizers: [authorizer(config)],
  };
  const deployment = compileHttpDeployment(snapshot, 'd1', { integrations });
  const stage = compileHttpStage(deployment, { stageName: 'prod', stageVariables: { tier: 'gold' }, defaultRouteSettings: {}, routeSettings: {} }, { rate: 10_000, burst: 5_000 });
  const step = httpLambdaAuthorizer(compileHttpLambdaAuthorizer(authorizer(config), integrations));
  const shared = services();
  return {
    async request(method: string, path: string, rawHeaders: string[] = [], rawQuery = ''): Promise<{ ctx: HttpRoutedContext; response: BufferedOutput | undefined }> {
      const ctx = new HttpContext({ httpMethod: method, path, rawQuery, rawHeaders, sourceIp: '203.0.113.7', protocol: 'HTTP/1.1', body: Buffer.alloc(0) }, `/prod${path}`, stage, shared);
      route.run(ctx);
      const routed = ctx as HttpRoutedContext;
      try {
        await step.run(routed);
      } catch (error) {
        httpErrorStep(ctx, error);
      }
      return { ctx: routed, response: ctx.response as BufferedOutput | undefined };
    },
  };
}

const answerOf = (response: BufferedOutput | undefined) => response === undefined ? undefined : { status: response.statusCode, body: response.body.toString() };

describe('the step', () => {
  it('refuses 401 without calling the function when an identity source is missing or empty', async () => {
    const fn = new AuthorizerFunction(() => ({ isAuthorized: true }));
    const { request } = api({}, fn);
    expect(answerOf((await request('GET', '/pets')).response)).toEqual({ status: 401, body: '{"message":"Unauthorized"}' });
    expect(answerOf((await request('GET', '/pets', ['Authorization', ''])).response)).toEqual({ status: 401, body: '{"message":"Unauthorized"}' });
    expect(fn.calls).toHaveLength(0);
  });

  it('admits isAuthorized: true and hands the context to the integration as authorizer.lambda', async () => {
    const fn = new AuthorizerFunction((event) => ({ isAuthorized: event.identitySource instanceof Array && event.identitySource[0] === 'secret', context: { user: 'alice', n: 1 } }));
    const { request } = api({}, fn);
    const { ctx, response } = await request('GET', '/pets', ['authorization', 'secret']);
    expect(response).toBeUndefined();
    expect(ctx.authorizer).toEqual({ lambda: { user: 'alice', n: 1 } });
    expect(fn.calls[0]).toMatchObject({ functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:auth`, caller: { principal: 'apigateway.amazonaws.com', sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/authorizers/auth1` } });
    expect(JSON.parse(fn.calls[0].payload)).toMatchObject({ type: 'REQUEST', routeArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/prod/GET/pets`, routeKey: 'GET /pets' });
  });

  it('answers 403 Forbidden to isAuthorized: false', async () => {
    const { request } = api({}, new AuthorizerFunction(() => ({ isAuthorized: false })));
    expect(answerOf((await request('GET', '/pets', ['Authorization', 'wrong'])).response)).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
  });

  it('answers 500 to a function error, a malformed answer, and 401 to an "Unauthorized" error', async () => {
    const failing = api({}, new AuthorizerFunction(() => ({ error: 'boom' })));
    expect(answerOf((await failing.request('GET', '/pets', ['Authorization', 'x'])).response)).toEqual({ status: 500, body: '{"message":"Internal Server Error"}' });
    const malformed = api({}, new AuthorizerFunction(() => ({ allowed: true })));
    expect(answerOf((await malformed.request('GET', '/pets', ['Authorization', 'x'])).response)).toEqual({ status: 500, body: '{"message":"Internal Server Error"}' });
    const unauthorized = api({}, new AuthorizerFunction(() => ({ error: 'Unauthorized' })));
    expect(answerOf((await unauthorized.request('GET', '/pets', ['Authorization', 'x'])).response)).toEqual({ status: 401, body: '{"message":"Unauthorized"}' });
  });

  it('caches by identity values for the TTL; a cached policy is decided again per route', async () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/prod/GET/pets` }] };
    const fn = new AuthorizerFunction(() => ({ principalId: 'alice', policyDocument: policy, context: { role: 'reader' } }));
    const { request } = api({ enableSimpleResponses: false, authorizerResultTtlInSeconds: 300 }, fn);
    const first = await request('GET', '/pets', ['Authorization', 'token-a']);
    expect(first.response).toBeUndefined();
    expect(first.ctx.authorizer).toEqual({ lambda: { role: 'reader' } });
    expect(answerOf((await request('POST', '/pets/42', ['Authorization', 'token-a'])).response)).toEqual({ status: 403, body: '{"message":"Forbidden"}' });
    expect((await request('GET', '/pets', ['AUTHORIZATION', 'token-a'])).response).toBeUndefined();
    expect(fn.calls).toHaveLength(1);
    await request('GET', '/pets', ['Authorization', 'token-b']);
    expect(fn.calls).toHaveLength(2);
  });

  it('calls every time without a TTL, and reads $context, $stageVariables and query string sources', async () => {
    const fn = new AuthorizerFunction(() => ({ isAuthorized: true }));
    const { request } = api({ identitySource: ['$request.querystring.user', '$context.routeKey', '$stageVariables.tier'] }, fn);
    expect((await request('GET', '/pets', [], 'user=a&user=b')).response).toBeUndefined();
    await request('GET', '/pets', [], 'user=a&user=b');
    expect(fn.calls).toHaveLength(2);
    expect(JSON.parse(fn.calls[0].payload)).toMatchObject({ identitySource: ['a,b', 'GET /pets', 'gold'] });
    expect(answerOf((await request('GET', '/pets', [], 'other=1')).response)?.status).toBe(401);
  });

  it('sends the 1.0 event and reads an IAM policy answer for payload format 1.0', async () => {
    const fn = new AuthorizerFunction((event) => ({ principalId: 'p', policyDocument: { ...ALLOW_ALL, Statement: [{ ...ALLOW_ALL.Statement[0], Resource: event.methodArn }] } }));
    const { request } = api({ authorizerPayloadFormatVersion: '1.0', enableSimpleResponses: false }, fn);
    expect((await request('POST', '/pets/42', ['Authorization', 'x'])).response).toBeUndefined();
    expect(JSON.parse(fn.calls[0].payload)).toMatchObject({ version: '1.0', methodArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/prod/POST/pets/42`, identitySource: 'x' });
  });
});
