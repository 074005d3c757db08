import { describe, it, expect } from 'vitest';
import {
  checkRequestParameters,
  checkResponseParameters,
  compileRequestMapping,
  compileResponseMapping,
  encodeQuery,
  queryPairs,
  JSON_PATH_BODY_BYTES,
  type MappedRequest,
  type MappingSources,
  type RequestSources,
} from '../../../src/compiler/http-parameter-mapping.js';

const ENVELOPE = 'Invalid mapping expression specified: Validation Result: warnings : [], errors : ';

function record<T>(entries: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

function requestSources(overrides: Partial<RequestSources> = {}): RequestSources {
  const context = record({ requestId: 'req-1', 'authorizer.claims.sub': 'user-7', stage: '$default' });
  return {
    headers: ['Host', 'api.example.com', 'X-Trace', 'a', 'x-trace', 'b', 'Accept', 'application/json'],
    query: record<readonly string[]>({ page: ['2'], tag: ['red', 'blue'], Name: ['Ann'] }),
    pathParameters: record({ petId: '42', proxy: 'a b/c' }),
    path: '/pets/42',
    context: (name) => (Object.hasOwn(context, name) ? context[name] : undefined),
    stageVariables: record({ env: 'prod' }),
    ...overrides,
  };
}

function outgoing(): MappedRequest {
  return { headers: ['Host', 'backend', 'X-Trace', 'a', 'x-trace', 'b', 'Accept', 'application/json'], query: ['page', '2', 'tag', 'red', 'tag', 'blue'], path: '/pets/42' };
}

function mapRequest(map: Record<string, string>, sources = requestSources(), request = outgoing()): MappedRequest {
  const mapping = compileRequestMapping(map);
  expect(mapping).toBeDefined();
  mapping!.apply(request, sources);
  return request;
}

describe('checkRequestParameters', () => {
  it('accepts every documented key and value form', () => {
    const map = {
      'append:header.header1': '$context.requestId',
      'overwrite:header.x-user': '${context.authorizer.claims.sub}',
      'remove:header.header1': "''",
      'append:querystring.q': '$request.querystring.page',
      'overwrite:querystring.env': '$stageVariables.env',
      'remove:querystring.debug': "''",
      'overwrite:path': '/v2/${request.path.petId}/toys',
      'append:header.from-body': '$request.body.user.id',
      'append:header.whole-body': '$request.body',
      'append:header.path': '$request.path',
      'append:header.host-copy': 'host=${request.header.Host}; env=${stageVariables.env}',
      'append:header.static': 'a static value',
    };
    expect(checkRequestParameters(map, 'HTTP_PROXY')).toBeUndefined();
    expect(checkRequestParameters(map, 'AWS_PROXY')).toBeUndefined();
    expect(checkRequestParameters(undefined, 'HTTP_PROXY')).toBeUndefined();
  });

  it('refuses destinations that are not keys of the syntax', () => {
    for (const key of ['append:path', 'remove:path', 'overwrite:path.x', 'replace:header.x', 'append:body.x', 'append:header.', 'overwrite:statuscode', 'Append:header.x']) {
      expect(checkRequestParameters({ [key]: 'v' }, 'HTTP_PROXY')).toBe(`${ENVELOPE}[Invalid Request Actioned Parameter destination specified: ${key}]`);
    }
  });

  it('refuses reserved headers, whatever their case', () => {
    for (const name of ['Authorization', 'content-length', 'X-Forwarded-For', 'Via', 'x-amz-date', 'X-Amzn-Trace-Id', 'apigw-requestid', 'Access-Control-Allow-Origin', 'Host-not-reserved']) {
      const key = `overwrite:header.${name}`;
      const problem = checkRequestParameters({ [key]: 'v' }, 'HTTP_PROXY');
      if (name === 'Host-not-reserved') expect(problem).toBeUndefined();
      else expect(problem).toBe(`${ENVELOPE}[Invalid Request Actioned Parameter destination specified: ${key}]`);
    }
  });

  it('refuses values that are not expressions of the request', () => {
    for (const value of ['$response.header.x', '$request.body..name', '$request.body.items[?(@.id)]', '$request.header', '$foo.bar', '$5 off', 'a ${request.header.x', '${context.a-b}', '$context.a b']) {
      expect(checkRequestParameters({ 'append:header.x': value }, 'HTTP_PROXY')).toBe(`${ENVELOPE}[Invalid mapping expression specified: ${value}]`);
    }
  });

  it('refuses values that are not strings and maps that are not objects', () => {
    expect(checkRequestParameters({ 'append:header.x': 5 }, 'HTTP_PROXY')).toBe(`${ENVELOPE}[Invalid mapping expression specified: 5]`);
    expect(checkRequestParameters(['x'], 'HTTP_PROXY')).toBe(`${ENVELOPE}[Invalid request parameters specified]`);
  });

  it("accepts '' (UpdateIntegration's way to delete a key)", () => {
    expect(checkRequestParameters({ 'append:header.x': '' }, 'HTTP_PROXY')).toBeUndefined();
  });
});

describe('checkResponseParameters', () => {
  it('accepts status codes 200-599 with header and status code keys', () => {
    const map = {
      '500': { 'append:header.header1': '$context.requestId', 'overwrite:statuscode': '403' },
      '404': { 'append:header.error': '$stageVariables.environmentId' },
      '200': { 'overwrite:header.x-etag': '$response.header.ETag', 'remove:header.server': "''", 'append:header.id': '${response.body.id}' },
      '201': {},
    };
    expect(checkResponseParameters(map)).toBeUndefined();
  });

  it('refuses status codes outside 200-599', () => {
    for (const status of ['199', '600', '2xx', 'default']) {
      expect(checkResponseParameters({ [status]: { 'append:header.x': 'v' } })).toBe(`${ENVELOPE}[Invalid status code specified: ${status}]`);
    }
  });

  it('refuses destinations outside the response syntax, and reserved headers', () => {
    for (const key of ['append:overwrite.static', 'append:statuscode', 'remove:statuscode', 'overwrite:querystring.x', 'overwrite:path', 'append:header.Content-Length', 'overwrite:header.x-amzn-RequestId']) {
      expect(checkResponseParameters({ '200': { [key]: '403' } })).toBe(`${ENVELOPE}[Invalid Response Actioned Parameter destination specified: ${key}]`);
    }
  });

  it('refuses request expressions and literal status codes that are not ones', () => {
    for (const [key, value] of [['append:header.x', '$request.header.x'], ['append:header.x', '$request.body.a'], ['overwrite:statuscode', 'forbidden'], ['overwrite:statuscode', '700']]) {
      expect(checkResponseParameters({ '200': { [key]: value } })).toBe(`${ENVELOPE}[Invalid mapping expression specified: ${value}]`);
    }
    expect(checkResponseParameters({ '200': { 'overwrite:statuscode': '$response.header.x-status' } })).toBeUndefined();
  });

  it('refuses a status entry that is not a map', () => {
    expect(checkResponseParameters({ '200': 'x' })).toBe(`${ENVELOPE}[Invalid response parameters specified for status code 200]`);
  });
});

describe('request mapping: operations', () => {
  it('appends a header from a context variable (the AWS docs example)', () => {
    const request = mapRequest({ 'append:header.header1': '$context.requestId' });
    expect(request.headers.slice(-2)).toEqual(['header1', 'req-1']);
  });

  it('appends a separate line when the header exists', () => {
    const request = mapRequest({ 'append:header.x-trace': 'c' });
    expect(request.headers).toEqual(['Host', 'backend', 'X-Trace', 'a', 'x-trace', 'b', 'Accept', 'application/json', 'x-trace', 'c']);
  });

  it('overwrites every value of a header, case-insensitively, keeping its place', () => {
    const request = mapRequest({ 'overwrite:header.X-TRACE': 'z' });
    expect(request.headers).toEqual(['Host', 'backend', 'X-TRACE', 'z', 'Accept', 'application/json']);
  });

  it('removes a header, case-insensitively', () => {
    expect(mapRequest({ 'remove:header.X-Trace': "''" }).headers).toEqual(['Host', 'backend', 'Accept', 'application/json']);
  });

  it('renames a header: every operation reads the request as it came', () => {
    const request = mapRequest({ 'append:header.header2': '$request.header.x-trace', 'remove:header.x-trace': "''" });
    expect(request.headers).toEqual(['Host', 'backend', 'Accept', 'application/json', 'header2', 'a,b']);
  });

  it('may overwrite the Host header (not reserved)', () => {
    expect(mapRequest({ 'overwrite:header.Host': 'internal.example' }).headers.slice(0, 2)).toEqual(['Host', 'internal.example']);
  });

  it('appends, overwrites and removes query parameters, case-sensitively', () => {
    expect(mapRequest({ 'append:querystring.tag': 'green' }).query).toEqual(['page', '2', 'tag', 'red', 'tag', 'blue', 'tag', 'green']);
    expect(mapRequest({ 'overwrite:querystring.tag': 'green' }).query).toEqual(['page', '2', 'tag', 'green']);
    expect(mapRequest({ 'remove:querystring.tag': "''" }).query).toEqual(['page', '2']);
    expect(mapRequest({ 'remove:querystring.TAG': "''" }).query).toEqual(['page', '2', 'tag', 'red', 'tag', 'blue']);
    expect(mapRequest({ 'overwrite:querystring.limit': '10' }).query).toEqual(['page', '2', 'tag', 'red', 'tag', 'blue', 'limit', '10']);
  });

  it('overwrites the path, encoding what a path cannot carry', () => {
    expect(mapRequest({ 'overwrite:path': '/v2/${request.path.petId}' }).path).toBe('/v2/42');
    expect(mapRequest({ 'overwrite:path': '/files/${request.path.proxy}' }).path).toBe('/files/a%20b/c');
    expect(mapRequest({ 'overwrite:path': 'no-slash?x#y' }).path).toBe('/no-slash%3Fx%23y');
    expect(mapRequest({ 'overwrite:path': '$request.path' }, requestSources({ path: '/a%20b/é' })).path).toBe('/a%20b/%C3%A9');
  });

  it('runs removes, then overwrites, then appends', () => {
    const request = mapRequest({ 'append:header.x': '2', 'overwrite:header.x': '1', 'remove:header.x': "''" });
    expect(request.headers.slice(-4)).toEqual(['x', '1', 'x', '2']);
  });

  it('answers undefined when nothing is mapped', () => {
    expect(compileRequestMapping(undefined)).toBeUndefined();
    expect(compileRequestMapping({})).toBeUndefined();
    expect(compileRequestMapping({ 'append:header.x': '' })).toBeUndefined();
    // Keys the control plane refuses (an older snapshot) map nothing.
    expect(compileRequestMapping({ 'append:path': '/x', 'append:header.y': '$nope.z' })).toBeUndefined();
  });

  it('tells whether the query or the body is needed', () => {
    expect(compileRequestMapping({ 'append:header.x': 'v' })).toMatchObject({ rewritesQuery: false, readsBody: false });
    expect(compileRequestMapping({ 'remove:querystring.x': "''" })).toMatchObject({ rewritesQuery: true, readsBody: false });
    expect(compileRequestMapping({ 'append:header.x': 'id=${request.body.id}' })).toMatchObject({ rewritesQuery: false, readsBody: true });
  });
});

describe('request mapping: sources', () => {
  const value = (expression: string, sources = requestSources()): string | undefined => {
    const request = mapRequest({ 'overwrite:header.out': expression }, sources);
    for (let i = 0; i < request.headers.length; i += 2) if (request.headers[i] === 'out') return request.headers[i + 1];
    return undefined;
  };

  it('reads headers case-insensitively and joins repeated ones with commas', () => {
    expect(value('$request.header.X-TRACE')).toBe('a,b');
    expect(value('${request.header.accept}')).toBe('application/json');
  });

  it('reads query values case-sensitively, joining repeated ones with commas', () => {
    expect(value('$request.querystring.tag')).toBe('red,blue');
    expect(value('$request.querystring.Name')).toBe('Ann');
    expect(value('$request.querystring.name')).toBeUndefined();
  });

  it('reads path parameters and the path', () => {
    expect(value('$request.path.petId')).toBe('42');
    expect(value('$request.path')).toBe('/pets/42');
  });

  it('reads context variables, nested ones included, and stage variables', () => {
    expect(value('$context.requestId')).toBe('req-1');
    expect(value('$context.authorizer.claims.sub')).toBe('user-7');
    expect(value('$stageVariables.env')).toBe('prod');
    expect(value('$stageVariables.missing')).toBeUndefined();
  });

  it('reads the body whole or by JSONPath', () => {
    const body = Buffer.from(JSON.stringify({ user: { id: 'u1', age: 30, roles: ['a', 'b'] }, 'odd-name': true }));
    const sources = requestSources({ body });
    expect(value('$request.body', sources)).toBe(body.toString());
    expect(value('$request.body.user.id', sources)).toBe('u1');
    expect(value('$request.body.user.age', sources)).toBe('30');
    expect(value('$request.body.user.roles', sources)).toBe('["a","b"]');
    expect(value('$request.body.user.roles[1]', sources)).toBe('b');
    expect(value("$request.body['odd-name']", sources)).toBe('true');
    expect(value('$request.body.nope', sources)).toBeUndefined();
    expect(value('$request.body.user.id', requestSources({ body: Buffer.from('not json') }))).toBeUndefined();
    expect(value('$request.body.user.id', requestSources())).toBeUndefined();
  });

  it('cuts the body at 100 KB before a JSONPath (a longer JSON body then finds nothing)', () => {
    const small = Buffer.from(JSON.stringify({ id: 'x', pad: 'p'.repeat(JSON_PATH_BODY_BYTES - 100) }));
    const large = Buffer.from(JSON.stringify({ id: 'x', pad: 'p'.repeat(JSON_PATH_BODY_BYTES) }));
    expect(value('$request.body.id', requestSources({ body: small }))).toBe('x');
    expect(value('$request.body.id', requestSources({ body: large }))).toBeUndefined();
    expect(value('$request.body', requestSources({ body: Buffer.from('{"a":1}') }))).toBe('{"a":1}');
  });

  it('mixes text and ${…} expressions; a missing part is empty', () => {
    expect(value('user=${context.authorizer.claims.sub};env=${stageVariables.env}')).toBe('user=user-7;env=prod');
    expect(value('Bearer ${request.header.x-missing}')).toBe('Bearer ');
    expect(value('price $5 ${stageVariables.env}')).toBe('price $5 prod');
  });

  it('takes a value that is not an expression as static text', () => {
    expect(value("''")).toBe("''");
    expect(value('plain text')).toBe('plain text');
  });

  it('drops a parameter whose value maps to nothing instead of passing the client\'s on', () => {
    const request = mapRequest({ 'overwrite:header.X-Trace': '$request.header.x-missing', 'overwrite:querystring.page': '$request.querystring.missing', 'append:header.y': '$context.nothing' });
    expect(request.headers).toEqual(['Host', 'backend', 'Accept', 'application/json']);
    expect(request.query).toEqual(['tag', 'red', 'tag', 'blue']);
    expect(mapRequest({ 'overwrite:path': '$request.path.missing' }).path).toBe('/pets/42');
  });

  it('keeps header values writable: control characters go, non-latin1 text becomes UTF-8 bytes', () => {
    const body = Buffer.from(JSON.stringify({ a: 'line1\r\nline2', b: 'naïve', c: '日本' }));
    const sources = requestSources({ body });
    expect(value('$request.body.a', sources)).toBe('line1line2');
    expect(value('$request.body.b', sources)).toBe('naïve');
    expect(value('$request.body.c', sources)).toBe(Buffer.from('日本').toString('latin1'));
  });
});

describe('query helpers', () => {
  it('decodes a raw query string into pairs and encodes them back', () => {
    const pairs = queryPairs('a=1&b=x+y;c=%C3%A9&flag&&=skip&a=2');
    expect(pairs).toEqual(['a', '1', 'b', 'x y', 'c', 'é', 'flag', '', 'a', '2']);
    expect(encodeQuery(pairs)).toBe('a=1&b=x%20y&c=%C3%A9&flag=&a=2');
    expect(encodeQuery(['bad', '\ud800'])).toBe('bad=%EF%BF%BD');
    expect(queryPairs('')).toEqual([]);
  });
});

describe('response mapping', () => {
  function responseSources(overrides: Partial<MappingSources> = {}): MappingSources {
    return {
      headers: ['Content-Type', 'application/json', 'ETag', '"v1"', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Status', '418'],
      body: Buffer.from(JSON.stringify({ error: { code: 'E42' }, id: 7 })),
      context: (name) => (name === 'requestId' ? 'req-1' : undefined),
      stageVariables: record({ environmentId: 'env-9' }),
      ...overrides,
    };
  }

  it('overwrites the status code and adds headers for the backend status (the AWS docs example)', () => {
    const mapping = compileResponseMapping({
      '500': { 'append:header.header1': '$context.requestId', 'overwrite:statuscode': '403' },
      '404': { 'append:header.error': '$stageVariables.environmentId' },
    })!;
    const headers500: string[] = ['Content-Type', 'text/plain'];
    expect(mapping.apply(500, headers500, responseSources())).toBe(403);
    expect(headers500).toEqual(['Content-Type', 'text/plain', 'header1', 'req-1']);
    const headers404: string[] = [];
    expect(mapping.apply(404, headers404, responseSources())).toBe(404);
    expect(headers404).toEqual(['error', 'env-9']);
    const headers200: string[] = ['a', 'b'];
    expect(mapping.apply(200, headers200, responseSources())).toBe(200);
    expect(headers200).toEqual(['a', 'b']);
  });

  it('reads the backend headers (joined) and body, even when they are the array it rewrites', () => {
    const sources = responseSources();
    const headers = sources.headers as string[];
    const mapping = compileResponseMapping({
      '200': {
        'remove:header.etag': "''",
        'append:header.x-etag': '$response.header.ETag',
        'overwrite:header.x-cookies': '${response.header.set-cookie}',
        'append:header.x-error': 'code=${response.body.error.code}',
        'append:header.Set-Cookie': 'c=3',
      },
    })!;
    expect(mapping.apply(200, headers, sources)).toBe(200);
    expect(headers).toEqual([
      'Content-Type', 'application/json', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Status', '418',
      'x-cookies', 'a=1,b=2', 'x-etag', '"v1"', 'x-error', 'code=E42', 'Set-Cookie', 'c=3',
    ]);
  });

  it('computes a status code from the response; one that is not a status keeps the backend\'s', () => {
    const mapping = compileResponseMapping({ '200': { 'overwrite:statuscode': '$response.header.x-status' }, '201': { 'overwrite:statuscode': '$response.body.id' } })!;
    expect(mapping.apply(200, [], responseSources())).toBe(418);
    expect(mapping.apply(201, [], responseSources())).toBe(201);
  });

  it('tells which statuses read the body; a streamed body (none given) finds nothing', () => {
    const mapping = compileResponseMapping({ '200': { 'append:header.id': '$response.body.id' }, '404': { 'append:header.x': 'y' } })!;
    expect(mapping.readsBody(200)).toBe(true);
    expect(mapping.readsBody(404)).toBe(false);
    expect(mapping.readsBody(500)).toBe(false);
    const headers: string[] = [];
    mapping.apply(200, headers, responseSources({ body: undefined }));
    expect(headers).toEqual([]);
  });

  it('answers undefined when nothing is mapped', () => {
    expect(compileResponseMapping(undefined)).toBeUndefined();
    expect(compileResponseMapping({ '200': {} })).toBeUndefined();
    expect(compileResponseMapping({ '700': { 'append:header.x': 'y' } })).toBeUndefined();
  });
});
