// Request validation shared by the apigateway (2015-07-09) operations: AWS's Coral-style
// ValidationException text, JSON member type checks (SerializationException), enums,
// status codes, content types, stage variables. Messages marked "recorded" were checked
// against AWS-recorded snapshots (LocalStack tests/aws/services/apigateway/*.snapshot.json).
import { AwsServiceError, badRequest } from '../../aws/errors.js';

export type Body = Record<string, unknown>;

/** `N validation error(s) detected: a; b` (recorded). */
export function validationException(errors: readonly string[]): AwsServiceError {
  const n = errors.length;
  return new AwsServiceError('ValidationException', 400, `${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
}

export function throwIfErrors(errors: readonly string[]): void {
  if (errors.length > 0) throw validationException(errors);
}

export const enumError = (value: unknown, at: string, set: readonly string[]): string =>
  `Value '${String(value)}' at '${at}' failed to satisfy constraint: Member must satisfy enum value set: [${set.join(', ')}]`;

/** Standard Coral text for a missing required member (template verified on other ops; per-op use unverified). */
export const nullError = (at: string): string => `Value null at '${at}' failed to satisfy constraint: Member must not be null`;

export const STATUS_CODE_PATTERN = /^[1-5]\d\d$/;

/** Status codes in a URI (method/integration responses) (recorded). */
export function statusCodeErrors(statusCode: string, errors: string[] = []): string[] {
  if (!STATUS_CODE_PATTERN.test(statusCode)) {
    errors.push(`Value '${statusCode}' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d`);
  }
  return errors;
}

/** A JSON member of the wrong type, as AWS's Java deserializer reports it (recorded for Boolean/number→String). */
function serializationError(value: unknown, expected: 'String' | 'Boolean' | 'Integer' | 'Double'): AwsServiceError {
  const javaClass =
    typeof value === 'boolean' ? 'java.lang.Boolean'
      : typeof value === 'number' ? 'com.amazon.coral.value.json.numbers.TruncatingBigNumber'
        : typeof value === 'string' ? 'java.lang.String'
          : Array.isArray(value) ? 'java.util.ArrayList' : 'java.util.LinkedHashMap'; // last two unverified
  return new AwsServiceError('SerializationException', 400, `class ${javaClass} can not be converted to an ${expected}`);
}

export function optString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(value, 'String');
  return value;
}

export function optBoolean(body: Body, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serializationError(value, 'Boolean');
  return value;
}

export function optNumber(body: Body, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw serializationError(value, 'Integer');
  return value;
}

export function optObject(body: Body, key: string): Body | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new AwsServiceError('SerializationException', 400, 'Start of structure or map found where not expected.');
  return value as Body;
}

export function optStringList(body: Body, key: string): string[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AwsServiceError('SerializationException', 400, 'Expected list or array.'); // unverified text
  for (const entry of value) if (typeof entry !== 'string') throw serializationError(entry, 'String');
  return value as string[];
}

/** A map of string lists (`multiValueHeaders`). */
export function optStringListMap(body: Body, key: string): Record<string, string[]> | undefined {
  const map = optObject(body, key);
  if (map === undefined) return undefined;
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(map)) out[name] = optStringList(map, name) ?? [];
  return out;
}

/** A map of strings; `nullable` keeps null values (templates), else they are refused. */
export function optStringMap(body: Body, key: string): Record<string, string> | undefined;
export function optStringMap(body: Body, key: string, nullable: true): Record<string, string | null> | undefined;
export function optStringMap(body: Body, key: string, nullable = false): Record<string, string | null> | undefined {
  const map = optObject(body, key);
  if (map === undefined) return undefined;
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(map)) {
    if (v === null && nullable) out[k] = null;
    else if (typeof v === 'string') out[k] = v;
    else if (v === null) out[k] = ''; // Coral drops nulls in maps; treat as empty (unverified)
    else throw serializationError(v, 'String');
  }
  return out;
}

export function optBooleanMap(body: Body, key: string): Record<string, boolean> | undefined {
  const map = optObject(body, key);
  if (map === undefined) return undefined;
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'boolean') throw serializationError(v, 'Boolean');
    out[k] = v;
  }
  return out;
}

/** Patch values are strings; AWS reads booleans leniently ("true" → true, anything else → false; recorded). */
export const patchBoolean = (value: string | undefined): boolean => value?.toLowerCase() === 'true';

/** `Validation Result: warnings : [], errors : [Invalid content type specified: 123]` (recorded). */
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+*-]+\/[A-Za-z0-9!#$&^_.+*-]+(\s*;.*)?$/;
export function checkContentTypes(map: Record<string, unknown> | undefined): void {
  if (!map) return;
  for (const contentType of Object.keys(map)) {
    if (!CONTENT_TYPE.test(contentType)) {
      throw badRequest(`Validation Result: warnings : [], errors : [Invalid content type specified: ${contentType}]`);
    }
  }
}

/** Empty templates are stored as null (recorded: `""` → `null`). */
export function normalizeTemplates(map: Record<string, string | null> | undefined): Record<string, string | null> | undefined {
  if (!map) return undefined;
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(map)) out[k] = v === '' ? null : v;
  return out;
}

/** The mapping-expression error envelope AWS uses for parameters (recorded form). */
export const invalidMapping = (detail: string): AwsServiceError =>
  badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [${detail}]`);

// Stage names and variables. Messages unverified (documented rules).
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const VARIABLE_VALUE = /^[A-Za-z0-9\-._~:/?#&=,]{1,512}$/;

export function checkStageName(name: string): void {
  if (!STAGE_NAME.test(name)) throw badRequest('Stage name only allows a-zA-Z0-9_-');
}

export function checkStageVariable(name: string, value: string): void {
  if (!VARIABLE_NAME.test(name)) throw badRequest('Stage variable names may only contain alphanumeric characters and underscores');
  if (!VARIABLE_VALUE.test(value)) throw badRequest('Stage variable values must match the regular expression [A-Za-z0-9-._~:/?#&=,]+');
}

export function checkStageVariables(variables: Record<string, string> | undefined): void {
  if (!variables) return;
  for (const [name, value] of Object.entries(variables)) checkStageVariable(name, value);
}

/** Deletes empty maps/lists so GETs omit them, as AWS does after removals (recorded for method responses). */
export function dropEmpty<T extends object>(target: T, ...keys: (keyof T)[]): void {
  for (const key of keys) {
    const value = target[key];
    if (value === undefined || value === null) continue;
    if ((Array.isArray(value) && value.length === 0) || (typeof value === 'object' && Object.keys(value).length === 0)) delete target[key];
  }
}
