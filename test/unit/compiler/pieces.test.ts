import { describe, it, expect } from 'vitest';
import { compileSelectionPattern } from '../../../src/compiler/selection-pattern.js';
import { BinaryMediaTypes, mediaTypeOf } from '../../../src/compiler/binary-media-types.js';
import { UriTemplate } from '../../../src/compiler/uri-template.js';

describe('selection patterns (Java regex, full match)', () => {
  it('matches the whole status code', () => {
    const p = compileSelectionPattern('2\\d{2}')!;
    expect(p.test('200')).toBe(true);
    expect(p.test('2000')).toBe(false);
    expect(p.test('x200')).toBe(false);
  });
  it('keeps alternation inside the anchors', () => {
    const p = compileSelectionPattern('4\\d{2}|500')!;
    expect(['400', '404', '500'].map((s) => p.test(s))).toEqual([true, true, true]);
    expect(p.test('5000')).toBe(false);
    expect(p.test('501')).toBe(false);
  });
  it('matches error messages whole; .+ does not cross newlines, (\\n|.)+ does', () => {
    expect(compileSelectionPattern('.*Not Found.*')!.test('Item Not Found here')).toBe(true);
    expect(compileSelectionPattern('.+')!.test('a\nb')).toBe(false);
    expect(compileSelectionPattern('(\\n|.)+')!.test('a\nb')).toBe(true);
  });
  it('returns undefined for an invalid expression', () => {
    expect(compileSelectionPattern('([')).toBeUndefined();
  });
});

describe('binaryMediaTypes', () => {
  it('matches exact, subtype wildcard and */*', () => {
    const types = new BinaryMediaTypes(['image/png', 'application/*']);
    expect(types.matches('image/png')).toBe(true);
    expect(types.matches('image/jpeg')).toBe(false);
    expect(types.matches('application/octet-stream')).toBe(true);
    expect(new BinaryMediaTypes(['*/*']).matches('text/plain')).toBe(true);
    expect(new BinaryMediaTypes([]).matches('image/png')).toBe(false);
    expect(new BinaryMediaTypes(['image~1png']).matches('image/png')).toBe(true);
  });
  it('takes the bare media type of a header', () => {
    expect(mediaTypeOf('application/json; charset=UTF-8')).toBe('application/json');
    expect(mediaTypeOf('Image/PNG, text/html')).toBe('image/png');
    expect(mediaTypeOf(undefined)).toBeUndefined();
    expect(mediaTypeOf('')).toBeUndefined();
  });
});

describe('UriTemplate', () => {
  it('precomputes a static origin and fills path slots raw', () => {
    const uri = UriTemplate.compile('http://backend:8080/pets/{id}/toys/{proxy}');
    expect(uri.staticOrigin).toBe('http://backend:8080');
    expect(uri.path({ id: '7', proxy: 'a/b%20c' }, {})).toBe('/pets/7/toys/a/b%20c');
  });
  it('accepts {proxy+} slots and a bare origin', () => {
    expect(UriTemplate.compile('http://h/{proxy+}').path({ proxy: 'x/y' }, {})).toBe('/x/y');
    expect(UriTemplate.compile('https://h').path(undefined, {})).toBe('/');
  });
  it('substitutes stage variables in host and path', () => {
    const uri = UriTemplate.compile('http://${stageVariables.host}:${stageVariables.port}/v/${stageVariables.version}/items');
    expect(uri.staticOrigin).toBeUndefined();
    expect(uri.origin({ host: 'h', port: '81' })).toBe('http://h:81');
    expect(uri.path(undefined, { version: '2' })).toBe('/v/2/items');
  });
  it('knows whether the uri has its own query', () => {
    const uri = UriTemplate.compile('http://h/p?fixed=1');
    expect(uri.hasQuery).toBe(true);
    expect(uri.path(undefined, {})).toBe('/p?fixed=1');
    expect(UriTemplate.compile('http://h?x=1').path(undefined, {})).toBe('/?x=1');
  });
});
