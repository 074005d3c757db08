// Views of the method request built on demand, as API Gateway presents it: query strings decoded
// (`+` → space, percent-decoding, last value wins in the single-value map, `;` also separates
// pairs), headers keyed by the name the client sent. Every map keyed by a client-supplied name has
// no prototype (`record()`): `constructor`, `toString` or `__proto__` are then names like any
// other, never Object.prototype members.

/** A map without a prototype, for keys the client chooses (JSON-serialises as a plain object). */
export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The shared empty map (frozen) for an absent view. */
export const EMPTY_RECORD: Readonly<Record<string, never>> = Object.freeze(record<never>());

/** A prototype-less copy of `sources` merged left to right (what `{ ...a, ...b }` would give). */
export function mergeRecords<T>(...sources: (Readonly<Record<string, T>> | undefined)[]): Record<string, T> {
  const out = record<T>();
  for (const source of sources) if (source !== undefined) for (const key of Object.keys(source)) out[key] = source[key];
  return out;
}

export interface QueryViews {
  single: Record<string, string>;
  multi: Record<string, string[]>;
}

export function parseQuery(rawQuery: string): QueryViews {
  const single = record<string>();
  const multi = record<string[]>();
  if (rawQuery === '') return { single, multi };
  let start = 0;
  const length = rawQuery.length;
  while (start <= length) {
    let end = start;
    while (end < length) {
      const c = rawQuery.charCodeAt(end);
      if (c === 38 /* & */ || c === 59 /* ; */) break;
      end++;
    }
    if (end > start) {
      const pair = rawQuery.slice(start, end);
      const eq = pair.indexOf('=');
      const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
      if (key !== '') {
        single[key] = value;
        (multi[key] ??= []).push(value);
      }
    }
    start = end + 1;
  }
  return { single, multi };
}

/** `+` → space, then percent-decoding; a malformed escape keeps the text as it came. */
export function decodeComponent(text: string): string {
  const plus = text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

export interface HeaderViews {
  single: Record<string, string>;
  multi: Record<string, string[]>;
}

/** From Node's flat rawHeaders; the single-value map keeps the last value, like Lambda events. */
export function headerViews(rawHeaders: readonly string[]): HeaderViews {
  const single = record<string>();
  const multi = record<string[]>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    single[name] = rawHeaders[i + 1];
    (multi[name] ??= []).push(rawHeaders[i + 1]);
  }
  return { single, multi };
}

/**
 * A header record whose lookups fall back to a case-insensitive match, for the endpoint's
 * headers (`integration.response.header.Content-Type` finds a backend's `content-type`).
 * Method request headers are not wrapped: their mapping is case-sensitive in API Gateway.
 * Enumeration still shows the names as sent.
 */
export function caseInsensitive<T>(record: Record<string, T>): Record<string, T> {
  return new Proxy(record, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      if (Object.hasOwn(target, key)) return target[key];
      const lower = key.toLowerCase();
      for (const name of Object.keys(target)) if (name.toLowerCase() === lower) return target[name];
      return undefined;
    },
    has(target, key) {
      if (typeof key !== 'string') return false;
      const lower = key.toLowerCase();
      return Object.keys(target).some((name) => name.toLowerCase() === lower);
    },
  });
}

/**
 * Fast scan of a flat header list for one name given in lower case: its last value, or with
 * `joined` its values joined with `,` (as SigV4 signers join a repeated header).
 */
export function rawHeader(rawHeaders: readonly string[], lowerName: string, joined = false): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    found = joined && found !== undefined ? `${found},${rawHeaders[i + 1]}` : rawHeaders[i + 1];
  }
  return found;
}
