import { describe, it, expect } from 'vitest';
import { render } from './helpers.js';

describe('$input', () => {
  it('.body is the raw payload, {} when empty', () => {
    expect(render('$input.body', { body: '{"a": 1}' })).toBe('{"a": 1}');
    expect(render('$input.body', { body: 'not json' })).toBe('not json');
    expect(render('$input.body', { body: '' })).toBe('{}');
  });

  it(".json('$.pets[0]') prints the exact JSON of the match", () => {
    expect(render("$input.json('$.pets[0]')")).toBe('{"id":1,"type":"dog","price":249.99}');
    expect(render("$input.json('$.pets[0].type')")).toBe('"dog"');
    expect(render("$input.json('$.pets[0].id')")).toBe('1');
    expect(render("$input.json('$.pets[*].type')")).toBe('["dog","cat","fish"]');
    expect(render("$input.json('$.owner')")).toBe('{"first":"Ann","tags":["x","y"]}');
  });

  it(".json() gives '' for no match and for a body that is not JSON; {} for an empty body", () => {
    expect(render("[$input.json('$.nope')]")).toBe('[]');
    expect(render("[$input.json('$')]", { body: 'plain text' })).toBe('[]');
    expect(render("$input.json('$')", { body: '' })).toBe('{}');
  });

  it('.path() returns navigable values', () => {
    expect(render("$input.path('$.pets').size()")).toBe('3');
    expect(render("$input.path('$.pets')[1].type")).toBe('cat');
    expect(render("$input.path('$').name")).toBe('petstore');
    expect(render("$input.path('$.pets[0].type')")).toBe('dog');
    expect(render("$input.path('$.name').toUpperCase()")).toBe('PETSTORE');
    expect(render("$input.path('$')['a-b']")).toBe('dash');
    expect(render("#if($input.path('$.nope'))yes#{else}no#end")).toBe('no');
  });

  it('.path() prints a map Java-style and a list as JSON (AWS quirk)', () => {
    expect(render("$input.path('$')", { body: '{"a":1,"b":[{"c":5}]}' })).toBe('{a=1, b=[{"c":5}]}');
    expect(render("$input.path('$.b')", { body: '{"a":1,"b":[{"c":5}]}' })).toBe('[{"c":5}]');
    expect(render("$input.path('$.owner')")).toBe('{first=Ann, tags=["x","y"]}');
  });

  it('parses the body once per render even when used many times', () => {
    const parse = JSON.parse;
    let calls = 0;
    JSON.parse = ((text: string) => {
      calls++;
      return parse(text) as unknown;
    }) as typeof JSON.parse;
    try {
      render("$input.json('$.name') $input.path('$.pets').size() $input.json('$.owner')");
    } finally {
      JSON.parse = parse;
    }
    expect(calls).toBe(1);
  });

  it('.params() exposes path, querystring and header maps', () => {
    expect(render("$input.params().header.get('X-Trace')")).toBe('t-1');
    expect(render("$input.params().querystring.get('limit')")).toBe('5');
    expect(render("$input.params().path.get('petId')")).toBe('7');
    expect(render("$input.params().header.get('x-trace')")).toBe('');
    expect(render('#foreach($type in $input.params().keySet())$type #end')).toBe('path querystring header ');
    expect(render('$input.params().querystring')).toBe('{limit=5, q=a b}');
  });

  it('.params(name) searches path, then query string, then header', () => {
    expect(render("$input.params('petId')|$input.params('limit')|$input.params('Accept')|$input.params('nope')|")).toBe('7|5|application/json||');
    const shadowed = { params: { path: { x: 'path' }, querystring: { x: 'query' }, header: { x: 'header' } } };
    expect(render("$input.params('x')", shadowed)).toBe('path');
  });

  it('a case-insensitive header view passed by the caller keeps its rules', () => {
    const headers: Record<string, string> = { 'X-Trace': 't-1' };
    const view = new Proxy(headers, {
      get: (target, key) =>
        typeof key === 'string' ? Object.entries(target).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1] : undefined,
    });
    const params = { path: {}, querystring: {}, header: view };
    expect(render("$input.params('x-trace')|$input.params().header.get('X-TRACE')", { params })).toBe('t-1|t-1');
  });
});
