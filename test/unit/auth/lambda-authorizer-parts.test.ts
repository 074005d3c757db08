// The parts of a Lambda authorizer that need no function: identity sources and the answer's checks.
import { describe, it, expect } from 'vitest';
import { identityValues, parseIdentitySources, type IdentityReader } from '../../../src/auth/identity-sources.js';
import { parseAuthorizerAnswer } from '../../../src/auth/authorizer-answer.js';
import { LocalEntries, MAX_LOCAL_ENTRIES } from '../../../src/state/authorizer-cache.js';

const reader: IdentityReader = {
  header: (name) => ({ authorization: 'token', empty: '' })[name],
  headerValues: (name) => (name === 'x-multi' ? ['a', 'b'] : undefined),
  querystring: (name) => ({ user: 'alice' })[name],
  querystringValues: (name) => (name === 'tag' ? ['x', 'y'] : undefined),
  stageVariable: (name) => ({ tier: 'gold' })[name],
  context: (path) => ({ 'identity.sourceIp': '192.0.2.1' })[path],
};

describe('identity sources', () => {
  it('reads every kind, in order, header names case-insensitively', () => {
    const sources = parseIdentitySources('method.request.header.Authorization, method.request.querystring.user,method.request.multivalueheader.X-Multi, method.request.multivaluequerystring.tag, stageVariables.tier, context.identity.sourceIp');
    expect(identityValues(sources, reader)).toEqual(['token', 'alice', 'a,b', 'x,y', 'gold', '192.0.2.1']);
  });

  it('a missing or empty source means no identity (401)', () => {
    expect(identityValues(parseIdentitySources('method.request.header.Missing'), reader)).toBeUndefined();
    expect(identityValues(parseIdentitySources('method.request.header.Empty'), reader)).toBeUndefined();
    expect(identityValues(parseIdentitySources(undefined), reader)).toEqual([]);
  });
});

describe('authorizer answers', () => {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }] };

  it('keeps principalId and the context as strings', () => {
    const answer = parseAuthorizerAnswer(JSON.stringify({ principalId: 7, policyDocument: policy, context: { s: 'v', n: 1, b: false, gone: null }, usageIdentifierKey: 'key' }));
    expect(answer).toMatchObject({ principalId: '7', context: { principalId: '7', s: 'v', n: '1', b: 'false' }, usageIdentifierKey: 'key' });
  });

  it('refuses what API Gateway refuses', () => {
    for (const text of ['not json', 'null', '[]', '{"policyDocument": {}}', '{"principalId": "p"}', '{"principalId": "p", "policyDocument": {"Statement": [{"Effect": "Maybe"}]}}',
      JSON.stringify({ principalId: 'p', policyDocument: policy, context: { deep: { a: 1 } } }), JSON.stringify({ principalId: 'p', policyDocument: policy, context: [1] })]) {
      expect(parseAuthorizerAnswer(text)).toHaveProperty('malformed');
    }
  });
});

describe('the cache of one process', () => {
  it('never holds more than MAX_LOCAL_ENTRIES: the expired go first, then the oldest', () => {
    let now = 0;
    const entries = new LocalEntries(() => now);
    for (let i = 0; i < MAX_LOCAL_ENTRIES; i++) entries.set(`k${i}`, i, i < 10 ? 5 : 1_000);
    now = 10;
    entries.set('newest', 'n', 1_000);
    expect(entries.size).toBeLessThanOrEqual(MAX_LOCAL_ENTRIES);
    expect(entries.get('newest')).toBe('n');
    expect(entries.get('k0')).toBeUndefined();
    for (let i = 0; i < MAX_LOCAL_ENTRIES; i++) entries.set(`more${i}`, i, 1_000);
    expect(entries.size).toBeLessThanOrEqual(MAX_LOCAL_ENTRIES);
    expect(entries.get(`more${MAX_LOCAL_ENTRIES - 1}`)).toBe(MAX_LOCAL_ENTRIES - 1);
  });
});
