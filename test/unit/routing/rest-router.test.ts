import { describe, it, expect } from 'vitest';
import { RestRouter } from '../../../src/routing/rest-router.js';

type Route = [path: string, verbs: string[]];

function router(routes: Route[]): RestRouter<string> {
  return RestRouter.build(routes.map(([path, verbs]) => ({
    path,
    methods: Object.fromEntries(verbs.map((verb) => [verb, `${verb} ${path}`])),
  })));
}

function match(r: RestRouter<string>, method: string, path: string): [string | undefined, Record<string, string>] {
  const params: Record<string, string> = {};
  return [r.match(method, path, params), params];
}

describe('RestRouter', () => {
  it('matches static resources and the root', () => {
    const r = router([['/', ['GET']], ['/pets', ['GET', 'POST']], ['/pets/dogs', ['GET']]]);
    expect(match(r, 'GET', '/')).toEqual(['GET /', {}]);
    expect(match(r, 'POST', '/pets')).toEqual(['POST /pets', {}]);
    expect(match(r, 'GET', '/pets/dogs')).toEqual(['GET /pets/dogs', {}]);
    expect(match(r, 'GET', '/cats')[0]).toBeUndefined();
  });

  it('prefers static over {param} over {proxy+}', () => {
    const r = router([['/pets/dog', ['GET']], ['/pets/{id}', ['GET']], ['/pets/{proxy+}', ['GET']]]);
    expect(match(r, 'GET', '/pets/dog')).toEqual(['GET /pets/dog', {}]);
    expect(match(r, 'GET', '/pets/7')).toEqual(['GET /pets/{id}', { id: '7' }]);
    expect(match(r, 'GET', '/pets/7/toys')).toEqual(['GET /pets/{proxy+}', { proxy: '7/toys' }]);
  });

  it('backtracks to a greedy sibling: /part1/random-value → /{param+} (AWS-recorded)', () => {
    const r = router([['/part1', ['GET']], ['/part1/hardcoded-value', ['GET']], ['/{param+}', ['GET']]]);
    expect(match(r, 'GET', '/part1/random-value')).toEqual(['GET /{param+}', { param: 'part1/random-value' }]);
    expect(match(r, 'GET', '/part1/hardcoded-value')).toEqual(['GET /part1/hardcoded-value', {}]);
    expect(match(r, 'GET', '/part1')).toEqual(['GET /part1', {}]);
  });

  it('falls through to a less specific resource that has the verb: OPTIONS /test → /{proxy+} (AWS-recorded)', () => {
    const r = router([['/test', ['POST']], ['/{proxy+}', ['OPTIONS']]]);
    expect(match(r, 'OPTIONS', '/test')).toEqual(['OPTIONS /{proxy+}', { proxy: 'test' }]);
    expect(match(r, 'POST', '/test')).toEqual(['POST /test', {}]);
    expect(match(r, 'GET', '/test')[0]).toBeUndefined();
  });

  it('backtracks out of a {param} branch without leaking its parameter', () => {
    const r = router([['/a/{id}/b', ['GET']], ['/a/{proxy+}', ['GET']]]);
    expect(match(r, 'GET', '/a/1/c')).toEqual(['GET /a/{proxy+}', { proxy: '1/c' }]);
    expect(match(r, 'GET', '/a/1/b')).toEqual(['GET /a/{id}/b', { id: '1' }]);
  });

  it('lets an exact verb win over ANY on the same resource, ANY covering the seven verbs', () => {
    const r = router([['/items', ['ANY', 'GET']]]);
    expect(match(r, 'GET', '/items')[0]).toBe('GET /items');
    for (const verb of ['DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']) expect(match(r, verb, '/items')[0]).toBe('ANY /items');
    expect(match(r, 'PROPFIND', '/items')[0]).toBeUndefined();
  });

  it('treats HEAD as its own verb (no implicit GET)', () => {
    const r = router([['/h', ['GET']], ['/k', ['HEAD']]]);
    expect(match(r, 'HEAD', '/h')[0]).toBeUndefined();
    expect(match(r, 'HEAD', '/k')[0]).toBe('HEAD /k');
  });

  it('ignores trailing slashes for matching', () => {
    const r = router([['/pets', ['GET']], ['/pets/{id}', ['GET']], ['/', ['GET']]]);
    expect(match(r, 'GET', '/pets/')[0]).toBe('GET /pets');
    expect(match(r, 'GET', '/pets/5/')).toEqual(['GET /pets/{id}', { id: '5' }]);
    expect(match(r, 'GET', '//')[0]).toBe('GET /');
  });

  it('keeps repeated slashes and percent-encoding in greedy values', () => {
    const r = router([['/{proxy+}', ['ANY']]]);
    expect(match(r, 'GET', '/proxy-value//double-slash')[1]).toEqual({ proxy: 'proxy-value//double-slash' });
    expect(match(r, 'GET', '/test%2Balias@gmail.com')[1]).toEqual({ proxy: 'test%2Balias@gmail.com' });
    expect(match(r, 'GET', '/a%20b/c')[1]).toEqual({ proxy: 'a%20b/c' });
  });

  it('does not match / with /{proxy+}', () => {
    const r = router([['/{proxy+}', ['ANY']]]);
    expect(match(r, 'GET', '/')[0]).toBeUndefined();
  });

  it('keeps {param} values raw and never empty', () => {
    const r = router([['/users/{name}', ['GET']]]);
    expect(match(r, 'GET', '/users/a%20b')[1]).toEqual({ name: 'a%20b' });
    expect(match(r, 'GET', '/users//')[0]).toBeUndefined();
  });

  it('is case-sensitive on static parts', () => {
    const r = router([['/Pets', ['GET']]]);
    expect(match(r, 'GET', '/pets')[0]).toBeUndefined();
    expect(match(r, 'GET', '/Pets')[0]).toBe('GET /Pets');
  });

  it('hashes large static fan-outs and still matches', () => {
    const routes: Route[] = Array.from({ length: 20 }, (_, i) => [`/r${i}`, ['GET']] as Route);
    routes.push(['/{id}', ['GET']]);
    const r = router(routes);
    expect(match(r, 'GET', '/r13')[0]).toBe('GET /r13');
    expect(match(r, 'GET', '/r99')).toEqual(['GET /{id}', { id: 'r99' }]);
  });

  it('finds nested params with greedy tails', () => {
    const r = router([['/v1/{tenant}/files/{path+}', ['GET']]]);
    expect(match(r, 'GET', '/v1/acme/files/a/b/c.txt')).toEqual(['GET /v1/{tenant}/files/{path+}', { tenant: 'acme', path: 'a/b/c.txt' }]);
  });

  it('refuses a child under a greedy variable', () => {
    expect(() => router([['/{proxy+}/x', ['GET']]])).toThrow();
  });
});
