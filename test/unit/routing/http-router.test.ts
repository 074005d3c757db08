import { describe, it, expect } from 'vitest';
import { HttpRouter, parseRouteKey } from '../../../src/routing/http-router.js';

const PARTS_MESSAGE = 'One or more path parts appear to be invalid. Parts are validated against this regular expression: '
  + '^(\\{[\\w.:-]+\\+?\\}|[a-zA-Z0-9.:_-]+)$';

function router(keys: string[]): HttpRouter<string> {
  return HttpRouter.build(keys.map((key) => [key, `value of ${key}`] as const));
}

/** [route key, path parameters] of the match, or undefined. */
function match(r: HttpRouter<string>, method: string, path: string): [string, Record<string, string> | undefined] | undefined {
  const found = r.match(method, path);
  if (found === undefined) return undefined;
  expect(found.value).toBe(`value of ${found.routeKey}`);
  return [found.routeKey, found.pathParameters === undefined ? undefined : { ...found.pathParameters }];
}

describe('parseRouteKey', () => {
  it('parses $default, the root and paths with variables', () => {
    expect(parseRouteKey('$default')).toEqual({ kind: 'default', routeKey: '$default' });
    expect(parseRouteKey('ANY /')).toEqual({ kind: 'route', routeKey: 'ANY /', method: 'ANY', path: '/', parts: [] });
    expect(parseRouteKey('GET /pets/{petId}/toys/{proxy+}')).toEqual({
      kind: 'route', routeKey: 'GET /pets/{petId}/toys/{proxy+}', method: 'GET', path: '/pets/{petId}/toys/{proxy+}',
      parts: [
        { kind: 'static', value: 'pets' }, { kind: 'param', name: 'petId' },
        { kind: 'static', value: 'toys' }, { kind: 'greedy', name: 'proxy' },
      ],
    });
  });

  it('accepts every method and the characters of the part pattern', () => {
    for (const method of ['ANY', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']) {
      expect(parseRouteKey(`${method} /a`)).toMatchObject({ kind: 'route', method });
    }
    expect(parseRouteKey('GET /v1.0/files:list/my_file-2/{a.b:c-d_e}')).toMatchObject({ kind: 'route' });
  });

  it("answers AWS's message for parts outside the pattern, a trailing slash and empty parts", () => {
    for (const key of ['GET /pets/', 'GET //pets', 'GET /e{id}', 'GET /voice/*', 'GET /a/{}', 'GET /a/{+}', 'GET /a b', 'GET /caf\u00e9']) {
      expect(parseRouteKey(key)).toBe(PARTS_MESSAGE);
    }
  });

  it('refuses an empty key, a malformed key and an unknown method', () => {
    expect(parseRouteKey('')).toBe('Route key is required');
    for (const key of ['GET', 'GET pets', 'GET  /pets', '/pets', '$connect', '$default ']) {
      expect(parseRouteKey(key)).toMatch(/^Invalid route key/);
    }
    expect(parseRouteKey('get /pets')).toMatch(/^Invalid HTTP method 'get'/);
    expect(parseRouteKey('PROPFIND /pets')).toMatch(/^Invalid HTTP method 'PROPFIND'/);
  });

  it('refuses a greedy variable before the end and a repeated variable name', () => {
    expect(parseRouteKey('GET /pets/{proxy+}/toys')).toBe('A greedy path variable must be the last part of the path: {proxy+}');
    expect(parseRouteKey('GET /a/{id}/b/{id}')).toBe('Path variable names must be unique in a route: {id}');
    expect(parseRouteKey('GET /a/{id}/{id+}')).toBe('Path variable names must be unique in a route: {id}');
  });
});

describe('HttpRouter', () => {
  it("routes the developer guide's example by its priorities", () => {
    const r = router(['ANY /{proxy+}', 'GET /pets/dog/1', 'GET /pets/{proxy+}', '$default', 'GET /pets/dog/{id}']);
    expect(match(r, 'GET', '/pets/dog/1')).toEqual(['GET /pets/dog/1', undefined]);
    expect(match(r, 'GET', '/pets/dog/2')).toEqual(['GET /pets/dog/{id}', { id: '2' }]);
    expect(match(r, 'GET', '/pets/cat/1')).toEqual(['GET /pets/{proxy+}', { proxy: 'cat/1' }]);
    expect(match(r, 'POST', '/test/5')).toEqual(['ANY /{proxy+}', { proxy: 'test/5' }]);
    expect(match(r, 'POST', '/pets/dog/1')).toEqual(['ANY /{proxy+}', { proxy: 'pets/dog/1' }]);
  });

  it('prefers an explicit method to ANY on the same path, exact or greedy', () => {
    const r = router(['ANY /{proxy+}', 'POST /{proxy+}', 'GET /{proxy+}', 'ANY /items', 'DELETE /items']);
    expect(match(r, 'GET', '/test')?.[0]).toBe('GET /{proxy+}');
    expect(match(r, 'POST', '/pets')?.[0]).toBe('POST /{proxy+}');
    expect(match(r, 'DELETE', '/test/5')?.[0]).toBe('ANY /{proxy+}');
    expect(match(r, 'DELETE', '/items')?.[0]).toBe('DELETE /items');
    for (const verb of ['GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']) expect(match(r, verb, '/items')?.[0]).toBe('ANY /items');
  });

  it('uses $default only when no other route matches', () => {
    const r = router(['$default', 'POST /{proxy+}']);
    expect(match(r, 'POST', '/random-test')?.[0]).toBe('POST /{proxy+}');
    expect(match(r, 'GET', '/random-test')).toEqual(['$default', undefined]);
    expect(match(r, 'GET', '/')).toEqual(['$default', undefined]);
  });

  it('answers nothing when no route matches and there is no $default', () => {
    const r = router(['GET /foo', 'PUT /foo/{param}']);
    expect(match(r, 'GET', '/wrong-test')).toBeUndefined();
    expect(match(r, 'GET', '/foo/random-value')).toBeUndefined();
    expect(match(r, 'PUT', '/foo/random-value')).toEqual(['PUT /foo/{param}', { param: 'random-value' }]);
  });

  it('falls back to a less specific path when the more specific one lacks the method', () => {
    const r = router(['POST /pets/dog', 'GET /pets/{id}', 'DELETE /a/{id}/b', 'DELETE /a/{proxy+}']);
    expect(match(r, 'GET', '/pets/dog')).toEqual(['GET /pets/{id}', { id: 'dog' }]);
    expect(match(r, 'POST', '/pets/dog')).toEqual(['POST /pets/dog', undefined]);
    expect(match(r, 'DELETE', '/a/1/b')).toEqual(['DELETE /a/{id}/b', { id: '1' }]);
    expect(match(r, 'DELETE', '/a/1/c')).toEqual(['DELETE /a/{proxy+}', { proxy: '1/c' }]);
  });

  it('lets a more specific path win over an explicit method on a less specific one', () => {
    const r = router(['ANY /pets/dog', 'GET /pets/{id}']);
    expect(match(r, 'GET', '/pets/dog')?.[0]).toBe('ANY /pets/dog');
    expect(match(r, 'GET', '/pets/cat')?.[0]).toBe('GET /pets/{id}');
  });

  it('tries every full match before any greedy route', () => {
    const r = router(['GET /a/{proxy+}', 'GET /{x}/b/c']);
    expect(match(r, 'GET', '/a/b/c')).toEqual(['GET /{x}/b/c', { x: 'a' }]);
    expect(match(r, 'GET', '/a/b/d')).toEqual(['GET /a/{proxy+}', { proxy: 'b/d' }]);
  });

  it('prefers the greedy route with the longer prefix, then static over {param}', () => {
    const r = router(['ANY /{proxy+}', 'GET /a/{proxy+}', 'GET /{x}/b/{rest+}', 'GET /a/b/{tail+}', 'POST /a/b/c/{deep+}']);
    expect(match(r, 'GET', '/z/b/c')).toEqual(['GET /{x}/b/{rest+}', { x: 'z', rest: 'c' }]);
    expect(match(r, 'GET', '/a/b/c/d')).toEqual(['GET /a/b/{tail+}', { tail: 'c/d' }]);
    expect(match(r, 'GET', '/a/c/d')).toEqual(['GET /a/{proxy+}', { proxy: 'c/d' }]);
    expect(match(r, 'PUT', '/a/b/c/d')).toEqual(['ANY /{proxy+}', { proxy: 'a/b/c/d' }]);
    expect(match(r, 'POST', '/a/b/c/d')).toEqual(['POST /a/b/c/{deep+}', { deep: 'd' }]);
  });

  it('needs a slash after the greedy prefix: /pets is not /pets/{proxy+}, /pets/ is (with "")', () => {
    const r = router(['ANY /pets/{proxy+}']);
    expect(match(r, 'GET', '/pets')).toBeUndefined();
    expect(match(r, 'GET', '/pets/')).toEqual(['ANY /pets/{proxy+}', { proxy: '' }]);
    expect(match(r, 'GET', '/pets/a/b/')).toEqual(['ANY /pets/{proxy+}', { proxy: 'a/b/' }]);
    expect(match(r, 'GET', '/petsx/a')).toBeUndefined();
  });

  it('treats a trailing slash as an empty last segment', () => {
    const r = router(['GET /pets', 'GET /toys/{id}']);
    expect(match(r, 'GET', '/pets')?.[0]).toBe('GET /pets');
    expect(match(r, 'GET', '/pets/')).toBeUndefined();
    expect(match(r, 'GET', '/toys/')).toEqual(['GET /toys/{id}', { id: '' }]);
  });

  it('matches the root: GET / before /{param}, which takes / with ""; /{proxy+} takes / too', () => {
    expect(match(router(['GET /', 'GET /{param}']), 'GET', '/')).toEqual(['GET /', undefined]);
    expect(match(router(['GET /', 'GET /{param}']), 'GET', '/x')).toEqual(['GET /{param}', { param: 'x' }]);
    expect(match(router(['GET /{param}']), 'GET', '/')).toEqual(['GET /{param}', { param: '' }]);
    expect(match(router(['ANY /{proxy+}']), 'GET', '/')).toEqual(['ANY /{proxy+}', { proxy: '' }]);
    expect(match(router(['GET /']), 'GET', '')).toEqual(['GET /', undefined]);
    expect(match(router(['GET /']), 'GET', '/x')).toBeUndefined();
  });

  it('percent-decodes path parameters after splitting the raw path', () => {
    const r = router(['POST /users/{username}/orders/{orderName}', 'GET /files/{proxy+}', 'GET /one/{id}']);
    expect(match(r, 'POST', '/users/****%20Doe/orders/Summer%20Sale%202023'))
      .toEqual(['POST /users/{username}/orders/{orderName}', { username: '**** Doe', orderName: 'Summer Sale 2023' }]);
    expect(match(r, 'POST', '/users/%E2%98%95%20Coffee/orders/%F0%9F%98%8A%20Happy'))
      .toEqual(['POST /users/{username}/orders/{orderName}', { username: '\u2615 Coffee', orderName: '\u{1F60A} Happy' }]);
    expect(match(r, 'GET', '/one/a%2Fb')).toEqual(['GET /one/{id}', { id: 'a/b' }]);
    expect(match(r, 'GET', '/one/a+b')).toEqual(['GET /one/{id}', { id: 'a+b' }]);
    expect(match(r, 'GET', '/one/100%zz')).toEqual(['GET /one/{id}', { id: '100%zz' }]);
    expect(match(r, 'GET', '/files/a%20b/c%2Bd')).toEqual(['GET /files/{proxy+}', { proxy: 'a b/c+d' }]);
  });

  it('compares static parts decoded and case-sensitively', () => {
    const r = router(['GET /pets/dogs']);
    expect(match(r, 'GET', '/p%65ts/dogs')?.[0]).toBe('GET /pets/dogs');
    expect(match(r, 'GET', '/Pets/dogs')).toBeUndefined();
    expect(match(r, 'GET', '/pets%2Fdogs')).toBeUndefined();
  });

  it('does not route HEAD to a GET route, routes HEAD to ANY, and matches no other verb', () => {
    const r = router(['GET /pets', 'ANY /toys', '$default']);
    expect(match(r, 'HEAD', '/pets')?.[0]).toBe('$default');
    expect(match(r, 'HEAD', '/toys')?.[0]).toBe('ANY /toys');
    expect(match(r, 'PROPFIND', '/toys')).toBeUndefined();
    expect(match(r, 'get', '/pets')).toBeUndefined();
    expect(match(r, 'ANY', '/toys')).toBeUndefined();
  });

  it('gives variables of different routes at the same place their own names', () => {
    const r = router(['GET /pets/{id}', 'POST /pets/{petId}', 'GET /pets/{name}/toys']);
    expect(match(r, 'GET', '/pets/7')).toEqual(['GET /pets/{id}', { id: '7' }]);
    expect(match(r, 'POST', '/pets/7')).toEqual(['POST /pets/{petId}', { petId: '7' }]);
    expect(match(r, 'GET', '/pets/7/toys')).toEqual(['GET /pets/{name}/toys', { name: '7' }]);
  });

  it('keeps a variable named __proto__ as an own parameter', () => {
    const found = router(['GET /a/{__proto__}']).match('GET', '/a/x');
    expect(Object.getPrototypeOf(found?.pathParameters)).toBeNull();
    expect(Object.keys(found?.pathParameters ?? {})).toEqual(['__proto__']);
    expect(found?.pathParameters?.['__proto__']).toBe('x');
  });

  it('finds static siblings among many (hashed) as among few', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `GET /s${i}`);
    const r = router([...keys, 'GET /{other}']);
    expect(match(r, 'GET', '/s13')?.[0]).toBe('GET /s13');
    expect(match(r, 'GET', '/s%313')?.[0]).toBe('GET /s13');
    expect(match(r, 'GET', '/s99')).toEqual(['GET /{other}', { other: 's99' }]);
  });

  it('refuses invalid keys and keys that match the same requests', () => {
    expect(() => router(['GET /pets/'])).toThrow(PARTS_MESSAGE);
    expect(() => router(['GET /pets/{id}', 'GET /pets/{petId}'])).toThrow('route keys GET /pets/{id} and GET /pets/{petId} match the same requests');
    expect(() => router(['ANY /{a+}', 'ANY /{b+}'])).toThrow('match the same requests');
    expect(() => router(['$default', '$default'])).toThrow('duplicate route key: $default');
    expect(() => router(['GET /pets/{id}', 'ANY /pets/{petId}', 'GET /pets/{id}/{proxy+}'])).not.toThrow();
  });
});
