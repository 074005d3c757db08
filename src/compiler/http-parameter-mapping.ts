// HTTP API parameter mapping (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html):
// an integration's `requestParameters` (`append|overwrite|remove:header.{name}`,
// `…:querystring.{name}`, `overwrite:path`) rewrite the request before it reaches the backend, and
// its `responseParameters` (backend status code → `append|overwrite|remove:header.{name}`,
// `overwrite:statuscode`) rewrite the response. Values are literal text, one `$source` expression,
// or text mixed with `${source}` expressions; each value is compiled once into parts.
// Chosen where AWS is unverified: a value that resolves to nothing (every expression missing, no
// literal text) makes `append` add nothing and `overwrite` delete the parameter, so a mapped
// parameter never passes on what the client sent; a missing expression inside text is empty;
// operations run removes first, then overwrites, then appends, all reading the unmapped request
// (or backend response); `append:header` adds a separate header line (Set-Cookie stays intact).
import { decodeComponent, rawHeader } from '../data-plane/pipeline/request-views.js';
import { evaluateJsonPath, parseJsonOrUndefined } from '../vtl/json-path.js';
import type { HttpIntegrationType } from '../model/http-api.js';

/** AWS truncates a body at 100 KB before it applies a `$request.body.x` / `$response.body.x` JSONPath. */
export const JSON_PATH_BODY_BYTES = 100 * 1024;

// ---------------------------------------------------------------------------------------------
// Values

type Reference =
  | { readonly kind: 'header' | 'querystring' | 'pathParameter' | 'context' | 'stageVariable'; readonly name: string }
  | { readonly kind: 'path' }
  | { readonly kind: 'body'; readonly jsonPath: string | undefined };

type Part = string | Reference;

type Side = 'request' | 'response';

const HEADER_TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const REQUEST_REFERENCE = new RegExp(
  `^request\\.(?:header\\.(${HEADER_TOKEN})|querystring\\.([^\\s{}]+)|path\\.([A-Za-z0-9._-]+)|(path))$`,
);
const RESPONSE_HEADER = new RegExp(`^response\\.header\\.(${HEADER_TOKEN})$`);
const BODY = /^(request|response)\.body([.[].*)?$/;
/** "Only the special characters . and _ are supported" in context variable names. */
const CONTEXT = /^context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)$/;
const STAGE_VARIABLE = /^stageVariables\.([A-Za-z0-9_]+)$/;

/** An expression without its `$` (or `${` `}`); request mappings read `$request.*`, response ones `$response.*`. */
function parseReference(text: string, side: Side): Reference | undefined {
  let m = CONTEXT.exec(text);
  if (m) return { kind: 'context', name: m[1] };
  m = STAGE_VARIABLE.exec(text);
  if (m) return { kind: 'stageVariable', name: m[1] };
  m = BODY.exec(text);
  if (m) {
    if (m[1] !== side) return undefined;
    const jsonPath = m[2];
    if (jsonPath === undefined) return { kind: 'body', jsonPath: undefined };
    // Recursive descent and filter expressions are not supported (AWS docs).
    if (jsonPath === '.' || jsonPath.endsWith('.') || jsonPath.includes('..') || jsonPath.includes('?(')) return undefined;
    return { kind: 'body', jsonPath: `$${jsonPath}` };
  }
  if (side === 'response') {
    m = RESPONSE_HEADER.exec(text);
    return m ? { kind: 'header', name: m[1].toLowerCase() } : undefined;
  }
  m = REQUEST_REFERENCE.exec(text);
  if (!m) return undefined;
  if (m[1] !== undefined) return { kind: 'header', name: m[1].toLowerCase() };
  if (m[2] !== undefined) return { kind: 'querystring', name: m[2] };
  if (m[3] !== undefined) return { kind: 'pathParameter', name: m[3] };
  return { kind: 'path' };
}

/**
 * `$source` alone, or text with `${source}` parts ("To use multiple variables … enclose the
 * variable in brackets"). A `$` in the text not followed by `{` is text (unverified); undefined when
 * the value is invalid.
 */
function parseValue(value: string, side: Side): Part[] | undefined {
  if (value.startsWith('$') && !value.startsWith('${')) {
    const reference = parseReference(value.slice(1), side);
    return reference === undefined ? undefined : [reference];
  }
  const parts: Part[] = [];
  let at = 0;
  for (;;) {
    const open = value.indexOf('${', at);
    if (open === -1) break;
    const close = value.indexOf('}', open + 2);
    if (close === -1) return undefined;
    const reference = parseReference(value.slice(open + 2, close), side);
    if (reference === undefined) return undefined;
    if (open > at) parts.push(value.slice(at, open));
    parts.push(reference);
    at = close + 1;
  }
  if (at < value.length) parts.push(value.slice(at));
  return parts;
}

/** What expressions read besides the request or response itself. */
export interface MappingSources {
  /** Flat [name, value, …]: the client's request headers, or the backend's response headers. */
  readonly headers: readonly string[];
  /** For `$request.body…` / `$response.body…`; undefined when there is none or it is streamed. */
  readonly body?: Buffer;
  /** A `$context` variable by its dotted name (`requestId`, `authorizer.claims.sub`). */
  context(name: string): string | undefined;
  readonly stageVariables: Readonly<Record<string, string>>;
}

export interface RequestSources extends MappingSources {
  /** The client's query string, decoded: name → values (prototype-less). */
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** `$request.path`: the request path without the stage. */
  readonly path: string;
}

/** Bodies parsed once per request however many expressions read them. */
const parsedBodies = new WeakMap<Buffer, unknown>();

function bodyDocument(body: Buffer): unknown {
  if (parsedBodies.has(body)) return parsedBodies.get(body);
  // A body cut at 100 KB is no longer JSON when it was longer: its JSONPaths then find nothing.
  const text = (body.length > JSON_PATH_BODY_BYTES ? body.subarray(0, JSON_PATH_BODY_BYTES) : body).toString('utf8');
  const document = parseJsonOrUndefined(text);
  parsedBodies.set(body, document);
  return document;
}

/** A JSONPath result as a parameter: strings as they are, other values as JSON, null as nothing. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function resolve(reference: Reference, sources: MappingSources | RequestSources): string | undefined {
  switch (reference.kind) {
    case 'header':
      // Case-insensitive; repeated headers joined with ',' (AWS docs).
      return rawHeader(sources.headers, reference.name, true);
    case 'context':
      return sources.context(reference.name);
    case 'stageVariable':
      return Object.hasOwn(sources.stageVariables, reference.name) ? sources.stageVariables[reference.name] : undefined;
    case 'body':
      if (sources.body === undefined) return undefined;
      return reference.jsonPath === undefined
        ? sources.body.toString('utf8')
        : asText(evaluateJsonPath(bodyDocument(sources.body), reference.jsonPath));
    case 'querystring': {
      if (!('query' in sources) || !Object.hasOwn(sources.query, reference.name)) return undefined;
      const values = sources.query[reference.name];
      return values.length === 1 ? values[0] : values.join(',');
    }
    case 'pathParameter':
      if (!('pathParameters' in sources)) return undefined;
      return Object.hasOwn(sources.pathParameters, reference.name) ? sources.pathParameters[reference.name] : undefined;
    case 'path':
      return 'path' in sources ? sources.path : undefined;
  }
}

/** Undefined when every expression is missing and there is no literal text. */
function evaluate(parts: readonly Part[], sources: MappingSources): string | undefined {
  if (parts.length === 1) return typeof parts[0] === 'string' ? parts[0] : resolve(parts[0], sources);
  let out = '';
  let found = false;
  for (const part of parts) {
    const text = typeof part === 'string' ? part : resolve(part, sources);
    if (text === undefined) continue;
    out += text;
    found = true;
  }
  return found ? out : undefined;
}

const readsBody = (parts: readonly Part[]): boolean => parts.some((part) => typeof part !== 'string' && part.kind === 'body');

// ---------------------------------------------------------------------------------------------
// Keys and validation

type Action = 'append' | 'overwrite' | 'remove';

interface Destination {
  readonly action: Action;
  readonly location: 'header' | 'querystring' | 'path' | 'statuscode';
  /** As written in the key; '' for path and statuscode. */
  readonly name: string;
}

const REQUEST_KEY = new RegExp(`^(append|overwrite|remove):(?:header\\.(${HEADER_TOKEN})|querystring\\.([^\\s\\p{Cc}]+))$`, 'u');
const RESPONSE_KEY = new RegExp(`^(append|overwrite|remove):header\\.(${HEADER_TOKEN})$`);
const RESPONSE_STATUS_KEY = /^[2-5]\d\d$/;

/** Headers no mapping may write (AWS docs, "Reserved headers"). */
const RESERVED_HEADERS = new Set([
  'authorization', 'connection', 'content-encoding', 'content-length', 'content-location', 'forwarded', 'keep-alive',
  'origin', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailers', 'transfer-encoding', 'upgrade',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'via',
]);
const RESERVED_PREFIXES = ['access-control-', 'apigw-', 'x-amz-', 'x-amzn-'];

function isReserved(header: string): boolean {
  const lower = header.toLowerCase();
  return RESERVED_HEADERS.has(lower) || RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

function requestDestination(key: string): Destination | undefined {
  if (key === 'overwrite:path') return { action: 'overwrite', location: 'path', name: '' };
  const m = REQUEST_KEY.exec(key);
  if (!m || (m[2] !== undefined && isReserved(m[2]))) return undefined;
  return m[2] !== undefined
    ? { action: m[1] as Action, location: 'header', name: m[2] }
    : { action: m[1] as Action, location: 'querystring', name: m[3] };
}

function responseDestination(key: string): Destination | undefined {
  if (key === 'overwrite:statuscode') return { action: 'overwrite', location: 'statuscode', name: '' };
  const m = RESPONSE_KEY.exec(key);
  if (!m || isReserved(m[2])) return undefined;
  return { action: m[1] as Action, location: 'header', name: m[2] };
}

/** The envelope AWS uses (the HTTP API form recorded in hashicorp/terraform-provider-aws#17997). */
const invalid = (detail: string): string => `Invalid mapping expression specified: Validation Result: warnings : [], errors : [${detail}]`;

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A status code an `overwrite:statuscode` may set. */
function statusCodeOf(text: string | undefined): number | undefined {
  return text !== undefined && RESPONSE_STATUS_KEY.test(text) ? Number(text) : undefined;
}

/** A value's error, if any ('' is allowed: UpdateIntegration's way to delete a key). */
function checkValue(value: unknown, side: Side, destination: Destination): string | undefined {
  if (typeof value !== 'string') return invalid(`Invalid mapping expression specified: ${String(value)}`); // unverified detail
  if (value === '') return undefined;
  const parts = parseValue(value, side);
  // A literal status code must be one (unverified); a computed one is checked per response.
  const badStatus = destination.location === 'statuscode' && parts !== undefined && parts.every((part) => typeof part === 'string') && statusCodeOf(value) === undefined;
  return parts === undefined || badStatus ? invalid(`Invalid mapping expression specified: ${value}`) : undefined; // unverified detail
}

/**
 * An integration's `requestParameters`, for integrations without an `integrationSubtype` (with
 * one, the keys are the AWS service action's parameters instead). HTTP_PROXY and Lambda
 * (AWS_PROXY) integrations take the same keys. Returns the BadRequestException message, if any.
 */
export function checkRequestParameters(map: unknown, _integrationType: HttpIntegrationType): string | undefined {
  if (map === undefined || map === null) return undefined;
  if (!isMap(map)) return invalid('Invalid request parameters specified'); // unverified
  for (const key of Object.keys(map)) {
    const destination = requestDestination(key);
    // "Invalid Request Actioned Parameter" is how users quote it; the rest mirrors the response
    // message (unverified), and a reserved header gets the same answer (unverified).
    if (destination === undefined) return invalid(`Invalid Request Actioned Parameter destination specified: ${key}`);
    const problem = checkValue(map[key], 'request', destination);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** An integration's `responseParameters`: backend status code (200–599) → mappings. */
export function checkResponseParameters(map: unknown): string | undefined {
  if (map === undefined || map === null) return undefined;
  if (!isMap(map)) return invalid('Invalid response parameters specified'); // unverified
  for (const status of Object.keys(map)) {
    // "The selection key must be a valid HTTP status code within the range of 200-599" (API reference).
    if (!RESPONSE_STATUS_KEY.test(status)) return invalid(`Invalid status code specified: ${status}`); // unverified detail
    const mappings = map[status];
    if (!isMap(mappings)) return invalid(`Invalid response parameters specified for status code ${status}`); // unverified
    for (const key of Object.keys(mappings)) {
      const destination = responseDestination(key);
      // AWS's answer starts "Invalid Response Actioned Parame…" (terraform-provider-aws#17997, cut
      // there); "…ter destination specified: {key}" as third-party linters quote it (unverified).
      if (destination === undefined) return invalid(`Invalid Response Actioned Parameter destination specified: ${key}`);
      const problem = checkValue(mappings[key], 'response', destination);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Operations

interface Operation extends Destination {
  readonly lower: string;
  readonly value: readonly Part[];
}

const ORDER: Readonly<Record<Action, number>> = { remove: 0, overwrite: 1, append: 2 };

/**
 * Keys or values the control plane would refuse (an older snapshot) are skipped, like values of
 * '' (no mapping: UpdateIntegration deletes such keys).
 */
function compileOperations(map: Readonly<Record<string, string>>, side: Side): Operation[] {
  const operations: Operation[] = [];
  for (const key of Object.keys(map)) {
    const destination = side === 'request' ? requestDestination(key) : responseDestination(key);
    const value = map[key];
    if (destination === undefined || typeof value !== 'string' || value === '') continue;
    const parts = destination.action === 'remove' ? [] : parseValue(value, side);
    if (parts === undefined) continue;
    operations.push({ ...destination, lower: destination.name.toLowerCase(), value: parts });
  }
  return operations.sort((a, b) => ORDER[a.action] - ORDER[b.action]);
}

/** Values first, so every operation reads the unmapped sources even when they alias the target. */
function evaluateAll(operations: readonly Operation[], sources: MappingSources): (string | undefined)[] {
  const values = new Array<string | undefined>(operations.length);
  for (let i = 0; i < operations.length; i++) {
    if (operations[i].action !== 'remove') values[i] = evaluate(operations[i].value, sources);
  }
  return values;
}

const named = (key: string, name: string, ignoreCase: boolean): boolean =>
  ignoreCase ? key.length === name.length && key.toLowerCase() === name : key === name;

/** Deletes the pairs named `name` (given in lower case when `ignoreCase`) from pair index `from` on. */
function removePairs(pairs: string[], name: string, ignoreCase: boolean, from = 0): void {
  let write = from;
  for (let read = from; read < pairs.length; read += 2) {
    if (named(pairs[read], name, ignoreCase)) continue;
    pairs[write++] = pairs[read];
    pairs[write++] = pairs[read + 1];
  }
  pairs.length = write;
}

/** Replaces the first pair named `name` in place and deletes the others; appends when there is none. */
function overwritePair(pairs: string[], name: string, match: string, value: string, ignoreCase: boolean): void {
  for (let i = 0; i < pairs.length; i += 2) {
    if (!named(pairs[i], match, ignoreCase)) continue;
    pairs[i] = name;
    pairs[i + 1] = value;
    removePairs(pairs, match, ignoreCase, i + 2);
    return;
  }
  pairs.push(name, value);
}

function applyHeader(headers: string[], operation: Operation, value: string | undefined): void {
  if (operation.action === 'remove' || (operation.action === 'overwrite' && value === undefined)) removePairs(headers, operation.lower, true);
  else if (value === undefined) return;
  else if (operation.action === 'overwrite') overwritePair(headers, operation.name, operation.lower, headerValue(value), true);
  else headers.push(operation.name, headerValue(value));
}

const UNUSUAL_HEADER_TEXT = /[^\t\x20-\x7e]/;
const CONTROL = /[^\P{Cc}\t]/gu;
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * Header strings are bytes as Node decodes them (latin1). Control characters (a JSON value's
 * newline) would make the response unwritable, so they go; text beyond latin1 (from a body or a
 * decoded query) is sent as its UTF-8 bytes (unverified).
 */
function headerValue(value: string): string {
  if (!UNUSUAL_HEADER_TEXT.test(value)) return value;
  const clean = value.replace(CONTROL, '');
  return BEYOND_LATIN1.test(clean) ? Buffer.from(clean, 'utf8').toString('latin1') : clean;
}

/** encodeURIComponent, with lone surrogates (which it refuses) as U+FFFD. */
function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, (c, at: number) => (isPaired(text, at) ? c : '\ufffd')));
  }
}

function isPaired(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 0xdc00) return at + 1 < text.length && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00;
  return at > 0 && (text.charCodeAt(at - 1) & 0xfc00) === 0xd800;
}

/** What a path may hold as is (RFC 3986 pchar, '/', and '%' of escapes already there). */
const NOT_PATH = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]+/g;

/** A mapped path as sent: characters a path cannot carry are percent-encoded, with a leading '/'. */
function pathValue(value: string): string {
  const encoded = value.replace(NOT_PATH, encodeComponent);
  return encoded.startsWith('/') ? encoded : `/${encoded}`;
}

// ---------------------------------------------------------------------------------------------
// Requests

/** The request an integration gets, rewritten in place by a request mapping. */
export interface MappedRequest {
  /** Flat [name, value, …], as sent to the backend (a copy: the sources keep the client's). */
  headers: string[];
  /** Flat [name, value, …] query parameters, decoded (see queryPairs / encodeQuery). */
  query: string[];
  /** The path sent to the integration, encoded, without the query string. */
  path: string;
}

/** A raw query string as decoded pairs, in order (`&` and `;` separate, `+` is a space). */
export function queryPairs(rawQuery: string): string[] {
  const pairs: string[] = [];
  if (rawQuery === '') return pairs;
  for (const pair of rawQuery.split(/[&;]/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    if (name !== '') pairs.push(name, eq === -1 ? '' : decodeComponent(pair.slice(eq + 1)));
  }
  return pairs;
}

/** Decoded pairs as a query string (without '?'). */
export function encodeQuery(pairs: readonly string[]): string {
  let out = '';
  for (let i = 0; i < pairs.length; i += 2) out += `${i === 0 ? '' : '&'}${encodeComponent(pairs[i])}=${encodeComponent(pairs[i + 1])}`;
  return out;
}

export interface CompiledRequestMapping {
  /** Whether a key writes the query: otherwise the client's raw query string can be sent as it came. */
  readonly rewritesQuery: boolean;
  /** Whether a value reads the request body (sources.body must then be given). */
  readonly readsBody: boolean;
  apply(request: MappedRequest, sources: RequestSources): void;
}

class RequestMapping implements CompiledRequestMapping {
  readonly rewritesQuery: boolean;
  readonly readsBody: boolean;

  constructor(private readonly operations: readonly Operation[]) {
    this.rewritesQuery = operations.some((operation) => operation.location === 'querystring');
    this.readsBody = operations.some((operation) => readsBody(operation.value));
  }

  apply(request: MappedRequest, sources: RequestSources): void {
    const values = evaluateAll(this.operations, sources);
    for (let i = 0; i < this.operations.length; i++) {
      const operation = this.operations[i];
      const value = values[i];
      if (operation.location === 'header') applyHeader(request.headers, operation, value);
      else if (operation.location === 'path') {
        // There is always a path: one that maps to nothing stays (unverified).
        if (value !== undefined) request.path = pathValue(value);
      } else if (operation.action === 'remove' || (operation.action === 'overwrite' && value === undefined)) removePairs(request.query, operation.name, false);
      else if (value === undefined) continue;
      else if (operation.action === 'overwrite') overwritePair(request.query, operation.name, operation.name, value, false);
      else request.query.push(operation.name, value);
    }
  }
}

/** Undefined when the integration maps nothing. */
export function compileRequestMapping(map: Readonly<Record<string, string>> | undefined): CompiledRequestMapping | undefined {
  if (map === undefined) return undefined;
  const operations = compileOperations(map, 'request');
  return operations.length === 0 ? undefined : new RequestMapping(operations);
}

// ---------------------------------------------------------------------------------------------
// Responses

export interface CompiledResponseMapping {
  /**
   * Whether the mappings for this backend status read the body (`$response.body…`): a streamed
   * body must then be buffered first, else those expressions find nothing.
   */
  readsBody(statusCode: number): boolean;
  /**
   * Rewrites `headers` (flat, what the client gets) for the backend's `statusCode`; answers the
   * status code to send. `sources.headers` are the backend's (they may be the same array).
   */
  apply(statusCode: number, headers: string[], sources: MappingSources): number;
}

class ResponseMapping implements CompiledResponseMapping {
  readonly #byStatus: ReadonlyMap<number, readonly Operation[]>;
  readonly #bodyReaders: ReadonlySet<number>;

  constructor(byStatus: Map<number, Operation[]>) {
    this.#byStatus = byStatus;
    const bodyReaders = new Set<number>();
    for (const [status, operations] of byStatus) if (operations.some((operation) => readsBody(operation.value))) bodyReaders.add(status);
    this.#bodyReaders = bodyReaders;
  }

  readsBody(statusCode: number): boolean {
    return this.#bodyReaders.has(statusCode);
  }

  apply(statusCode: number, headers: string[], sources: MappingSources): number {
    const operations = this.#byStatus.get(statusCode);
    if (operations === undefined) return statusCode;
    const values = evaluateAll(operations, sources);
    let status = statusCode;
    for (let i = 0; i < operations.length; i++) {
      const operation = operations[i];
      if (operation.location === 'header') applyHeader(headers, operation, values[i]);
      // A computed code that is not one (200–599) leaves the status as it was (unverified).
      else status = statusCodeOf(values[i]) ?? status;
    }
    return status;
  }
}

/** Undefined when no status code maps anything. */
export function compileResponseMapping(
  map: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined,
): CompiledResponseMapping | undefined {
  if (map === undefined) return undefined;
  const byStatus = new Map<number, Operation[]>();
  for (const status of Object.keys(map)) {
    if (!RESPONSE_STATUS_KEY.test(status) || !isMap(map[status])) continue;
    const operations = compileOperations(map[status], 'response');
    if (operations.length > 0) byStatus.set(Number(status), operations);
  }
  return byStatus.size === 0 ? undefined : new ResponseMapping(byStatus);
}
