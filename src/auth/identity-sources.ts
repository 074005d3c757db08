// A Lambda authorizer's identity sources
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html):
// `method.request.header.X`, `method.request.querystring.X` (and their multivalue forms),
// `stageVariables.X` and `context.X`, comma-separated; HTTP APIs write them as selection
// expressions, one per entry: `$request.header.X`, `$request.querystring.X`, `$stageVariables.X`,
// `$context.X` (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
// Parsed once when the deployment is compiled; per request their values are read through an
// `IdentityReader` the API kind provides, and a missing or empty one means 401 without calling
// the function. The values, in order, are also the authorizer's cache key.
import { hash } from 'node:crypto';

export type IdentitySourceKind = 'header' | 'querystring' | 'multivalueheader' | 'multivaluequerystring' | 'stageVariables' | 'context';

export interface IdentitySource {
  readonly kind: IdentitySourceKind;
  readonly name: string;
}

/** Where an API kind's request answers each kind of source. */
export interface IdentityReader {
  header(lowerName: string): string | undefined;
  headerValues(lowerName: string): readonly string[] | undefined;
  querystring(name: string): string | undefined;
  querystringValues(name: string): readonly string[] | undefined;
  stageVariable(name: string): string | undefined;
  /** `$context` by a dotted path (`identity.sourceIp`). */
  context(path: string): unknown;
}

const PREFIXES: readonly [string, IdentitySourceKind][] = [
  ['method.request.header.', 'header'],
  ['method.request.querystring.', 'querystring'],
  ['method.request.multivalueheader.', 'multivalueheader'],
  ['method.request.multivaluequerystring.', 'multivaluequerystring'],
  ['stageVariables.', 'stageVariables'],
  ['context.', 'context'],
];

const SELECTION_PREFIXES: readonly [string, IdentitySourceKind][] = [
  ['$request.header.', 'header'],
  ['$request.querystring.', 'querystring'],
  ['$stageVariables.', 'stageVariables'],
  ['$context.', 'context'],
];

/** The sources of `identitySource` (the control plane has refused any other form). */
export function parseIdentitySources(identitySource: string | undefined): IdentitySource[] {
  return parseSources((identitySource ?? '').split(','), PREFIXES);
}

/** The sources of an HTTP API authorizer's `identitySource` list (the control plane has refused any other form). */
export function parseSelectionIdentitySources(identitySource: readonly string[] | undefined): IdentitySource[] {
  return parseSources(identitySource ?? [], SELECTION_PREFIXES);
}

function parseSources(parts: readonly string[], prefixes: readonly [string, IdentitySourceKind][]): IdentitySource[] {
  const sources: IdentitySource[] = [];
  for (const part of parts) {
    const text = part.trim();
    const prefix = prefixes.find(([p]) => text.startsWith(p));
    if (prefix === undefined || text.length === prefix[0].length) continue;
    const name = text.slice(prefix[0].length);
    sources.push({ kind: prefix[1], name: prefix[1] === 'header' || prefix[1] === 'multivalueheader' ? name.toLowerCase() : name });
  }
  return sources;
}

/** Each source's value, in order; undefined when one is missing or empty (401 Unauthorized). */
export function identityValues(sources: readonly IdentitySource[], reader: IdentityReader): string[] | undefined {
  const values: string[] = [];
  for (const source of sources) {
    const value = valueOf(source, reader);
    if (value === undefined || value === '') return undefined;
    values.push(value);
  }
  return values;
}

function valueOf({ kind, name }: IdentitySource, reader: IdentityReader): string | undefined {
  switch (kind) {
    case 'header':
      return reader.header(name);
    case 'querystring':
      return reader.querystring(name);
    case 'multivalueheader':
      return reader.headerValues(name)?.join(',');
    case 'multivaluequerystring':
      return reader.querystringValues(name)?.join(',');
    case 'stageVariables':
      return reader.stageVariable(name);
    case 'context': {
      const value = reader.context(name);
      return value === null || value === undefined || typeof value === 'object' ? undefined : String(value);
    }
  }
}

/** Identities whose digest is remembered: a cached caller repeats its token for the whole TTL. */
const MAX_REMEMBERED_DIGESTS = 1024;
const digests = new Map<string, string>();

/**
 * The identity values hashed, for a cache key: one per distinct value list, of bounded size, no
 * token in clear text in Redis. Remembered for recent identities (a map lookup costs less than
 * the SHA-256).
 */
export function identityDigest(values: readonly string[]): string {
  const identity = JSON.stringify(values);
  let digest = digests.get(identity);
  if (digest === undefined) {
    digest = hash('sha256', identity, 'base64url');
    if (digests.size >= MAX_REMEMBERED_DIGESTS) digests.clear();
    digests.set(identity, digest);
  }
  return digest;
}
