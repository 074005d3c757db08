// An HTTP integration `uri` split once into static text and slots: `{name}` is filled from
// `integration.request.path.name` (or, for proxy resources, the method path parameter of that
// name), `${stageVariables.name}` from the stage. When the scheme and host hold no slot, the origin
// is precomputed so a request builds only its path.

type Slot = { kind: 'path'; name: string } | { kind: 'stage'; name: string };
type Part = string | Slot;

const SLOT = /\$\{stageVariables\.([A-Za-z0-9_]+)\}|\{([A-Za-z0-9._$-]+)\+?\}/g;

export class UriTemplate {
  /** Origin (`http://host:port`) when it has no slot; undefined otherwise. */
  readonly staticOrigin: string | undefined;
  readonly #originParts: readonly Part[] | undefined;
  readonly #pathParts: readonly Part[];
  /** Whether the uri carries its own query string (so a forwarded query joins with '&'). */
  readonly hasQuery: boolean;

  private constructor(originParts: Part[] | undefined, staticOrigin: string | undefined, pathParts: Part[]) {
    this.#originParts = originParts;
    this.staticOrigin = staticOrigin;
    this.#pathParts = pathParts;
    this.hasQuery = pathParts.some((part) => typeof part === 'string' && part.includes('?'));
  }

  static compile(uri: string): UriTemplate {
    // Split at the first '/' after "scheme://"; everything before is the origin.
    const schemeEnd = uri.indexOf('://');
    const pathStart = schemeEnd === -1 ? -1 : uri.indexOf('/', schemeEnd + 3);
    const queryStart = uri.indexOf('?', schemeEnd + 3);
    let split = pathStart === -1 ? uri.length : pathStart;
    if (queryStart !== -1 && queryStart < split) split = queryStart;
    const origin = uri.slice(0, split);
    let path = uri.slice(split);
    if (path === '' || path.startsWith('?')) path = '/' + path;
    const originParts = parse(origin);
    const dynamicOrigin = originParts.some((part) => typeof part !== 'string');
    return new UriTemplate(dynamicOrigin ? originParts : undefined, dynamicOrigin ? undefined : origin, parse(path));
  }

  origin(stageVariables: Readonly<Record<string, string>>): string {
    if (this.staticOrigin !== undefined) return this.staticOrigin;
    return render(this.#originParts!, undefined, stageVariables);
  }

  /** The path (and any query the uri itself carries); path values are inserted as given (raw). */
  path(pathValues: Readonly<Record<string, string>> | undefined, stageVariables: Readonly<Record<string, string>>): string {
    return render(this.#pathParts, pathValues, stageVariables);
  }
}

function parse(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(SLOT)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(match[1] !== undefined ? { kind: 'stage', name: match[1] } : { kind: 'path', name: match[2] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function render(parts: readonly Part[], pathValues: Readonly<Record<string, string>> | undefined, stageVariables: Readonly<Record<string, string>>): string {
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else if (part.kind === 'stage') out += Object.hasOwn(stageVariables, part.name) ? stageVariables[part.name] : '';
    else out += pathValues !== undefined && Object.hasOwn(pathValues, part.name) ? pathValues[part.name] : '';
  }
  return out;
}
