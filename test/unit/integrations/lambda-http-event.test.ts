// HTTP API Lambda proxy payloads, field by field
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
import { describe, it, expect } from 'vitest';
import {
  buildHttpEventV1, buildHttpEventV2, isTextBody, parseHttpResponseV2, type HttpEventSource,
} from '../../../src/integrations/lambda-http-event.js';
import { parseProxyResponse } from '../../../src/integrations/lambda-proxy-event.js';

const EPOCH = Date.UTC(2024, 2, 5, 7, 8, 9, 123);
const TRACE = `Root=1-${Math.floor(EPOCH / 1000).toString(16)}-123456781234123412341234`;

function source(overrides: Partial<HttpEventSource> = {}): HttpEventSource {
  return {
    routeKey: 'GET /pets/{id}',
    httpMethod: 'GET',
    requestPath: '/prod/pets/42',
    rawQuery: '',
    rawHeaders: ['Host', 'abc123.execute-api.localhost:4566', 'User-Agent', 'curl/8.0', 'Accept', '*/*'],
    body: Buffer.alloc(0),
    pathParameters: { id: '42' },
    stageVariables: {},
    stageName: 'prod',
    apiId: 'abc123',
    accountId: '123456789012',
    domainName: 'abc123.execute-api.localhost',
    requestId: '12345678-1234-1234-1234-123456789abc',
    requestTimeEpoch: EPOCH,
    sourceIp: '203.0.113.7',
    protocol: 'HTTP/1.1',
    authorizer: undefined,
    identity: undefined,
    ...overrides,
  };
}

const v2 = (overrides: Partial<HttpEventSource> = {}) => JSON.parse(buildHttpEventV2(source(overrides))) as Record<string, unknown>;
const v1 = (overrides: Partial<HttpEventSource> = {}) => JSON.parse(buildHttpEventV1(source(overrides))) as Record<string, unknown>;

describe('payload 2.0 event', () => {
  it('shows a GET with query, cookies, repeated headers and path parameters', () => {
    const event = v2({
      rawQuery: 'tag=a&tag=b%20c&q=x+y&empty',
      rawHeaders: [
        'Host', 'abc123.execute-api.localhost:4566', 'User-Agent', 'curl/8.0', 'X-Multi', 'one', 'x-multi', 'two',
        'Cookie', 'session=abc; theme=dark', 'Cookie', 'lang=en', 'Connection', 'keep-alive',
      ],
      stageVariables: { color: 'blue' },
    });
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'GET /pets/{id}',
      rawPath: '/prod/pets/42',
      rawQueryString: 'tag=a&tag=b%20c&q=x+y&empty',
      cookies: ['session=abc', 'theme=dark', 'lang=en'],
      headers: {
        'host': 'abc123.execute-api.localhost:4566',
        'user-agent': 'curl/8.0',
        'x-multi': 'one,two',
        'content-length': '0',
        'x-forwarded-for': '203.0.113.7',
        'x-forwarded-port': '4566',
        'x-forwarded-proto': 'http',
        'x-amzn-trace-id': TRACE,
      },
      queryStringParameters: { tag: 'a,b c', q: 'x y', empty: '' },
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        domainName: 'abc123.execute-api.localhost',
        domainPrefix: 'abc123',
        http: { method: 'GET', path: '/prod/pets/42', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.0' },
        requestId: '12345678-1234-1234-1234-123456789abc',
        routeKey: 'GET /pets/{id}',
        stage: 'prod',
        time: '05/Mar/2024:07:08:09 +0000',
        timeEpoch: EPOCH,
      },
      pathParameters: { id: '42' },
      stageVariables: { color: 'blue' },
      isBase64Encoded: false,
    });
  });

  it('leaves out what the request does not have (no null fields)', () => {
    const event = v2({ routeKey: '$default', requestPath: '/', stageName: '$default', pathParameters: undefined, rawHeaders: [] });
    expect(Object.keys(event)).toEqual(['version', 'routeKey', 'rawPath', 'rawQueryString', 'headers', 'requestContext', 'isBase64Encoded']);
    expect(event.rawQueryString).toBe('');
    expect(event.headers).toEqual({
      'content-length': '0', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-port': '80', 'x-forwarded-proto': 'http', 'x-amzn-trace-id': TRACE,
    });
    const context = event.requestContext as Record<string, unknown>;
    expect(context.stage).toBe('$default');
    expect(context.routeKey).toBe('$default');
    expect(context).not.toHaveProperty('authorizer');
    expect((context.http as Record<string, unknown>).userAgent).toBe('');
  });

  it('passes a JSON POST body as text with its length', () => {
    const body = Buffer.from('{"name":"Mía","n":1}');
    const event = v2({
      httpMethod: 'POST', routeKey: 'POST /pets', requestPath: '/prod/pets', pathParameters: undefined, body,
      rawHeaders: ['Content-Type', 'application/json; charset=UTF-8', 'Content-Length', String(body.length), 'Host', 'h'],
    });
    expect(event.body).toBe('{"name":"Mía","n":1}');
    expect(event.isBase64Encoded).toBe(false);
    expect((event.headers as Record<string, string>)['content-length']).toBe(String(body.length));
    expect((event.headers as Record<string, string>)['content-type']).toBe('application/json; charset=UTF-8');
    expect((event.requestContext as { http: { method: string } }).http.method).toBe('POST');
  });

  it('base64-encodes a binary body', () => {
    const body = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const event = v2({ httpMethod: 'POST', body, rawHeaders: ['Content-Type', 'image/png'] });
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body as string, 'base64')).toEqual(body);
    expect((event.headers as Record<string, string>)['content-length']).toBe('6');
  });

  it('splits text from binary by Content-Type as AWS does', () => {
    for (const type of ['text/plain', 'text/html', 'text/csv', 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON; CHARSET=UTF-8', 'application/xml', 'application/javascript', 'application/graphql']) {
      expect(isTextBody(type), type).toBe(true);
    }
    for (const type of [undefined, '', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png', 'text/plain; charset=iso-8859-1', 'weird/unknown']) {
      expect(isTextBody(type), String(type)).toBe(false);
    }
    const form = v2({ httpMethod: 'POST', body: Buffer.from('a=1&b=2'), rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'] });
    expect(form).toMatchObject({ body: Buffer.from('a=1&b=2').toString('base64'), isBase64Encoded: true });
    const untyped = v2({ httpMethod: 'POST', body: Buffer.from('hello') });
    expect(untyped).toMatchObject({ body: 'aGVsbG8=', isBase64Encoded: true });
  });

  it('appends the caller to X-Forwarded-For, keeps a client trace id and drops a SigV4 Authorization', () => {
    const headers = v2({
      rawHeaders: ['X-Forwarded-For', '198.51.100.1', 'X-Amzn-Trace-Id', 'Root=1-client', 'Authorization', 'AWS4-HMAC-SHA256 Credential=x'],
    }).headers as Record<string, string>;
    expect(headers['x-forwarded-for']).toBe('198.51.100.1, 203.0.113.7');
    expect(headers['x-amzn-trace-id']).toBe('Root=1-client');
    expect(headers).not.toHaveProperty('authorization');
    const bearer = v2({ rawHeaders: ['Authorization', 'Bearer t'] }).headers as Record<string, string>;
    expect(bearer.authorization).toBe('Bearer t');
  });

  it('keeps client-chosen names as plain keys and escapes the path', () => {
    const event = v2({ rawHeaders: ['__proto__', 'x', 'constructor', 'y'], requestPath: '/prod/a"b\\c', pathParameters: { __proto__: 'p' } as Record<string, string> });
    expect((event.headers as Record<string, string>).constructor).toBe('y');
    expect(Object.hasOwn(event.headers as object, '__proto__')).toBe(true);
    expect(event.rawPath).toBe('/prod/a"b\\c');
  });

  it('shows the authorizer: JWT and Lambda as given, IAM from the caller', () => {
    const jwt = { jwt: { claims: { sub: 'u1', scope: 'a/read' }, scopes: null } };
    expect((v2({ authorizer: jwt }).requestContext as Record<string, unknown>).authorizer).toEqual(jwt);
    const lambda = { lambda: { user: 'u1', roles: ['a', 'b'] } };
    expect((v2({ authorizer: lambda }).requestContext as Record<string, unknown>).authorizer).toEqual(lambda);
    const identity = { accessKey: 'AKIAEXAMPLE', accountId: '111122223333', caller: 'AIDAEXAMPLE', user: 'AIDAEXAMPLE', userArn: 'arn:aws:iam::111122223333:user/alice', principalOrgId: null };
    expect((v2({ identity }).requestContext as Record<string, unknown>).authorizer).toEqual({
      iam: {
        accessKey: 'AKIAEXAMPLE', accountId: '111122223333', callerId: 'AIDAEXAMPLE', cognitoIdentity: null,
        principalOrgId: null, userArn: 'arn:aws:iam::111122223333:user/alice', userId: 'AIDAEXAMPLE',
      },
    });
  });
});

describe('payload 1.0 event', () => {
  it('shows a GET field by field', () => {
    const event = v1({
      rawQuery: 'foo=bar&foo=baz&name=Ricky',
      rawHeaders: ['Host', 'abc123.execute-api.localhost:4566', 'User-Agent', 'curl/8.0', 'accept', '*/*', 'X-Multi', 'one', 'X-Multi', 'two', 'Connection', 'close'],
    });
    expect(event).toEqual({
      version: '1.0',
      resource: '/pets/{id}',
      path: '/prod/pets/42',
      httpMethod: 'GET',
      headers: {
        'Host': 'abc123.execute-api.localhost:4566',
        'User-Agent': 'curl/8.0',
        'accept': '*/*',
        'X-Multi': 'two',
        'X-Forwarded-For': '203.0.113.7',
        'X-Forwarded-Port': '4566',
        'X-Forwarded-Proto': 'http',
        'X-Amzn-Trace-Id': TRACE,
        'Content-Length': '0',
      },
      multiValueHeaders: {
        'Host': ['abc123.execute-api.localhost:4566'],
        'User-Agent': ['curl/8.0'],
        'accept': ['*/*'],
        'X-Multi': ['one', 'two'],
        'X-Forwarded-For': ['203.0.113.7'],
        'X-Forwarded-Port': ['4566'],
        'X-Forwarded-Proto': ['http'],
        'X-Amzn-Trace-Id': [TRACE],
        'Content-Length': ['0'],
      },
      queryStringParameters: { foo: 'baz', name: 'Ricky' },
      multiValueQueryStringParameters: { foo: ['bar', 'baz'], name: ['Ricky'] },
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123',
        domainName: 'abc123.execute-api.localhost',
        domainPrefix: 'abc123',
        extendedRequestId: '12345678-1234-1234-1234-123456789abc',
        httpMethod: 'GET',
        identity: {
          accessKey: null, accountId: null, caller: null, cognitoAmr: null, cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null,
          sourceIp: '203.0.113.7', user: null, userAgent: 'curl/8.0', userArn: null,
        },
        path: '/prod/pets/42',
        protocol: 'HTTP/1.1',
        requestId: '12345678-1234-1234-1234-123456789abc',
        requestTime: '05/Mar/2024:07:08:09 +0000',
        requestTimeEpoch: EPOCH,
        resourceId: 'GET /pets/{id}',
        resourcePath: '/pets/{id}',
        stage: 'prod',
      },
      pathParameters: { id: '42' },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
  });

  it('names the default route $default and nulls what is missing', () => {
    const event = v1({ routeKey: '$default', requestPath: '/pets', stageName: '$default', pathParameters: undefined, rawHeaders: [] });
    expect(event).toMatchObject({
      resource: '$default', path: '/pets', queryStringParameters: null, multiValueQueryStringParameters: null,
      pathParameters: null, stageVariables: null, body: null,
    });
    expect(event.requestContext).toMatchObject({ resourceId: '$default', resourcePath: '$default', stage: '$default', path: '/pets' });
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect((event.requestContext as { identity: { userAgent: string } }).identity.userAgent).toBe('');
  });

  it('passes a POST body as text or base64 by Content-Type', () => {
    const json = v1({ httpMethod: 'POST', body: Buffer.from('{"a":1}'), rawHeaders: ['Content-Type', 'application/json', 'Content-Length', '7'] });
    expect(json).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    expect(json.multiValueHeaders).toMatchObject({ 'Content-Length': ['7'] });
    const binary = v1({ httpMethod: 'POST', body: Buffer.from([1, 2, 255]), rawHeaders: ['Content-Type', 'application/octet-stream'] });
    expect(binary).toMatchObject({ body: 'AQL/', isBase64Encoded: true });
  });

  it('shows a JWT authorizer as {claims, scopes}, a Lambda one flat, and the IAM caller in identity', () => {
    const jwt = v1({ authorizer: { jwt: { claims: { sub: 'u1' }, scopes: ['a/read'] } } });
    expect((jwt.requestContext as Record<string, unknown>).authorizer).toEqual({ claims: { sub: 'u1' }, scopes: ['a/read'] });
    const lambda = v1({ authorizer: { lambda: { user: 'u1' } } });
    expect((lambda.requestContext as Record<string, unknown>).authorizer).toEqual({ user: 'u1' });
    const iam = v1({ identity: { accessKey: 'AKIA1', accountId: '111122223333', caller: 'AIDA1', user: 'AIDA1', userArn: 'arn:aws:iam::111122223333:user/a', principalOrgId: 'o-1' } });
    expect((iam.requestContext as { identity: object }).identity).toMatchObject({
      accessKey: 'AKIA1', accountId: '111122223333', caller: 'AIDA1', user: 'AIDA1', userArn: 'arn:aws:iam::111122223333:user/a', principalOrgId: 'o-1',
    });
  });
});

describe('payload 2.0 response', () => {
  const ok = (payload: string) => {
    const parsed = parseHttpResponseV2(payload);
    if ('malformed' in parsed) throw new Error(parsed.malformed);
    return { statusCode: parsed.statusCode, headers: parsed.headers, body: parsed.body.toString('utf8') };
  };
  const json = ['Content-Type', 'application/json'];

  it('infers 200 application/json for JSON without statusCode', () => {
    expect(ok('"Hello from Lambda!"')).toEqual({ statusCode: 200, headers: json, body: 'Hello from Lambda!' });
    expect(ok('{ "message": "Hello from Lambda!" }')).toEqual({ statusCode: 200, headers: json, body: '{ "message": "Hello from Lambda!" }' });
    expect(ok('{"body":"x","headers":{"a":"b"}}')).toEqual({ statusCode: 200, headers: json, body: '{"body":"x","headers":{"a":"b"}}' });
    expect(ok('3')).toEqual({ statusCode: 200, headers: json, body: '3' });
    expect(ok('true')).toEqual({ statusCode: 200, headers: json, body: 'true' });
    expect(ok('["hello",3,true]')).toEqual({ statusCode: 200, headers: json, body: '["hello",3,true]' });
    expect(ok('null')).toEqual({ statusCode: 200, headers: json, body: 'null' });
  });

  it('reads statusCode, headers, cookies and body', () => {
    expect(ok(JSON.stringify({
      statusCode: 201,
      headers: { 'content-type': 'text/plain', 'x-count': 3, 'x-flag': true, 'x-list': 'a,b', 'Set-Cookie': 'c=3' },
      cookies: ['a=1; Path=/', 'b=2'],
      body: 'Created',
      isBase64Encoded: false,
    }))).toEqual({
      statusCode: 201,
      headers: ['Set-Cookie', 'a=1; Path=/', 'Set-Cookie', 'b=2', 'Set-Cookie', 'c=3', 'content-type', 'text/plain', 'x-count', '3', 'x-flag', 'true', 'x-list', 'a,b'],
      body: 'Created',
    });
    expect(ok('{"statusCode":"204"}')).toEqual({ statusCode: 204, headers: json, body: '' });
    expect(ok('{"statusCode":200,"multiValueHeaders":{"x":["1","2"]},"extra":1}')).toEqual({ statusCode: 200, headers: json, body: '' });
  });

  it('always decodes a base64 body', () => {
    const parsed = parseHttpResponseV2(JSON.stringify({ statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([0, 1, 255]).toString('base64'), isBase64Encoded: true }));
    expect(parsed).toEqual({ statusCode: 200, headers: ['Content-Type', 'image/png'], body: Buffer.from([0, 1, 255]) });
  });

  it('remaps the headers API Gateway owns and drops Transfer-Encoding', () => {
    expect(ok('{"statusCode":200,"headers":{"Content-Length":"9","Transfer-Encoding":"chunked","Date":"x"}}').headers).toEqual([
      'x-amzn-Remapped-Content-Length', '9', 'x-amzn-Remapped-Date', 'x', 'Content-Type', 'application/json',
    ]);
  });

  it('finds malformed answers', () => {
    for (const payload of [
      'not json', '', '{"statusCode":"abc"}', '{"statusCode":42}', '{"statusCode":200,"body":{"a":1}}', '{"statusCode":200,"body":5}',
      '{"statusCode":200,"headers":"x"}', '{"statusCode":200,"headers":{"a":{"b":1}}}', '{"statusCode":200,"cookies":"a=1"}',
      '{"statusCode":200,"cookies":[{"a":1}]}', '{"statusCode":200,"isBase64Encoded":"yes"}',
    ]) {
      expect(parseHttpResponseV2(payload), payload).toHaveProperty('malformed');
    }
  });
});

describe('payload 1.0 response of HTTP APIs', () => {
  it('decodes a base64 body whatever the Accept (no binaryMediaTypes)', () => {
    const parsed = parseProxyResponse(JSON.stringify({ statusCode: 200, body: 'aGk=', isBase64Encoded: true }), true);
    expect(parsed).toEqual({ statusCode: 200, headers: ['Content-Type', 'application/json'], body: Buffer.from('hi') });
  });
});
