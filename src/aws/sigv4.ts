// Verifies AWS Signature Version 4 on incoming requests (header and presigned-query forms),
// with AWS's 403 answers. The canonical request is rebuilt by @smithy/signature-v4, the
// signer the AWS SDK itself uses. AWS IAM User Guide, "Create a signed AWS API request":
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsServiceError } from './errors.js';

export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** Raw request path as received, without the query string. */
  path: string;
  /** Raw query string without the leading `?`. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
  service: string;
}

export interface Credential {
  secretAccessKey: string;
}

export type CredentialLookup = (accessKeyId: string) => Credential | undefined;

interface ParsedSignature {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
  expiresSeconds?: number;
}

const forbidden = (type: string, message: string) => new AwsServiceError(type, 403, message);

export const missingAuthenticationToken = () =>
  forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');

/** Node crypto behind the hash interface smithy expects (an HMAC when given a key). */
export class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }
  reset(): void {
    throw new Error('not used by the signer');
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Verifies a request's SigV4 signature against `lookup`'s secrets. With `region`, a credential
 * scoped to another region is refused, as AWS's regional endpoints do.
 */
export async function verifySigV4(request: SignedRequest, lookup: CredentialLookup, now = Date.now(), region?: string): Promise<VerifiedCaller> {
  const { parsed, secret } = checkCredential(request, lookup, now, region);
  checkDeclaredPayloadHash(request);
  await checkSignature(request, request.body, parsed, secret);
  return { accessKeyId: parsed.accessKeyId, region: parsed.region, service: parsed.service };
}

/**
 * What can be verified before the body is read, so an unauthenticated upload is refused before
 * it is buffered: the signature's form, the key, the region and the clock, and — when the
 * client signed a declared `X-Amz-Content-Sha256` (the AWS SDKs do) — the signature itself.
 * The body is then checked against the declared hash by `verifySigV4`.
 */
export async function verifySigV4BeforeBody(request: Omit<SignedRequest, 'body'>, lookup: CredentialLookup, now = Date.now(), region?: string): Promise<void> {
  const { parsed, secret } = checkCredential(request, lookup, now, region);
  const declared = headerValue(request.headers['x-amz-content-sha256']);
  if (declared === undefined) return; // botocore declares none: only the body can tell
  if (!/^[0-9a-f]{64}$/i.test(declared)) throw signatureMismatch();
  // The signer takes a declared hash from the signed headers instead of hashing the body.
  if (parsed.signedHeaders.includes('x-amz-content-sha256')) await checkSignature(request, EMPTY, parsed, secret);
}

const EMPTY = new Uint8Array(0);

function checkCredential(request: Omit<SignedRequest, 'body'>, lookup: CredentialLookup, now: number, region: string | undefined): { parsed: ParsedSignature; secret: string } {
  const parsed = parseSignature(request);
  if (region !== undefined && parsed.region !== region) {
    throw forbidden('InvalidSignatureException', `Credential should be scoped to a valid region, not '${parsed.region}'. `);
  }
  // Without a signed Host a signature could be replayed against another endpoint.
  if (!parsed.signedHeaders.includes('host')) {
    throw forbidden('IncompleteSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."); // wording as other AWS services answer (unverified for apigateway)
  }
  const credential = lookup(parsed.accessKeyId);
  if (!credential) throw forbidden('UnrecognizedClientException', 'The security token included in the request is invalid.');
  checkClock(parsed, now);
  return { parsed, secret: credential.secretAccessKey };
}

async function checkSignature(request: Omit<SignedRequest, 'body'>, body: Uint8Array, parsed: ParsedSignature, secret: string): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query = queryForSigning(request.rawQuery, parsed.presigned);
  const signer = new SignatureV4({
    credentials: { accessKeyId: parsed.accessKeyId, secretAccessKey: secret },
    region: parsed.region,
    service: parsed.service,
    sha256: NodeSha256,
    // Sign exactly the headers the client sent; otherwise the signer adds its own
    // X-Amz-Content-Sha256 and botocore-signed requests (AWS CLI) never match.
    applyChecksum: false,
  });
  const signingDate = parseAmzDate(parsed.amzDate);
  const unsigned = { method: request.method, protocol: 'http:', hostname: headers.host ?? '', path: request.path, query, headers, body };
  let expected: string;
  if (parsed.presigned) {
    expected = await canonicalPresignedSignature(signer, unsigned, parsed, signingDate);
  } else {
    const signed = await signer.sign(unsigned, { signingDate, signableHeaders: new Set(parsed.signedHeaders) });
    expected = signed.headers.authorization?.match(/Signature=([0-9a-f]+)/)?.[1] ?? '';
  }
  if (!sameSignature(expected, parsed.signature)) throw signatureMismatch();
}

async function canonicalPresignedSignature(
  signer: SignatureV4,
  unsigned: { method: string; protocol: string; hostname: string; path: string; query: Record<string, string | string[]>; headers: Record<string, string>; body: Uint8Array },
  parsed: ParsedSignature,
  signingDate: Date,
): Promise<string> {
  // presign() recomputes the X-Amz-* query parameters itself, so they are removed first.
  const query = { ...unsigned.query };
  for (const key of Object.keys(query)) if (key.startsWith('X-Amz-')) delete query[key];
  const presigned = await signer.presign(
    { ...unsigned, query },
    { signingDate, expiresIn: parsed.expiresSeconds ?? 900, signableHeaders: new Set(parsed.signedHeaders) },
  );
  const signature = presigned.query?.['X-Amz-Signature'];
  return typeof signature === 'string' ? signature : '';
}

const signatureMismatch = () =>
  forbidden(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

/**
 * A declared `X-Amz-Content-Sha256` is what the signer hashes, so it must be the body's real
 * hash: `UNSIGNED-PAYLOAD` (S3's opt-out) would let the body be swapped under a valid signature.
 * Other AWS services always sign the payload, so any other value does not match.
 */
function checkDeclaredPayloadHash(request: SignedRequest): void {
  const declared = headerValue(request.headers['x-amz-content-sha256']);
  if (declared === undefined) return;
  if (createHash('sha256').update(request.body).digest('hex') !== declared.toLowerCase()) throw signatureMismatch();
}

function parseSignature(request: Omit<SignedRequest, 'body'>): ParsedSignature {
  const authorization = headerValue(request.headers.authorization);
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, request);
  const params = new URLSearchParams(request.rawQuery);
  if (params.has('X-Amz-Signature') || params.has('X-Amz-Credential')) return parsePresignedQuery(params);
  throw missingAuthenticationToken();
}

function parseAuthorizationHeader(authorization: string, request: Omit<SignedRequest, 'body'>): ParsedSignature {
  const credential = authorization.match(/Credential=([^,\s]+)/)?.[1];
  const signedHeaders = authorization.match(/SignedHeaders=([^,\s]+)/)?.[1];
  const signature = authorization.match(/Signature=([0-9a-fA-F]+)/)?.[1];
  const amzDate = headerValue(request.headers['x-amz-date']) ?? headerValue(request.headers.date);
  const problems: string[] = [];
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || !credential) problems.push("Authorization header requires 'Credential' parameter.");
  if (!signature) problems.push("Authorization header requires 'Signature' parameter.");
  if (!signedHeaders) problems.push("Authorization header requires 'SignedHeaders' parameter.");
  if (!amzDate) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0 || !credential || !signature || !signedHeaders || !amzDate) {
    throw forbidden('IncompleteSignatureException', `${problems.join(' ')} Authorization=${authorization}`);
  }
  return { ...parseCredential(credential), signedHeaders: signedHeaders.split(';'), signature, amzDate: toAmzDate(amzDate), presigned: false };
}

function parsePresignedQuery(params: URLSearchParams): ParsedSignature {
  const credential = params.get('X-Amz-Credential');
  const signature = params.get('X-Amz-Signature');
  const amzDate = params.get('X-Amz-Date');
  const signedHeaders = params.get('X-Amz-SignedHeaders');
  if (!credential || !signature || !amzDate || !signedHeaders) {
    throw forbidden('IncompleteSignatureException', 'AWS query-string parameters must include \'X-Amz-Algorithm\', \'X-Amz-Credential\', \'X-Amz-Signature\', \'X-Amz-SignedHeaders\', \'X-Amz-Date\'.');
  }
  const expires = Number(params.get('X-Amz-Expires') ?? '900');
  return { ...parseCredential(credential), signedHeaders: signedHeaders.split(';'), signature, amzDate, presigned: true, expiresSeconds: expires };
}

function parseCredential(credential: string): Pick<ParsedSignature, 'accessKeyId' | 'date' | 'region' | 'service'> {
  const [accessKeyId, date, region, service] = credential.split('/');
  return { accessKeyId: accessKeyId ?? '', date: date ?? '', region: region ?? '', service: service ?? '' };
}

function checkClock(parsed: ParsedSignature, now: number): void {
  const signedAt = parseAmzDate(parsed.amzDate).getTime();
  if (Number.isNaN(signedAt)) throw forbidden('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${parsed.amzDate}'.`);
  if (parsed.presigned) {
    if (now > signedAt + (parsed.expiresSeconds ?? 900) * 1000) throw forbidden('AccessDeniedException', 'Request has expired');
    return;
  }
  if (signedAt < now - MAX_CLOCK_SKEW_MS) {
    throw forbidden('InvalidSignatureException', `Signature expired: ${parsed.amzDate} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`);
  }
  if (signedAt > now + MAX_CLOCK_SKEW_MS) {
    throw forbidden('InvalidSignatureException', `Signature not yet current: ${parsed.amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`);
  }
}

function queryForSigning(rawQuery: string, presigned: boolean): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    if (presigned && key === 'X-Amz-Signature') continue;
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toLowerCase());
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Accepts the basic ISO form (20150830T123600Z) or an HTTP date from a `Date` header. */
function toAmzDate(value: string): string {
  if (/^\d{8}T\d{6}Z$/.test(value)) return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? value : formatAmzDate(parsed);
}

function parseAmzDate(value: string): Date {
  const m = value.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : new Date(NaN);
}

function formatAmzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
