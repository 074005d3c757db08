import { describe, it, expect } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import { canonicalHeaders, canonicalQuery, canonicalRequest, canonicalUri, queryPairs } from '../../../src/aws/sigv4-canonical.js';
import { signatureOf, signingKey } from '../../../src/aws/signing-key.js';
import { verifySignature, type SignedRequest } from '../../../src/aws/sigv4.js';
import { AwsServiceError } from '../../../src/aws/errors.js';

describe('canonical URI (path normalisation, double encoding)', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/dev/pets', '/dev/pets'],
    ['/dev//pets', '/dev/pets'],
    ['/dev/./pets/../cats/', '/dev/cats/'],
    ['/dev/a%20b', '/dev/a%2520b'],
    ['/dev/a%2Bb', '/dev/a%252Bb'],
    ['/dev/~user/x*y', '/dev/~user/x%2Ay'],
    ["/dev/it's(1)!", '/dev/it%27s%281%29%21'],
  ])('%j → %j', (path, expected) => {
    expect(canonicalUri(path)).toBe(expected);
  });
});

describe('canonical query string', () => {
  it('encodes per RFC 3986, sorts by name then value, keeps empty values and drops X-Amz-Signature', () => {
    expect(canonicalQuery(queryPairs('b=2&a=z&a=y&flag&X-Amz-Signature=abc&sp=a%20b&plus=a+b&tilde=~'))).toBe('a=y&a=z&b=2&flag=&plus=a%20b&sp=a%20b&tilde=~');
    expect(canonicalQuery(queryPairs(''))).toBe('');
    expect(canonicalQuery(queryPairs('bad=%zz'))).toBe('bad=%25zz');
  });

  it('encodes again what a client escaped differently from RFC 3986, and keeps what it escaped the same way', () => {
    expect(canonicalQuery(queryPairs('a=%41%2f%7e%21&b=%2F%3A%40&%61=1'))).toBe('a=1&a=A%2F~%21&b=%2F%3A%40');
    expect(canonicalQuery(queryPairs('u=%C3%A9&v=%c3%a9&w=%FF'))).toBe('u=%C3%A9&v=%C3%A9&w=%25FF');
  });
});

describe('canonical headers', () => {
  it('trims values and collapses inner whitespace, in the signed order', () => {
    const headers: Record<string, string> = { host: 'example.com', 'x-amz-date': '20150830T123600Z', 'my-header': '  a   b  c ' };
    expect(canonicalHeaders(['host', 'my-header', 'x-amz-date'], (name) => headers[name])).toBe('host:example.com\nmy-header:a b c\nx-amz-date:20150830T123600Z\n');
  });
});

// The example of the IAM User Guide ("Create a signed AWS API request"), GET to IAM's ListUsers.
describe('the AWS documentation example', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'iam.amazonaws.com', 'x-amz-date': '20150830T123600Z',
  };
  const canonical = canonicalRequest({
    method: 'GET', rawPath: '/', query: queryPairs('Action=ListUsers&Version=2010-05-08'), signedHeaders: ['content-type', 'host', 'x-amz-date'],
    header: (name) => headers[name], payloadHash: createHash('sha256').update('').digest('hex'),
  });

  it('builds the documented canonical request and signature', () => {
    expect(createHash('sha256').update(canonical).digest('hex')).toBe('f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
    const stringToSign = `AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
    expect(signatureOf(signingKey(secret, '20150830', 'us-east-1', 'iam'), stringToSign)).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });

  it('derives the signing key once and answers the same key from the cache', () => {
    const key = signingKey(secret, '20150830', 'us-east-1', 'iam');
    const derived = [
      '20150830', 'us-east-1', 'iam', 'aws4_request',
    ].reduce<Buffer | string>((k, data) => createHmac('sha256', k).update(data).digest(), `AWS4${secret}`);
    expect(key.key).toEqual(derived);
    expect(signingKey(secret, '20150830', 'us-east-1', 'iam')).toBe(key);
    expect(signingKey(secret, '20150831', 'us-east-1', 'iam')).not.toEqual(key);
  });

  it('signs any string to sign as HMAC-SHA256 with the key, long and non-ASCII ones too', () => {
    const key = signingKey(secret, '20150830', 'us-east-1', 'iam');
    for (const stringToSign of ['', 'short', 'é'.repeat(300), `AWS4-HMAC-SHA256\n${'x'.repeat(5000)}`, 'after a long one']) {
      expect(signatureOf(key, stringToSign)).toBe(createHmac('sha256', key.key).update(stringToSign).digest('hex'));
    }
  });

  it('verifies the documented request', () => {
    const request: SignedRequest = {
      method: 'GET', path: '/', rawQuery: 'Action=ListUsers&Version=2010-05-08', body: new Uint8Array(),
      headers: {
        ...headers,
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
      },
    };
    const lookup = (id: string) => (id === 'AKIDEXAMPLE' ? { secretAccessKey: secret } : undefined);
    expect(verifySignature(request, lookup, Date.UTC(2015, 7, 30, 12, 38))).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', service: 'iam', region: 'us-east-1' });
    const otherService = (() => {
      try {
        verifySignature(request, lookup, Date.UTC(2015, 7, 30, 12, 38), { service: 'execute-api' });
      } catch (error) {
        return error as AwsServiceError;
      }
    })();
    expect(otherService).toMatchObject({ type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'execute-api'. " });
  });
});
