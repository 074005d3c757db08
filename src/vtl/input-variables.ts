// `$input` in mapping templates: body, json(), path(), params() (AWS Developer Guide "API Gateway
// mapping template and access logging variable reference", `$input` variables; reference §2).
// One instance per render; the body is parsed as JSON at most once, on first use.
// Not verified on AWS, taken from LocalStack: an empty body reads as `{}` (for `.body` and as the
// JSON document), and `.json()` with no match is "". A body that is not JSON is "no document":
// `.path()` gives nothing and `.json()` gives "". Parameter names are looked up in the maps the
// caller passes, as they answer: exact names for plain objects (what LocalStack found AWS's REST
// mappings do), any casing for a case-insensitive view the caller may pass for headers.
import { evaluateJsonPath, parseJsonOrUndefined } from './json-path.js';
import { getEntry } from './java-compat.js';

export interface RequestParams {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
}

const LOCATIONS = ['path', 'querystring', 'header'] as const;

export class InputVariables {
  readonly #body: string;
  readonly #params: RequestParams;
  #document: unknown;
  #parsed = false;

  constructor(body: string, params: RequestParams) {
    this.#body = body;
    this.#params = params;
  }

  /** `$input.body`: the raw payload text. */
  get body(): string {
    return this.#body === '' ? '{}' : this.#body;
  }

  /** `$input.json(path)`: the JSONPath result serialised as JSON (strings keep their quotes). */
  json(path: unknown): string {
    const value = this.path(path);
    return value === undefined ? '' : JSON.stringify(value);
  }

  /** `$input.path(path)`: the JSONPath result as a value the template can navigate. */
  path(path: unknown): unknown {
    return evaluateJsonPath(this.#json(), String(path));
  }

  /** `$input.params()`: the `{path, querystring, header}` maps (the caller's own maps, not
   * copies, so that a view keeps its lookup rules); `$input.params(name)`: the path, then query
   * string, then header value, '' when absent. */
  params(name?: unknown): unknown {
    if (name === undefined) return { path: this.#params.path, querystring: this.#params.querystring, header: this.#params.header };
    for (const location of LOCATIONS) {
      const value = getEntry(this.#params[location], name);
      if (typeof value === 'string') return value;
    }
    return '';
  }

  #json(): unknown {
    if (!this.#parsed) {
      this.#parsed = true;
      this.#document = parseJsonOrUndefined(this.body);
    }
    return this.#document;
  }
}
