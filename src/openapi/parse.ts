// The ImportRestApi/PutRestApi body: an OpenAPI 2.0 (Swagger) or 3.0 document as JSON or YAML
// (3.1 is accepted too). https://docs.aws.amazon.com/apigateway/latest/developerguide/import-edge-optimized-api.html
// "Invalid OpenAPI input." is AWS's answer to a document it cannot read (recorded in a
// Terraform report); the position detail Archway appends is its own.
import { isScalar, parseDocument as parseYaml, type Document } from 'yaml';
import { badRequest } from '../aws/errors.js';
import { isObject, type OpenApiDocument, type OpenApiVersion } from './document.js';

const INVALID = 'Invalid OpenAPI input.';
/** Anchors may be reused, but not to build a billion laughs. */
const MAX_ALIAS_COUNT = 1000;
/** Far deeper than any real API document (schemas nest a few dozen levels at most). */
const MAX_DEPTH = 256;

export function parseOpenApi(body: string | Uint8Array): OpenApiDocument {
  const source = (typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).replace(/^\uFEFF/, '');
  if (source.trim() === '') throw badRequest(INVALID);
  const root = source.trimStart().startsWith('{') ? parseJson(source) : parseYamlText(source);
  checkDepth(root);
  if (!isObject(root)) throw badRequest(`${INVALID} The document is not an object.`);
  const version = versionOf(root);
  if (root.paths !== undefined && root.paths !== null && !isObject(root.paths)) {
    throw badRequest(`${INVALID} 'paths' must be an object.`);
  }
  return { version, root };
}

function parseJson(source: string): unknown {
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    throw badRequest(`${INVALID} JSON error${jsonErrorPosition(source, (error as Error).message)}: ${(error as Error).message}`);
  }
}

/** ` at line L, column C` for a JSON syntax error: V8 gives an offset only for some errors; YAML's parser (JSON is YAML) locates the rest. */
function jsonErrorPosition(source: string, message: string): string {
  const offset = /at position (\d+)/.exec(message)?.[1];
  if (offset !== undefined) {
    const before = source.slice(0, Number(offset));
    const line = before.split('\n').length;
    return ` at line ${line}, column ${Number(offset) - before.lastIndexOf('\n')}`;
  }
  const at = parseYaml(source).errors[0]?.linePos?.[0];
  return at ? ` at line ${at.line}, column ${at.col}` : '';
}

/** Deeper documents are refused before anything walks them recursively. */
function checkDepth(root: unknown): void {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DEPTH) throw badRequest(`${INVALID} The document is nested more than ${MAX_DEPTH} levels deep.`);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

function parseYamlText(source: string): unknown {
  // `merge` reads YAML 1.1 merge keys (`<<: *defaults`), which OpenAPI files often use.
  const doc = parseYaml(source, { merge: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw badRequest(`${INVALID} YAML error${where}: ${reason}`);
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    throw badRequest(`${INVALID} YAML error: ${(error as Error).message}`);
  }
  keepVersionText(doc, root);
  return root;
}

/** `version: 1.10` is a number to YAML, but the API's version is the text as written. */
function keepVersionText(doc: Document, root: unknown): void {
  const node = doc.getIn(['info', 'version'], true);
  if (isScalar(node) && typeof node.value === 'number' && typeof node.source === 'string' && isObject(root) && isObject(root.info)) {
    root.info.version = node.source;
  }
}

function versionOf(root: Record<string, unknown>): OpenApiVersion {
  const swagger = root.swagger;
  const openapi = root.openapi;
  if (swagger !== undefined) {
    if (String(swagger) === '2.0') return 'swagger2';
    throw badRequest(`${INVALID} Unsupported swagger version '${String(swagger)}'; only 2.0 is supported.`);
  }
  if (typeof openapi === 'string') {
    if (/^3\.0(\.\d+)?$/.test(openapi)) return 'oas30';
    if (/^3\.1(\.\d+)?$/.test(openapi)) return 'oas31';
    throw badRequest(`${INVALID} Unsupported openapi version '${openapi}'.`);
  }
  throw badRequest(`${INVALID} The document has neither a 'swagger' nor an 'openapi' field.`);
}
