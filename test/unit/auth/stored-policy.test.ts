// The resource policy as AWS keeps and answers it.
import { describe, it, expect } from 'vitest';
import { isPlainPolicy, policyText, storedPolicy } from '../../../src/auth/stored-policy.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123';

describe('stored resource policies', () => {
  it('expands shorthand resources, minifies and escapes as AWS answers', () => {
    const written = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: ['execute-api:/*', 'arn:aws:execute-api:*:*:other/*'] }] }, null, 2);
    expect(storedPolicy(written, ARN)).toBe(
      '{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"execute-api:Invoke\\",'
      + '\\"Resource\\":[\\"arn:aws:execute-api:us-east-1:123456789012:abc123\\/*\\",\\"arn:aws:execute-api:*:*:other\\/*\\"]}]}',
    );
  });

  it('reads back the plain JSON, backslashes in values included; a plain policy (stored earlier) reads as is', () => {
    const written = JSON.stringify({ Statement: { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:UserAgent': 'a\\b"c' } } } });
    const stored = storedPolicy(written, ARN);
    expect(isPlainPolicy(stored)).toBe(false);
    expect(JSON.parse(policyText(stored))).toEqual(JSON.parse(written));
    expect(policyText(written)).toBe(written);
    expect(isPlainPolicy(written)).toBe(true);
  });
});
