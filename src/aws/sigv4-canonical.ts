// The SigV4 canonical request as a verifier rebuilds it from what arrived on the wire, for the
// services Archway serves (apigateway, lambda, iam, execute-api; never S3's single-encoding
// rules). AWS IAM User Guide, "Create a signed AWS API request":
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
// The path and query rules match botocore (`SigV4Auth.canonical_request`, `remove_dot_segments`)
// and @smithy/signature-v4, the signers the AWS CLI and SDKs use.

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
/**
 * A query component already in canonical form: unreserved characters and upper-case escapes of
 * the other ASCII bytes, which decoding then encoding again gives back unchanged (one character
 * per alternative: no backtracking).
 */
const CANONICAL = /^(?:[A-Za-z0-9\-_.~]|%(?:[01][0-9A-F]|2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-DF]))*$/;
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

/** One `name=value` of a query string: decoded (what it says), and encoded as the canonical query holds it. */
export interface QueryPair {
  readonly name: string;
  readonly value: string;
  readonly encodedName: string;
  readonly encodedValue: string;
}

function queryPair(rawName: string, rawValue: string): QueryPair {
  // A canonical component holds only escapes of ASCII bytes: it decodes without fail, and is its own encoding.
  const [name, encodedName] = CANONICAL.test(rawName) ? [unescapeAscii(rawName), rawName] : encoded(decode(rawName));
  const [value, encodedValue] = CANONICAL.test(rawValue) ? [unescapeAscii(rawValue), rawValue] : encoded(decode(rawValue));
  return { name, value, encodedName, encodedValue };
}

const unescapeAscii = (canonical: string): string => (canonical.includes('%') ? decodeURIComponent(canonical) : canonical);
const encoded = (decoded: string): [string, string] => [decoded, escapeUri(decoded)];

/** The query string's `name=value` pairs in order (a name without `=` has the value ''). */
export function queryPairs(rawQuery: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (let start = 0; start < rawQuery.length;) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = rawQuery.length;
    if (end > start) {
      const at = rawQuery.indexOf('=', start);
      pairs.push(at === -1 || at > end ? queryPair(rawQuery.slice(start, end), '') : queryPair(rawQuery.slice(start, at), rawQuery.slice(at + 1, end)));
    }
    start = end + 1;
  }
  return pairs;
}

const byNameThenValue = (a: QueryPair, b: QueryPair): number =>
  (a.encodedName < b.encodedName ? -1 : a.encodedName > b.encodedName ? 1 : a.encodedValue < b.encodedValue ? -1 : a.encodedValue > b.encodedValue ? 1 : 0);

/**
 * Every `name=value` pair encoded per RFC 3986, sorted by name then value, joined with `&`;
 * `X-Amz-Signature` (the presigned form's signature) is left out.
 */
export function canonicalQuery(pairs: readonly QueryPair[]): string {
  const signed: QueryPair[] = [];
  let sorted = true; // signers send their pairs sorted already: then nothing is sorted here
  for (const pair of pairs) {
    if (pair.name === 'X-Amz-Signature') continue;
    if (sorted && signed.length > 0 && byNameThenValue(signed[signed.length - 1]!, pair) > 0) sorted = false;
    signed.push(pair);
  }
  if (!sorted) signed.sort(byNameThenValue);
  let out = '';
  for (const pair of signed) out += `${out === '' ? '' : '&'}${pair.encodedName}=${pair.encodedValue}`;
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
  /** The query's pairs (queryPairs). */
  query: readonly QueryPair[];
  /** Lower-case names, sorted, as the Authorization header (or X-Amz-SignedHeaders) lists them. */
  signedHeaders: readonly string[];
  header: (lowerName: string) => string | undefined;
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalParts): string {
  return `${parts.method}\n${canonicalUri(parts.rawPath)}\n${canonicalQuery(parts.query)}\n${canonicalHeaders(parts.signedHeaders, parts.header)}\n${parts.signedHeaders.join(';')}\n${parts.payloadHash}`;
}
