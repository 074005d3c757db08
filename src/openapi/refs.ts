// `$ref` resolution within one OpenAPI document (JSON Pointers, RFC 6901): API Gateway imports a
// single self-contained file, so references to other files or URLs are refused.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api.html
import { isObject, type JsonObject } from './document.js';

export class UnresolvedReference extends Error {
  constructor(readonly ref: string, reason: string) {
    super(`Unable to resolve reference '${ref}': ${reason}`); // wording unverified
  }
}

export class References {
  readonly #root: JsonObject;

  constructor(root: JsonObject) {
    this.#root = root;
  }

  /** Follows `$ref` chains from `value` to the object they name; a non-`$ref` value is returned as is. */
  resolve(value: unknown): unknown {
    const seen = new Set<string>();
    let current = value;
    while (isObject(current) && typeof current.$ref === 'string') {
      const ref = current.$ref;
      if (seen.has(ref)) throw new UnresolvedReference(ref, 'circular reference');
      seen.add(ref);
      current = this.target(ref);
    }
    return current;
  }

  /** The value a local reference (`#/a/b`) points at. */
  target(ref: string): unknown {
    if (!ref.startsWith('#')) throw new UnresolvedReference(ref, 'only references within the document are supported');
    const pointer = ref.slice(1);
    if (pointer === '') return this.#root;
    if (!pointer.startsWith('/')) throw new UnresolvedReference(ref, 'not a JSON pointer');
    let current: unknown = this.#root;
    for (const raw of pointer.slice(1).split('/')) {
      const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
      else if (isObject(current) && Object.hasOwn(current, segment)) current = current[segment];
      else throw new UnresolvedReference(ref, 'not found in the document');
    }
    if (current === undefined) throw new UnresolvedReference(ref, 'not found in the document');
    return current;
  }
}
