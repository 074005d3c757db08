// IAM policy evaluation for execute-api: what a Lambda authorizer's policy, a resource policy and
// an identity policy decide for a method ARN (AWS's evaluation logic: explicit Deny wins, an Allow
// is needed, wildcards per ARN part).
import { describe, it, expect } from 'vitest';
import { MalformedPolicyError, PolicyDocument } from '../../../src/auth/policy-document.js';

const ARN = 'arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/prod/GET/pets/1';
const invoke = (resource = ARN, extra: object = {}) => ({ action: 'execute-api:Invoke', resource, ...extra });
const policy = (...statements: object[]) => PolicyDocument.parse({ Version: '2012-10-17', Statement: statements });

describe('policy documents', () => {
  it("an authorizer's Allow with a wildcard path covers the method (AWS's documented example)", () => {
    const doc = policy({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/prod/GET/*' });
    expect(doc.evaluate(invoke())).toBe('allow');
    expect(doc.evaluate(invoke('arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/prod/POST/pets'))).toBe('silent');
    expect(doc.evaluate(invoke('arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/dev/GET/pets'))).toBe('silent');
  });

  it('an explicit Deny wins over any Allow; a policy that does not cover the method is silent', () => {
    const doc = policy(
      { Effect: 'Allow', Action: 'execute-api:*', Resource: 'arn:aws:execute-api:*:*:ymy8tbxw7b/*' },
      { Effect: 'Deny', Action: ['execute-api:Invoke'], Resource: ['arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/prod/GET/pets/*'] },
    );
    expect(doc.evaluate(invoke())).toBe('deny');
    expect(doc.evaluate(invoke('arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/prod/GET/pets'))).toBe('allow');
    expect(doc.evaluate(invoke('arn:aws:execute-api:us-west-2:123456789012:other/prod/GET/pets'))).toBe('silent');
  });

  it('wildcards stay within one part of the ARN; `*` alone matches every resource; actions match in any case', () => {
    expect(policy({ Effect: 'Allow', Action: '*', Resource: '*' }).evaluate(invoke())).toBe('allow');
    expect(policy({ Effect: 'Allow', Action: 'EXECUTE-API:invoke', Resource: 'arn:aws:execute-api:us-west-?:*:ymy8tbxw7b/*/GET/pets/?' }).evaluate(invoke())).toBe('allow');
  });

  it('a pattern that stops before the resource part with a * covers the rest; a * in a middle segment stays within it', () => {
    const allows = (resource: string, arn = ARN) => policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resource }).evaluate(invoke(arn));
    expect(allows('arn:aws:execute-api:*')).toBe('allow');
    expect(allows('arn:aws:execute-api:*:ymy8tbxw7b/*')).toBe('silent');
    expect(allows('arn:aws:execute-api:*:*:api1/*', 'arn:aws:execute-api:us-east-1:123456789012:api2/prod/GET/files/a:b:api1/x')).toBe('silent');
    expect(allows('arn:aws:execute-api:*:*:api1/*', 'arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/files/a:b')).toBe('allow');
    expect(allows('arn:aws:execute-api:us-west-2:*')).toBe('allow');
    expect(allows('arn:aws:execute-api:us-east-1:*')).toBe('silent');
    expect(allows('arn:aws:execute-api:us-west-2')).toBe('silent');
    expect(allows('arn:aws:execute-api:us-west-?:123456789012:ymy8tbxw7b/*')).toBe('allow');
    expect(allows('arn:aws:execute-api:us-*-2:123456789012:ymy8tbxw7b/*')).toBe('allow');
    expect(allows('arn:aws:execute-api:us-*-1:123456789012:ymy8tbxw7b/*')).toBe('silent');
  });

  it('NotResource and NotAction allow everything else', () => {
    const doc = policy({ Effect: 'Allow', Action: 'execute-api:Invoke', NotResource: 'arn:aws:execute-api:*:*:ymy8tbxw7b/prod/DELETE/*' });
    expect(doc.evaluate(invoke())).toBe('allow');
    expect(doc.evaluate(invoke('arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/prod/DELETE/pets'))).toBe('silent');
    expect(policy({ Effect: 'Deny', NotAction: 'execute-api:Invoke', Resource: '*' }).evaluate(invoke())).toBe('silent');
  });

  it("a resource policy's Principal: `*`, an account, or an IAM ARN", () => {
    const alice = { kind: 'aws' as const, arn: 'arn:aws:iam::111122223333:user/alice', account: '111122223333' };
    const byAccount = policy({ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'execute-api:Invoke', Resource: '*' });
    expect(byAccount.evaluate(invoke(ARN, { principal: alice }))).toBe('allow');
    expect(byAccount.evaluate(invoke(ARN, { principal: { kind: 'anonymous' } }))).toBe('silent');
    expect(policy({ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::111122223333:user/alice'] }, Action: 'execute-api:Invoke', Resource: '*' }).evaluate(invoke(ARN, { principal: alice }))).toBe('allow');
    expect(policy({ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '*' }).evaluate(invoke(ARN, { principal: { kind: 'anonymous' } }))).toBe('allow');
  });

  it('conditions: source IP ranges (IPv4, IPv6, mapped), strings, dates; an absent key fails a positive test', () => {
    const ipDeny = policy(
      { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] } } },
    );
    const from = (ip: string) => ipDeny.evaluate(invoke(ARN, { principal: { kind: 'anonymous' }, context: { 'aws:SourceIp': ip } }));
    expect(from('192.0.2.7')).toBe('allow');
    expect(from('::ffff:192.0.2.7')).toBe('allow');
    expect(from('2001:db8::1')).toBe('allow');
    expect(from('198.51.100.1')).toBe('deny');
    const ua = policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*', Condition: { StringLike: { 'aws:UserAgent': 'curl/*' } } });
    expect(ua.evaluate(invoke(ARN, { context: { 'aws:UserAgent': 'curl/8.0' } }))).toBe('allow');
    expect(ua.evaluate(invoke(ARN, { context: {} }))).toBe('silent');
    const window = policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } });
    expect(window.evaluate(invoke(ARN, { context: { 'aws:CurrentTime': '2026-12-03T12:00:00Z' } }))).toBe('allow');
    expect(window.evaluate(invoke(ARN, { context: { 'aws:CurrentTime': '2031-01-01T00:00:00Z' } }))).toBe('silent');
    // The keys a caller must supply, known once the policy is parsed.
    expect([...ipDeny.conditionKeys]).toEqual(['aws:SourceIp']);
    expect(ua.conditionKeys.has('aws:UserAgent')).toBe(true);
  });

  it('refuses what is not a policy', () => {
    for (const bad of ['{', '[]', { Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] }, { Statement: [{ Effect: 'Allow', Resource: '*' }] },
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', NotResource: '*' }] }, { Statement: [{ Effect: 'Allow', Action: [], Resource: '*' }] },
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { NumericWeird: { a: '1' } } }] }, {}]) {
      expect(() => PolicyDocument.parse(bad)).toThrow(MalformedPolicyError);
    }
  });
});
