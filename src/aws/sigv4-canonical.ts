// The SigV4 canonical request as a verifier rebuilds it from what arrived on the wire, for the
// services Archway serves (apigateway, lambda, iam, execute-api; never S3's single-encoding
// rules). AWS IAM User Guide, "Create a signed AWS API request":
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
// The path and query rules match botocore (`SigV4Auth.canonical_request`, `remove_dot_segments`)
// and @smithy/signature-v4, the signers the AWS CLI and SDKs use.

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const PLAIN_PATH = /^\/[A-Za-z0-9\-_.~/]*$/;

/** RFC 3986 encoding of everything but the unreserved `A-Za-z0-9-_.~`. */
function escapeUri(value: string): string {
  if (UNRESERVED.test(value)) return value; // most names and values: nothing to encode, nothing allocated
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Query decoding (`+` is a space, as URLSearchParams reads it); a malformed escape is kept as it came. */
function decode(value: string): string {
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}

/**
 * The raw request path with empty, `.` and `..` segments removed, then encoded again with `/`
 * kept: an already-encoded `%2B` becomes `%252B` (every service but S3 double-encodes).
 */
export function canonicalUri(rawPath: string): string {
  // Most paths are plain already: nothing to remove, nothing to encode.
  if (PLAIN_PATH.test(rawPath) && !/\/\.{0,2}(\/|$)/.test(rawPath)) return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  if (segments.length === 0) return '/';
  const normalized = `/${segments.join('/')}${rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** The query string's `name=value` pairs, decoded, in order (a name without `=` has the value ''). */
export function queryPairs(rawQuery: string): [string, string][] {
  const pairs: [string, string][] = [];
  if (rawQuery === '') return pairs;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    pairs.push(at === -1 ? [decode(part), ''] : [decode(part.slice(0, at)), decode(part.slice(at + 1))]);
  }
  return pairs;
}

/**
 * Every `name=value` pair encoded per RFC 3986, sorted by name then value, joined with `&`;
 * `X-Amz-Signature` (the presigned form's signature) is left out.
 */
export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  const encoded: [string, string][] = [];
  for (const [name, value] of pairs) if (name !== 'X-Amz-Signature') encoded.push([escapeUri(name), escapeUri(value)]);
  encoded.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  let out = '';
  for (const [name, value] of encoded) out += `${out === '' ? '' : '&'}${name}=${value}`;
  return out;
}

/** `name:value\n` per signed header: values trimmed, inner runs of whitespace made one space. */
export function canonicalHeaders(signedHeaders: readonly string[], header: (lowerName: string) => string | undefined): string {
  let out = '';
  for (const name of signedHeaders) out += `${name}:${(header(name) ?? '').trim().replace(/\s+/g, ' ')}\n`;
  return out;
}

export interface CanonicalParts {
  method: string;
  rawPath: string;
  /** The query's pairs, decoded (queryPairs). */
  query: readonly (readonly [string, string])[];
  /** Lower-case names, sorted, as the Authorization header (or X-Amz-SignedHeaders) lists them. */
  signedHeaders: readonly string[];
  header: (lowerName: string) => string | undefined;
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalParts): string {
  return [
    parts.method,
    canonicalUri(parts.rawPath),
    canonicalQuery(parts.query),
    canonicalHeaders(parts.signedHeaders, parts.header),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}
