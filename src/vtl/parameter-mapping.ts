// REST parameter-mapping source expressions, compiled once (AWS Developer Guide "Amazon API Gateway
// API request and response data mapping reference"; reference §5): `method.request.*`,
// `integration.response.*`, `stageVariables.*`, `context.*`, `'static'`.
// Names are looked up in the maps the caller passes, as they answer: LocalStack (checked against
// AWS) says REST header mapping is case-sensitive ("the mapping is strict"), which plain objects
// give; a caller that passes a case-insensitive view gets that instead.
// Chosen here: a body JSONPath on a body that is not JSON gives undefined (LocalStack answers 400
// or 500 for some such bodies: unverified); a non-string JSONPath result is JSON-serialised;
// `context.*` values that are not strings are stringified (numbers, booleans) or JSON-serialised.
import { evaluateJsonPath, evaluateJsonPathThroughStrings, parseJsonOrUndefined } from './json-path.js';
import { getEntry, isJavaMap } from './java-compat.js';

export interface MappingSources {
  methodRequest?: {
    path: Record<string, string>;
    querystring: Record<string, string>;
    multivaluequerystring: Record<string, string[]>;
    header: Record<string, string>;
    multivalueheader: Record<string, string[]>;
    body: string;
  };
  integrationResponse?: { header: Record<string, string>; multivalueheader: Record<string, string[]>; body: string };
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

/** Multi-value sources give string[] (the caller joins as the target needs). */
export type ParameterSource = (sources: MappingSources) => string | string[] | undefined;

export type ParameterLocation = 'path' | 'querystring' | 'multivaluequerystring' | 'header' | 'multivalueheader' | 'body';

export interface ParameterExpression {
  kind: 'method.request' | 'integration.response' | 'stageVariables' | 'context' | 'static';
  /** For method.request / integration.response. */
  location?: ParameterLocation;
  /** Parameter name; the JSONPath (without `$.`) for a body path; the dotted path for context. */
  name?: string;
  /** The literal of a static value. */
  value?: string;
}

export class ParameterMappingError extends Error {
  constructor(readonly expression: string) {
    super(`Invalid mapping expression specified: ${expression}`);
    this.name = 'ParameterMappingError';
  }
}

/** Parameter names AWS accepts on a method (reference §5). */
const METHOD_REQUEST = /^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.([a-zA-Z0-9._$-]+)$/;
const INTEGRATION_RESPONSE = /^integration\.response\.(header|multivalueheader)\.([a-zA-Z0-9._$-]+)$/;
const BODY = /^(method\.request|integration\.response)\.body(?:\.(.+)|(\[.+))?$/;
const STAGE_VARIABLE = /^stageVariables\.([a-zA-Z0-9_]+)$/;
const CONTEXT = /^context\.([^.]+(?:\.[^.]+)*)$/;

export function parseParameterExpression(expression: string): ParameterExpression {
  if (expression.length >= 2 && expression.startsWith("'") && expression.endsWith("'")) {
    return { kind: 'static', value: expression.slice(1, -1) };
  }
  let m = METHOD_REQUEST.exec(expression);
  if (m) return { kind: 'method.request', location: m[1] as ParameterLocation, name: m[2] };
  m = INTEGRATION_RESPONSE.exec(expression);
  if (m) return { kind: 'integration.response', location: m[1] as ParameterLocation, name: m[2] };
  m = BODY.exec(expression);
  if (m) {
    const kind = m[1] as 'method.request' | 'integration.response';
    const path = m[2] ?? m[3];
    return path === undefined ? { kind, location: 'body' } : { kind, location: 'body', name: path };
  }
  m = STAGE_VARIABLE.exec(expression);
  if (m) return { kind: 'stageVariables', name: m[1] };
  m = CONTEXT.exec(expression);
  if (m) return { kind: 'context', name: m[1] };
  throw new ParameterMappingError(expression);
}

/** A mapped value is a header/query/path string. */
function asParameter(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Parsed bodies, per source object, so that several mappings parse one body once. */
const parsedBodies = new WeakMap<object, unknown>();

function bodyDocument(holder: { body: string }): unknown {
  if (!parsedBodies.has(holder)) parsedBodies.set(holder, parseJsonOrUndefined(holder.body));
  return parsedBodies.get(holder);
}

function compileBody(kind: 'method.request' | 'integration.response', path: string | undefined): ParameterSource {
  const holder = (s: MappingSources) => (kind === 'method.request' ? s.methodRequest : s.integrationResponse);
  if (path === undefined) return (s) => holder(s)?.body;
  const jsonPath = path.startsWith('[') ? `$${path}` : `$.${path}`;
  // Only response mappings look inside stringified JSON (Lambda error `errorMessage`, reference §5).
  const evaluate = kind === 'integration.response' ? evaluateJsonPathThroughStrings : evaluateJsonPath;
  return (s) => {
    const h = holder(s);
    return h === undefined ? undefined : asParameter(evaluate(bodyDocument(h), jsonPath));
  };
}

function compileNamed(
  kind: 'method.request' | 'integration.response',
  location: Exclude<ParameterLocation, 'body'>,
  name: string,
): ParameterSource {
  const multi = location === 'multivaluequerystring' || location === 'multivalueheader';
  return (s) => {
    const holder: Record<string, unknown> | undefined = kind === 'method.request' ? s.methodRequest : s.integrationResponse;
    const values = holder?.[location];
    if (!isJavaMap(values)) return undefined;
    const value = getEntry(values, name);
    if (multi) return Array.isArray(value) ? (value as string[]) : undefined;
    return typeof value === 'string' ? value : undefined;
  };
}

function compileContext(path: string): ParameterSource {
  const segments = path.split('.');
  return (s) => {
    let value: unknown = s.context;
    for (const segment of segments) value = isJavaMap(value) ? getEntry(value, segment) : undefined;
    return asParameter(value);
  };
}

/** Compiles a source expression into a function of the request's sources. */
export function compileParameterSource(expression: string): ParameterSource {
  const parsed = parseParameterExpression(expression);
  switch (parsed.kind) {
    case 'static': {
      const value = parsed.value as string;
      return () => value;
    }
    case 'stageVariables': {
      const name = parsed.name as string;
      return (s) => {
        const value = getEntry(s.stageVariables, name);
        return typeof value === 'string' ? value : undefined;
      };
    }
    case 'context':
      return compileContext(parsed.name as string);
    default:
      return parsed.location === 'body'
        ? compileBody(parsed.kind, parsed.name)
        : compileNamed(parsed.kind, parsed.location as Exclude<ParameterLocation, 'body'>, parsed.name as string);
  }
}
