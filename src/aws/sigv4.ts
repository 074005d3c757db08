// Verifies AWS Signature Version 4 on incoming requests (header and presigned-query forms),
// with AWS's 403 answers: the control plane (apigateway, lambda, iam) and the data plane's
// `AWS_IAM` methods (execute-api) share it. The canonical request is rebuilt from the wire
// (sigv4-canonical.ts) and signed with a cached signing key (signing-key.ts), synchronously.
// AWS IAM User Guide, "Create a signed AWS API request" and "Elements of an AWS API request signature":
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
import { createHash, createHmac, hash, type Hash, type Hmac } from 'node:crypto';
import { AwsServiceError } from './errors.js';
import { canonicalRequest, queryPairs, type QueryPair } from './sigv4-canonical.js';
import { signatureOf, signingKey } from './signing-key.js';

export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Request headers by lower-case name: node's `req.headers`, or a lookup (the data plane's raw headers). */
export type HeaderSource = Readonly<Record<string, string | string[] | undefined>> | ((lowerName: string) => string | undefined);

export interface SignedRequest {
  method: string;
  /** Raw request path as received, without the query string. */
  path: string;
  /** Raw query string without the leading `?`. */
  rawQuery: string;
  headers: HeaderSource;
  body: Uint8Array;
}

export interface VerifiedCaller {
  accessKeyId: string;
  region: string;
  service: string;
}

export interface Credential {
  secretAccessKey: string;
  /** Temporary credentials only: the `X-Amz-Security-Token` the request must carry. */
  sessionToken?: string;
}

export type CredentialLookup<C extends Credential = Credential> = (accessKeyId: string) => C | undefined;

/** Which credential scopes an endpoint accepts. */
export interface CredentialScopeRule {
  /** Whether the scope may name this region for this service (a regional endpoint refuses others). */
  region?: (region: string, service: string) => boolean;
  /** The service every scope must name (`execute-api` on the data plane). */
  service?: string;
}

interface ParsedSignature {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
  expiresSeconds: number;
  sessionToken: string | undefined;
  /** The query string's pairs: read once, for the presigned parameters and the canonical query. */
  query: QueryPair[];
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const forbidden = (type: string, message: string) => new AwsServiceError(type, 403, message);

export const missingAuthenticationToken = () =>
  forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');

const unrecognizedClient = () => forbidden('UnrecognizedClientException', 'The security token included in the request is invalid.');

/** Node crypto behind the hash interface @smithy/signature-v4 expects (the CLI's and tests' signer). */
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

const scopeRule = (scope: string | CredentialScopeRule | undefined): CredentialScopeRule =>
  typeof scope === 'string' ? { region: (region) => region === scope } : scope ?? {};

/**
 * Verifies a request's SigV4 signature against `lookup`'s secrets; `scope` is the one region
 * served, or a rule. Answers the caller with the credential found.
 */
export function verifySignature<C extends Credential>(
  request: SignedRequest, lookup: CredentialLookup<C>, now = Date.now(), scope?: string | CredentialScopeRule,
): VerifiedCaller & { credential: C } {
  const header = headerLookup(request.headers);
  const { parsed, credential } = checkCredential(request, header, lookup, now, scopeRule(scope));
  const bodyHash = request.body.length === 0 ? EMPTY_SHA256 : hash('sha256', request.body, 'hex');
  const declared = header('x-amz-content-sha256');
  // A declared hash is what signers sign, so it must be the body's: `UNSIGNED-PAYLOAD` (S3's
  // opt-out) would let the body be swapped under a valid signature.
  if (declared !== undefined && declared.toLowerCase() !== bodyHash) throw signatureMismatch();
  checkSignature(request, header, declared ?? bodyHash, parsed, credential.secretAccessKey);
  return { accessKeyId: parsed.accessKeyId, region: parsed.region, service: parsed.service, credential };
}

/** verifySignature for callers that await (the control plane). */
export async function verifySigV4(request: SignedRequest, lookup: CredentialLookup, now = Date.now(), scope?: string | CredentialScopeRule): Promise<VerifiedCaller> {
  const { accessKeyId, region, service } = verifySignature(request, lookup, now, scope);
  return Promise.resolve({ accessKeyId, region, service });
}

/**
 * What can be verified before the body is read, so an unauthenticated upload is refused before
 * it is buffered: the signature's form, the key, the scope and the clock, and — when the
 * client signed a declared `X-Amz-Content-Sha256` (the AWS SDKs do) — the signature itself.
 * The body is then checked against the declared hash by `verifySignature`.
 */
export async function verifySigV4BeforeBody(request: Omit<SignedRequest, 'body'>, lookup: CredentialLookup, now = Date.now(), scope?: string | CredentialScopeRule): Promise<void> {
  const header = headerLookup(request.headers);
  const { parsed, credential } = checkCredential(request, header, lookup, now, scopeRule(scope));
  const declared = header('x-amz-content-sha256');
  if (declared === undefined) return Promise.resolve(); // botocore declares none: only the body can tell
  if (!/^[0-9a-f]{64}$/i.test(declared)) throw signatureMismatch();
  if (parsed.signedHeaders.includes('x-amz-content-sha256')) checkSignature(request, header, declared, parsed, credential.secretAccessKey);
  return Promise.resolve();
}

/** The service a request's credential scope names, before anything is verified (to answer in its protocol). */
export function scopedService(headers: HeaderSource, rawQuery: string): string | undefined {
  const header = headerLookup(headers);
  const credential = header('authorization')?.match(/Credential=([^,\s]+)/)?.[1]
    ?? (rawQuery.includes('X-Amz-Credential') ? new URLSearchParams(rawQuery).get('X-Amz-Credential') ?? undefined : undefined);
  return credential?.split('/')[3];
}

function checkCredential<C extends Credential>(
  request: Omit<SignedRequest, 'body'>, header: (name: string) => string | undefined, lookup: CredentialLookup<C>, now: number, scope: CredentialScopeRule,
): { parsed: ParsedSignature; credential: C } {
  const parsed = parseSignature(request, header);
  if (scope.service !== undefined && parsed.service !== scope.service) {
    throw forbidden('InvalidSignatureException', `Credential should be scoped to correct service: '${scope.service}'. `); // wording as other AWS services answer (unverified for execute-api)
  }
  if (scope.region !== undefined && !scope.region(parsed.region, parsed.service)) {
    throw forbidden('InvalidSignatureException', `Credential should be scoped to a valid region, not '${parsed.region}'. `);
  }
  // Without a signed Host a signature could be replayed against another endpoint.
  if (!parsed.signedHeaders.includes('host')) {
    throw forbidden('IncompleteSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."); // wording as other AWS services answer (unverified for apigateway)
  }
  const credential = lookup(parsed.accessKeyId);
  if (!credential) throw unrecognizedClient();
  // A session token belongs to temporary credentials: any other token, or none, is invalid.
  if (parsed.sessionToken !== credential.sessionToken) throw unrecognizedClient();
  checkClock(parsed, now);
  return { parsed, credential };
}

function checkSignature(request: Omit<SignedRequest, 'body'>, header: (name: string) => string | undefined, payloadHash: string, parsed: ParsedSignature, secret: string): void {
  let canonical: string;
  try {
    canonical = canonicalRequest({
      method: request.method, rawPath: request.path, query: parsed.query, signedHeaders: parsed.signedHeaders, header, payloadHash,
    });
  } catch {
    throw signatureMismatch(); // a path that cannot be encoded (a lone surrogate) matches no signature
  }
  const scope = `${parsed.date}/${parsed.region}/${parsed.service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${parsed.amzDate}\n${scope}\n${hash('sha256', canonical, 'hex')}`;
  const expected = signatureOf(signingKey(secret, parsed.date, parsed.region, parsed.service), stringToSign);
  if (!sameSignature(expected, parsed.signature)) throw signatureMismatch();
}

const signatureMismatch = () =>
  forbidden(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

function parseSignature(request: Omit<SignedRequest, 'body'>, header: (name: string) => string | undefined): ParsedSignature {
  const query = queryPairs(request.rawQuery);
  const authorization = header('authorization');
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, header, query);
  if (request.rawQuery.includes('X-Amz-')) {
    const params = presignedParams(query);
    if (params.signature !== undefined || params.credential !== undefined) return parsePresignedQuery(params, query);
  }
  throw missingAuthenticationToken();
}

interface PresignedParams {
  credential?: string;
  signature?: string;
  amzDate?: string;
  signedHeaders?: string;
  expires?: string;
  sessionToken?: string;
}

/** The presigned form's `X-Amz-*` parameters (the first of each, when repeated). */
function presignedParams(query: readonly QueryPair[]): PresignedParams {
  const params: PresignedParams = {};
  for (const { name, value } of query) {
    if (!name.startsWith('X-Amz-')) continue;
    switch (name) {
      case 'X-Amz-Credential': params.credential ??= value; break;
      case 'X-Amz-Signature': params.signature ??= value; break;
      case 'X-Amz-Date': params.amzDate ??= value; break;
      case 'X-Amz-SignedHeaders': params.signedHeaders ??= value; break;
      case 'X-Amz-Expires': params.expires ??= value; break;
      case 'X-Amz-Security-Token': params.sessionToken ??= value; break;
    }
  }
  return params;
}

function parseAuthorizationHeader(authorization: string, header: (name: string) => string | undefined, query: QueryPair[]): ParsedSignature {
  const credential = authorization.match(/Credential=([^,\s]+)/)?.[1];
  const signedHeaders = authorization.match(/SignedHeaders=([^,\s]+)/)?.[1];
  const signature = authorization.match(/Signature=([0-9a-fA-F]+)/)?.[1];
  const amzDate = header('x-amz-date') ?? header('date');
  const problems: string[] = [];
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || !credential) problems.push("Authorization header requires 'Credential' parameter.");
  if (!signature) problems.push("Authorization header requires 'Signature' parameter.");
  if (!signedHeaders) problems.push("Authorization header requires 'SignedHeaders' parameter.");
  if (!amzDate) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0 || !credential || !signature || !signedHeaders || !amzDate) {
    throw forbidden('IncompleteSignatureException', `${problems.join(' ')} Authorization=${authorization}`);
  }
  const [accessKeyId = '', date = '', region = '', service = ''] = credential.split('/');
  return {
    accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature, amzDate: toAmzDate(amzDate),
    presigned: false, expiresSeconds: 0, sessionToken: header('x-amz-security-token'), query,
  };
}

function parsePresignedQuery(params: PresignedParams, query: QueryPair[]): ParsedSignature {
  const { credential, signature, amzDate, signedHeaders } = params;
  const expires = Number(params.expires ?? '900');
  if (!credential || !signature || !amzDate || !signedHeaders || !Number.isInteger(expires) || expires < 1) {
    throw forbidden('IncompleteSignatureException', 'AWS query-string parameters must include \'X-Amz-Algorithm\', \'X-Amz-Credential\', \'X-Amz-Signature\', \'X-Amz-SignedHeaders\', \'X-Amz-Date\'.');
  }
  const [accessKeyId = '', date = '', region = '', service = ''] = credential.split('/');
  return {
    accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature, amzDate,
    presigned: true, expiresSeconds: expires, sessionToken: params.sessionToken, query,
  };
}

function checkClock(parsed: ParsedSignature, now: number): void {
  const signedAt = parseAmzDate(parsed.amzDate);
  if (Number.isNaN(signedAt)) throw forbidden('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${parsed.amzDate}'.`);
  if (!parsed.amzDate.startsWith(parsed.date)) {
    // Wording as other AWS services answer (unverified for execute-api).
    throw forbidden('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${parsed.amzDate.slice(0, 8)}', from '${parsed.amzDate}'.`);
  }
  if (parsed.presigned && now > signedAt + parsed.expiresSeconds * 1000) throw forbidden('AccessDeniedException', 'Request has expired');
  if (!parsed.presigned && signedAt < now - MAX_CLOCK_SKEW_MS) {
    throw forbidden('InvalidSignatureException', `Signature expired: ${parsed.amzDate} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`);
  }
  if (signedAt > now + MAX_CLOCK_SKEW_MS) {
    throw forbidden('InvalidSignatureException', `Signature not yet current: ${parsed.amzDate} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`);
  }
}

/** Compares in constant time for a given length (no early exit on the first differing character). */
function sameSignature(expected: string, given: string): boolean {
  const lower = given.toLowerCase();
  if (expected.length !== lower.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ lower.charCodeAt(i);
  return difference === 0;
}

function headerLookup(source: HeaderSource): (lowerName: string) => string | undefined {
  if (typeof source === 'function') return source;
  return (name) => {
    const value = source[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
}

/** Accepts the basic ISO form (20150830T123600Z) or an HTTP date from a `Date` header. */
function toAmzDate(value: string): string {
  if (/^\d{8}T\d{6}Z$/.test(value)) return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? value : formatAmzDate(parsed);
}

/** `YYYYMMDDTHHMMSSZ` as epoch milliseconds; NaN for anything else. */
function parseAmzDate(value: string): number {
  if (value.length !== 16 || value[8] !== 'T' || value[15] !== 'Z') return NaN;
  return Date.UTC(digits(value, 0, 4), digits(value, 4, 6) - 1, digits(value, 6, 8), digits(value, 9, 11), digits(value, 11, 13), digits(value, 13, 15));
}

/** The decimal number in `value[from, to)`; NaN if any character is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

function formatAmzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
