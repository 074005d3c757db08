import { describe, it, expect } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifySigV4, NodeSha256, type SignedRequest } from '../../../src/aws/sigv4.js';
import { AwsServiceError } from '../../../src/aws/errors.js';

/** A request as it came off the wire: headers by lower-case name. */
type WireRequest = SignedRequest & { headers: Record<string, string | undefined> };

const lookup = (key: string) => (key === 'AKIDEXAMPLE' ? { secretAccessKey: 'secret' } : undefined);

async function signed(opts: {
  secret?: string; date?: Date; path?: string; query?: Record<string, string>; body?: string; presign?: boolean; botocore?: boolean; region?: string;
  headers?: Record<string, string>;
} = {}): Promise<WireRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: opts.secret ?? 'secret' },
    region: opts.region ?? 'us-east-1',
    service: 'apigateway',
    sha256: NodeSha256,
    // botocore (the AWS CLI) sends no X-Amz-Content-Sha256 and signs Accept.
    applyChecksum: !opts.botocore,
  });
  const request = {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: opts.path ?? '/restapis',
    query: opts.query ?? {},
    headers: { host: '127.0.0.1:4566', 'content-type': 'application/json', ...(opts.botocore && { accept: 'application/json' }), ...opts.headers },
    body: opts.body ?? '{"name":"x"}',
  };
  const out = opts.presign
    ? await signer.presign(request, { signingDate: opts.date ?? new Date(), expiresIn: 300 })
    : await signer.sign(request, { signingDate: opts.date ?? new Date() });
  const rawQuery = new URLSearchParams(out.query as Record<string, string>).toString();
  return { method: out.method, path: out.path, rawQuery, headers: { ...out.headers }, body: Buffer.from(request.body) };
}

async function failure(request: SignedRequest, now?: number): Promise<AwsServiceError> {
  const error = await verifySigV4(request, lookup, now).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AwsServiceError);
  return error as AwsServiceError;
}

describe('SigV4 verification', () => {
  it('accepts a request signed by the SDK signer and reports the credential scope', async () => {
    const caller = await verifySigV4(await signed({ path: '/tags/arn%3Aaws%3Aapigateway%3A%3A%2Frestapis%2Fabc', query: { tagKeys: 'a b' } }), lookup);
    expect(caller).toEqual({ accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'apigateway' });
  });

  it('accepts a request signed the way botocore (the AWS CLI) signs', async () => {
    const request = await signed({ botocore: true });
    expect(request.headers['x-amz-content-sha256']).toBeUndefined();
    await expect(verifySigV4(request, lookup)).resolves.toMatchObject({ service: 'apigateway' });
  });

  it('accepts a presigned URL', async () => {
    const request = await signed({ presign: true, query: { mode: 'import' } });
    await expect(verifySigV4(request, lookup)).resolves.toMatchObject({ service: 'apigateway' });
  });

  it('answers MissingAuthenticationTokenException when nothing is signed', async () => {
    const error = await failure({ method: 'GET', path: '/restapis', rawQuery: '', headers: {}, body: Buffer.alloc(0) });
    expect([error.type, error.statusCode, error.message]).toEqual(['MissingAuthenticationTokenException', 403, 'Missing Authentication Token']);
  });

  it('answers UnrecognizedClientException for an unknown key', async () => {
    const request = await signed();
    request.headers.authorization = String(request.headers.authorization).replace('AKIDEXAMPLE', 'AKIDOTHER');
    const error = await failure(request);
    expect([error.type, error.message]).toEqual(['UnrecognizedClientException', 'The security token included in the request is invalid.']);
  });

  it('answers InvalidSignatureException for a wrong secret or a tampered body', async () => {
    expect((await failure(await signed({ secret: 'wrong' }))).type).toBe('InvalidSignatureException');
    const tampered = await signed();
    tampered.body = Buffer.from('{"name":"y"}');
    const error = await failure(tampered);
    expect(error.message).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  });

  it('refuses UNSIGNED-PAYLOAD: the body is always part of the signature', async () => {
    const unsigned = await signed({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect((await failure(unsigned)).type).toBe('InvalidSignatureException');
    unsigned.body = Buffer.from('{"name":"swapped"}');
    expect((await failure(unsigned)).type).toBe('InvalidSignatureException');
  });

  it('refuses a credential scoped to another region than the one served', async () => {
    const request = await signed({ region: 'eu-west-1' });
    await expect(verifySigV4(request, lookup)).resolves.toMatchObject({ region: 'eu-west-1' });
    const error = await verifySigV4(request, lookup, Date.now(), 'us-east-1').then(() => undefined, (e: unknown) => e as AwsServiceError);
    expect(error).toMatchObject({ type: 'InvalidSignatureException', statusCode: 403, message: "Credential should be scoped to a valid region, not 'eu-west-1'. " });
  });

  it('refuses a request signed more than 5 minutes ago, or ahead, with AWS messages', async () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    const old = await failure(await signed({ date: new Date(now - 6 * 60 * 1000) }), now);
    expect(old.message).toBe('Signature expired: 20261121T115400Z is now earlier than 20261121T115500Z (20261121T120000Z - 5 min.)');
    const ahead = await failure(await signed({ date: new Date(now + 6 * 60 * 1000) }), now);
    expect(ahead.message).toBe('Signature not yet current: 20261121T120600Z is still later than 20261121T120500Z (20261121T120000Z + 5 min.)');
  });

  it('requires Host among the signed headers', async () => {
    const request = await signed();
    request.headers.authorization = String(request.headers.authorization).replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date');
    const error = await failure(request);
    expect([error.type, error.statusCode]).toEqual(['IncompleteSignatureException', 403]);
    expect(error.message).toContain("'Host' or ':authority' must be a 'SignedHeader'");
  });

  it('names the missing parts of a malformed Authorization header', async () => {
    const error = await failure({ method: 'GET', path: '/', rawQuery: '', headers: { authorization: 'Bearer abc' }, body: Buffer.alloc(0) });
    expect(error.type).toBe('IncompleteSignatureException');
    expect(error.message).toContain("Authorization header requires 'Credential' parameter.");
    expect(error.message).toContain('Authorization=Bearer abc');
  });

  it('requires exactly the session token of temporary credentials', async () => {
    const signer = new SignatureV4({ credentials: { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp', sessionToken: 'token-1' }, region: 'us-east-1', service: 'execute-api', sha256: NodeSha256 });
    const out = await signer.sign({ method: 'GET', protocol: 'http:', hostname: 'h', path: '/dev/pets', query: {}, headers: { host: 'h' } });
    const request: WireRequest = { method: 'GET', path: '/dev/pets', rawQuery: '', headers: { ...out.headers }, body: new Uint8Array() };
    const temporary = (token?: string) => (key: string) => (key === 'ASIATEMP' ? { secretAccessKey: 'temp', sessionToken: token } : undefined);
    await expect(verifySigV4(request, temporary('token-1'))).resolves.toMatchObject({ accessKeyId: 'ASIATEMP' });
    for (const lookupOf of [temporary('token-2'), temporary(undefined)]) {
      const error = await verifySigV4(request, lookupOf).then(() => undefined, (e: unknown) => e as AwsServiceError);
      expect([error?.type, error?.message]).toEqual(['UnrecognizedClientException', 'The security token included in the request is invalid.']);
    }
  });

  it('refuses a presigned URL past its X-Amz-Expires', async () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    const error = await failure(await signed({ presign: true, date: new Date(now - 301_000) }), now);
    expect([error.type, error.message]).toEqual(['AccessDeniedException', 'Request has expired']);
  });
});
