import { describe, it, expect } from 'vitest';
import {
  compileParameterSource,
  parseParameterExpression,
  ParameterMappingError,
  type MappingSources,
} from '../../../src/vtl/index.js';
import { STORE_BODY } from './helpers.js';

const sources: MappingSources = {
  methodRequest: {
    path: { petId: '7', proxy: 'a/b' },
    querystring: { q: 'last', limit: '5' },
    multivaluequerystring: { q: ['first', 'last'] },
    header: { 'X-Trace': 't-1', Accept: 'application/json' },
    multivalueheader: { 'X-Trace': ['t-0', 't-1'] },
    body: STORE_BODY,
  },
  integrationResponse: {
    header: { 'x-backend': 'b-1' },
    multivalueheader: { 'set-cookie': ['a=1', 'b=2'] },
    body: JSON.stringify({ id: 42, errorMessage: JSON.stringify({ code: 'E42' }), nested: { ok: true } }),
  },
  context: { requestId: 'req-1', identity: { sourceIp: '10.0.0.1' }, authorizer: { claims: { 'custom:role': 'admin' }, count: 3 } },
  stageVariables: { env: 'prod' },
};

const evaluate = (expression: string) => compileParameterSource(expression)(sources);

describe('parseParameterExpression', () => {
  it('recognises every source form', () => {
    expect(parseParameterExpression('method.request.path.petId')).toEqual({ kind: 'method.request', location: 'path', name: 'petId' });
    expect(parseParameterExpression('method.request.multivalueheader.X-Trace')).toEqual({
      kind: 'method.request',
      location: 'multivalueheader',
      name: 'X-Trace',
    });
    expect(parseParameterExpression('method.request.body')).toEqual({ kind: 'method.request', location: 'body' });
    expect(parseParameterExpression('method.request.body.petstore.pets[0].name')).toEqual({
      kind: 'method.request',
      location: 'body',
      name: 'petstore.pets[0].name',
    });
    expect(parseParameterExpression("method.request.body['a-b']")).toEqual({ kind: 'method.request', location: 'body', name: "['a-b']" });
    expect(parseParameterExpression('integration.response.header.x-backend')).toEqual({
      kind: 'integration.response',
      location: 'header',
      name: 'x-backend',
    });
    expect(parseParameterExpression('stageVariables.env')).toEqual({ kind: 'stageVariables', name: 'env' });
    expect(parseParameterExpression('context.identity.sourceIp')).toEqual({ kind: 'context', name: 'identity.sourceIp' });
    expect(parseParameterExpression("'a static, value'")).toEqual({ kind: 'static', value: 'a static, value' });
    expect(parseParameterExpression("''")).toEqual({ kind: 'static', value: '' });
  });

  it('refuses unknown forms with a message naming the expression', () => {
    for (const bad of [
      'method.request.cookie.a',
      'method.request.header.',
      'method.request.header.bad name',
      'integration.response.path.x',
      'method.response.header.x',
      'stageVariables.',
      'context.',
      'context.a..b',
      "'unterminated",
      'true',
    ]) {
      expect(() => parseParameterExpression(bad), bad).toThrow(ParameterMappingError);
    }
    expect(() => compileParameterSource('method.request.nope.x')).toThrow('Invalid mapping expression specified: method.request.nope.x');
  });
});

describe('compileParameterSource', () => {
  it('method.request path, querystring and header values (names as given)', () => {
    expect(evaluate('method.request.path.petId')).toBe('7');
    expect(evaluate('method.request.querystring.q')).toBe('last');
    expect(evaluate('method.request.header.X-Trace')).toBe('t-1');
    expect(evaluate('method.request.header.x-trace')).toBeUndefined();
    expect(evaluate('method.request.querystring.missing')).toBeUndefined();
    expect(evaluate('method.request.header.toString')).toBeUndefined();
  });

  it('multi-value sources give lists', () => {
    expect(evaluate('method.request.multivaluequerystring.q')).toEqual(['first', 'last']);
    expect(evaluate('method.request.multivalueheader.X-Trace')).toEqual(['t-0', 't-1']);
    expect(evaluate('integration.response.multivalueheader.set-cookie')).toEqual(['a=1', 'b=2']);
    expect(evaluate('method.request.multivalueheader.nope')).toBeUndefined();
  });

  it('the body, and a JSONPath into it (strings raw, the rest as JSON)', () => {
    expect(evaluate('method.request.body')).toBe(STORE_BODY);
    expect(evaluate('method.request.body.pets[0].type')).toBe('dog');
    expect(evaluate('method.request.body.pets[0].id')).toBe('1');
    expect(evaluate('method.request.body.owner')).toBe('{"first":"Ann","tags":["x","y"]}');
    expect(evaluate("method.request.body['a-b']")).toBe('dash');
    expect(evaluate('method.request.body.pets[*].id')).toBe('[1,2,3]');
    expect(evaluate('method.request.body.nope')).toBeUndefined();
  });

  it('a body JSONPath on a body that is not JSON gives undefined', () => {
    const text: MappingSources = { ...sources, methodRequest: { ...sources.methodRequest!, body: 'plain text' } };
    expect(compileParameterSource('method.request.body.a')(text)).toBeUndefined();
    expect(compileParameterSource('method.request.body')(text)).toBe('plain text');
  });

  it('integration.response header and body, through a stringified errorMessage', () => {
    expect(evaluate('integration.response.header.x-backend')).toBe('b-1');
    expect(evaluate('integration.response.body')).toBe(sources.integrationResponse!.body);
    expect(evaluate('integration.response.body.id')).toBe('42');
    expect(evaluate('integration.response.body.nested.ok')).toBe('true');
    expect(evaluate('integration.response.body.errorMessage.code')).toBe('E42');
  });

  it('stageVariables, context (nested, colon names, non-strings) and static values', () => {
    expect(evaluate('stageVariables.env')).toBe('prod');
    expect(evaluate('stageVariables.nope')).toBeUndefined();
    expect(evaluate('context.requestId')).toBe('req-1');
    expect(evaluate('context.identity.sourceIp')).toBe('10.0.0.1');
    expect(evaluate('context.authorizer.claims.custom:role')).toBe('admin');
    expect(evaluate('context.authorizer.count')).toBe('3');
    expect(evaluate('context.identity.nope.deeper')).toBeUndefined();
    expect(evaluate("'application/json'")).toBe('application/json');
  });

  it('answers undefined when a message is absent (e.g. no integration response yet)', () => {
    const bare: MappingSources = { context: {}, stageVariables: {} };
    expect(compileParameterSource('method.request.header.a')(bare)).toBeUndefined();
    expect(compileParameterSource('integration.response.body.a')(bare)).toBeUndefined();
    expect(compileParameterSource('method.request.body')(bare)).toBeUndefined();
  });

  it('parses a body once for several mappings of one request', () => {
    const parse = JSON.parse;
    let calls = 0;
    JSON.parse = ((text: string) => {
      calls++;
      return parse(text) as unknown;
    }) as typeof JSON.parse;
    try {
      const fresh: MappingSources = { ...sources, methodRequest: { ...sources.methodRequest! } };
      compileParameterSource('method.request.body.name')(fresh);
      compileParameterSource('method.request.body.pets[1].type')(fresh);
    } finally {
      JSON.parse = parse;
    }
    expect(calls).toBe(1);
  });
});
