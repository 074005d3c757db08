import { describe, it, expect } from 'vitest';
import { caseInsensitive, headerViews, parseQuery, rawHeader } from '../../../src/data-plane/pipeline/request-views.js';
import { clfTime, buildContextVariables } from '../../../src/data-plane/pipeline/context-variables.js';

describe('query strings', () => {
  it('decodes + and percent escapes; last value wins in the single map', () => {
    const q = parseQuery('a=1&b=x+y&c=%2B&a=2&flag');
    expect(q.single).toEqual({ a: '2', b: 'x y', c: '+', flag: '' });
    expect(q.multi).toEqual({ a: ['1', '2'], b: ['x y'], c: ['+'], flag: [''] });
  });
  it('splits on ; too and survives malformed escapes', () => {
    expect(parseQuery('a=1;b=2').single).toEqual({ a: '1', b: '2' });
    expect(parseQuery('bad=%E0%A4%A').single).toEqual({ bad: '%E0%A4%A' });
    expect(parseQuery('').single).toEqual({});
  });
});

describe('headers', () => {
  it('keeps client casing, last value wins, multi keeps all', () => {
    const views = headerViews(['X-Foo', '1', 'x-foo', '2', 'Accept', 'a/b']);
    expect(views.single).toEqual({ 'X-Foo': '1', 'x-foo': '2', Accept: 'a/b' });
    expect(views.multi['X-Foo']).toEqual(['1']);
    expect(rawHeader(['X-Foo', '1', 'x-foo', '2'], 'x-foo')).toBe('2');
  });
  it('case-insensitive lookups for endpoint (integration response) headers', () => {
    const headers = caseInsensitive({ 'content-type': 'text/plain' });
    expect(headers['Content-Type']).toBe('text/plain');
    expect('CONTENT-TYPE' in headers).toBe(true);
    expect(Object.keys(headers)).toEqual(['content-type']);
  });
});

describe('$context', () => {
  it('formats requestTime in CLF and includes the stage in path', () => {
    expect(clfTime(Date.UTC(2023, 9, 4, 18, 5, 3))).toBe('04/Oct/2023:18:05:03 +0000');
    const vars = buildContextVariables({
      accountId: '000000000000', apiId: 'abc', deploymentId: 'd1', stage: 'dev', domainName: 'abc.execute-api.localhost',
      requestId: 'r', extendedRequestId: 'e=', requestTimeEpoch: 0, httpMethod: 'GET', path: '/pets/1', protocol: 'HTTP/1.1',
      sourceIp: '1.2.3.4', userAgent: 'ua', resourceId: 'res', resourcePath: '/pets/{id}',
      apiKey: null,
      apiKeyId: null,
    });
    expect(vars.path).toBe('/dev/pets/1');
    expect(vars.domainPrefix).toBe('abc');
    expect((vars.identity as Record<string, unknown>).sourceIp).toBe('1.2.3.4');
    expect(vars.resourcePath).toBe('/pets/{id}');
  });
});
