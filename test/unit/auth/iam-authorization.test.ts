import { describe, it, expect } from 'vitest';
import { PolicyDocument, type Principal } from '../../../src/auth/policy-document.js';
import { authorizeIam, identityDecision } from '../../../src/auth/iam-authorization.js';
import { deniedMessage } from '../../../src/auth/resource-policy.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc/dev/GET/pets';
const alice: Principal = { kind: 'aws', arn: 'arn:aws:iam::123456789012:user/alice', account: '123456789012' };
const statement = (Effect: string, extra: object = {}) => ({ Effect, Action: 'execute-api:Invoke', Resource: '*', ...extra });
const policy = (...statements: object[]) => PolicyDocument.parse({ Version: '2012-10-17', Statement: statements });
const request = { resource: ARN, context: {} };

const identity = { allow: [policy(statement('Allow'))], deny: [policy(statement('Deny'))], silent: [] as PolicyDocument[] };
const resource = {
  allow: policy(statement('Allow', { Principal: { AWS: alice.kind === 'aws' ? alice.arn : '' } })),
  deny: policy(statement('Deny', { Principal: '*' })),
  silent: policy(statement('Allow', { Principal: { AWS: 'arn:aws:iam::123456789012:user/bob' } })),
  none: undefined,
};

describe('IAM caller + resource policy (Table A, same account)', () => {
  it.each([
    ['allow', 'allow', 'allow'],
    ['allow', 'silent', 'allow'],
    ['allow', 'none', 'allow'],
    ['silent', 'allow', 'allow'],
    ['silent', 'silent', 'silent'],
    ['silent', 'none', 'silent'],
    ['allow', 'deny', 'deny'],
    ['silent', 'deny', 'deny'],
    ['deny', 'allow', 'deny'],
    ['deny', 'none', 'deny'],
  ] as const)('identity %s, resource policy %s → %s', (id, res, expected) => {
    expect(authorizeIam({ principal: alice, policies: identity[id] }, request, resource[res])).toBe(expected);
  });

  it('a resource-policy Allow naming only the account delegates to the caller\'s identity policies', () => {
    for (const account of ['123456789012', 'arn:aws:iam::123456789012:root']) {
      const toAccount = policy(statement('Allow', { Principal: { AWS: account } }));
      expect(authorizeIam({ principal: alice, policies: identity.silent }, request, toAccount)).toBe('silent');
      expect(authorizeIam({ principal: alice, policies: identity.allow }, request, toAccount)).toBe('allow');
    }
    // Everyone (`*`) names the caller too.
    expect(authorizeIam({ principal: alice, policies: identity.silent }, request, policy(statement('Allow', { Principal: '*' })))).toBe('allow');
  });

  it('the account root is allowed everything but a resource-policy Deny', () => {
    const root: Principal = { kind: 'aws', arn: 'arn:aws:iam::123456789012:root', account: '123456789012' };
    expect(authorizeIam({ principal: root, policies: undefined }, request, undefined)).toBe('allow');
    expect(authorizeIam({ principal: root, policies: undefined }, request, resource.deny)).toBe('deny');
  });

  it('evaluates identity policies with ARN and action wildcards, NotResource and an explicit deny winning', () => {
    const decide = (...statements: object[]) => identityDecision({ principal: alice, policies: [policy(...statements)] }, request);
    expect(decide({ Effect: 'Allow', Action: 'execute-api:*', Resource: 'arn:aws:execute-api:*:*:abc/*/GET/*' })).toBe('allow');
    expect(decide({ Effect: 'Allow', Action: 'execute-api:Inv?ke', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc/prod/*' })).toBe('silent');
    expect(decide({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:execute-api:*:*:abc/*/POST/*' })).toBe('allow');
    expect(decide(statement('Allow'), { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:abc/dev/*' })).toBe('deny');
    expect(decide({ Effect: 'Allow', Action: 'lambda:*', Resource: '*' })).toBe('silent');
  });
});

describe('denial text', () => {
  it('names the IAM caller and says why, the account masked', () => {
    expect(deniedMessage(ARN, false, alice.kind === 'aws' ? alice.arn : '')).toBe(
      'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:abc/dev/GET/pets because no identity-based policy allows the execute-api:Invoke action',
    );
    expect(deniedMessage(ARN, true, 'arn:aws:iam::123456789012:user/alice')).toMatch(/GET\/pets with an explicit deny$/);
    expect(deniedMessage(ARN, false)).toBe('User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:abc/dev/GET/pets');
  });
});
