// JSONPath as API Gateway evaluates it for `$input.json/path` and `*.body.{JSONPath}` mappings
// (AWS Developer Guide "API Gateway mapping template and access logging variable reference").
// AWS's results follow Jayway JsonPath: a definite path yields the value itself, an indefinite
// one (wildcard, deep scan, filter, union, slice) always yields a list. Unverified on AWS: an
// indefinite path with no match gives [] (Jayway's answer), a definite one gives undefined.
import { JSONPath } from 'jsonpath-plus';

/** `*`, `..`, `?(`, or a `,`/`:` inside brackets, once quoted names are blanked out. */
const INDEFINITE = /\*|\.\.|\?\(|\[[^\]]*[,:]/;
const QUOTED_NAME = /'[^']*'|"[^"]*"/g;

function isIndefinite(path: string): boolean {
  return INDEFINITE.test(path.replace(QUOTED_NAME, "''"));
}

function matches(doc: unknown, path: string | string[]): unknown[] {
  // jsonpath-plus answers undefined (not []) for a null document; 'safe' never evaluates JS natively.
  const found: unknown[] | undefined = JSONPath({ path, json: doc as object, wrap: true, eval: 'safe' });
  return found ?? [];
}

/** Evaluates `path` on a parsed JSON document; `doc === undefined` means "no document". */
export function evaluateJsonPath(doc: unknown, path: string): unknown {
  if (doc === undefined) return undefined;
  const found = matches(doc, path);
  return isIndefinite(path) ? found : found[0];
}

/**
 * Like evaluateJsonPath, but when the path runs into a string holding JSON it parses that string
 * and goes on inside it: `integration.response.body.errorMessage.key` on a Lambda error whose
 * `errorMessage` is stringified JSON (AWS "Handle Lambda errors in API Gateway"; header mappings only).
 */
export function evaluateJsonPathThroughStrings(doc: unknown, path: string): unknown {
  const direct = evaluateJsonPath(doc, path);
  if (direct !== undefined || doc === undefined || isIndefinite(path)) return direct;
  const segments = JSONPath.toPathArray(path);
  for (let end = 2; end < segments.length; end++) {
    const prefix = matches(doc, segments.slice(0, end))[0];
    if (typeof prefix !== 'string') continue;
    const inner = parseJsonOrUndefined(prefix);
    return evaluateJsonPathThroughStrings(inner, JSONPath.toPathString(['$', ...segments.slice(end)]));
  }
  return undefined;
}

/** JSON.parse, or undefined when `text` is not JSON. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
