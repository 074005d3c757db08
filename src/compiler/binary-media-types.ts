// `RestApi.binaryMediaTypes`
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html):
// which request Content-Types and which response Accept types are binary. Entries may be exact
// (`image/png`), a subtype wildcard (`image/*`) or `*/*`.

export class BinaryMediaTypes {
  readonly #exact: ReadonlySet<string>;
  readonly #prefixes: readonly string[];
  readonly #any: boolean;
  readonly empty: boolean;

  constructor(types: readonly string[] = []) {
    const exact = new Set<string>();
    const prefixes: string[] = [];
    let any = false;
    for (const raw of types) {
      // The control plane may hand us the patch-path escaped form (`image~1png`).
      const type = raw.replaceAll('~1', '/').trim().toLowerCase();
      if (type === '*/*') any = true;
      else if (type.endsWith('/*')) prefixes.push(type.slice(0, -1));
      else exact.add(type);
    }
    this.#exact = exact;
    this.#prefixes = prefixes;
    this.#any = any;
    this.empty = types.length === 0;
  }

  /** `mediaType` is a bare, lower-case MIME type (see mediaTypeOf). */
  matches(mediaType: string | undefined): boolean {
    if (this.empty || mediaType === undefined || mediaType === '') return false;
    if (this.#any || this.#exact.has(mediaType)) return true;
    for (const prefix of this.#prefixes) if (mediaType.startsWith(prefix)) return true;
    return false;
  }
}

/** `application/json; charset=UTF-8` → `application/json`; the first of a list (`a/b, c/d`). */
export function mediaTypeOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let end = header.length;
  const semicolon = header.indexOf(';');
  if (semicolon !== -1) end = semicolon;
  const comma = header.indexOf(',');
  if (comma !== -1 && comma < end) end = comma;
  const type = header.slice(0, end).trim().toLowerCase();
  return type === '' ? undefined : type;
}
