// v1 PATCH bodies (`patchOperations`,
// https://docs.aws.amazon.com/apigateway/latest/api/API_PatchOperation.html): the op enum check (a
// Coral ValidationException listing every bad op, recorded), JSON-Pointer segments with `~1`
// escaping, and AWS's messages for unsupported paths/ops (recorded, incl. the double space).
import { badRequest } from '../../aws/errors.js';
import { optString } from './validation.js';
import type { Body } from './validation.js';

export type PatchOp = 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
const OPS: readonly string[] = ['add', 'remove', 'move', 'test', 'replace', 'copy'];

export interface PatchOperation {
  op: PatchOp;
  /** Raw path as sent (escaped). */
  path: string | undefined;
  value: string | undefined;
  from: string | undefined;
}

/**
 * Reads `patchOperations`, appending one Coral error per bad op to `errors`
 * (`updateRestApiInput.patchOperations.1.member.op`, 1-based; recorded).
 */
export function readPatchOperations(body: Body, inputName: string, errors: string[]): PatchOperation[] {
  const raw = body.patchOperations;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest('Invalid patch operations'); // unverified
  const out: PatchOperation[] = [];
  raw.forEach((entry: unknown, i) => {
    const operation = (entry ?? {}) as Record<string, unknown>;
    const op = operation.op;
    if (typeof op !== 'string' || !OPS.includes(op)) {
      errors.push(`Value '${String(op)}' at '${inputName}.patchOperations.${i + 1}.member.op' failed to satisfy constraint: Member must satisfy enum value set: [${OPS.join(', ')}]`);
      return;
    }
    out.push({
      op: op as PatchOp,
      path: typeof operation.path === 'string' ? operation.path : undefined,
      // AWS's model types `value` as a string: anything else is a SerializationException.
      value: optString(operation, 'value'),
      from: typeof operation.from === 'string' ? operation.from : undefined,
    });
  });
  return out;
}

/** `~1` → `/`, `~0` → `~` (RFC 6901). */
export const unescapeSegment = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');
export const escapeSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Path segments after the leading `/`, still escaped. */
export function segments(path: string): string[] {
  return path.startsWith('/') ? path.slice(1).split('/') : path.split('/');
}

/** `/requestModels/application~1json` → `application/json` when the prefix matches and exactly one segment follows. */
export function keyAfter(path: string, prefix: string): string | undefined {
  if (!path.startsWith(`${prefix}/`)) return undefined;
  const rest = path.slice(prefix.length + 1);
  if (rest.length === 0 || rest.includes('/')) return undefined;
  return unescapeSegment(rest);
}

/** "Invalid patch path /foo" (recorded); a missing path prints `null` (recorded). */
export const invalidPatchPath = (path: string | undefined) => badRequest(`Invalid patch path ${path ?? 'null'}`);

/** "Invalid patch path  '/x' specified for op 'add'. Please choose supported operations" (recorded). */
export const unsupportedPatchOp = (path: string | undefined, op: string) =>
  badRequest(`Invalid patch path  '${path ?? 'null'}' specified for op '${op}'. Please choose supported operations`);

/** "Invalid patch path  '/x' specified for op 'replace'. Must be one of: [/a, /b]" (recorded). */
export const patchPathMustBeOneOf = (path: string | undefined, op: string, paths: readonly string[]) =>
  badRequest(`Invalid patch path  '${path ?? 'null'}' specified for op '${op}'. Must be one of: [${paths.join(', ')}]`);

/** "Invalid patch operation specified. Must be one of: [replace]" (recorded). */
export const invalidPatchOp = (ops: readonly string[]) => badRequest(`Invalid patch operation specified. Must be one of: [${ops.join(', ')}]`);

/**
 * For resources whose only patchable fields are `replace` on a fixed list (models,
 * validators, deployments, resources): the recorded error shapes for anything else.
 */
export function requireReplaceOf(operation: PatchOperation, paths: readonly string[]): string {
  if (operation.op !== 'replace') throw unsupportedPatchOp(operation.path, operation.op);
  if (operation.path === undefined || !paths.includes(operation.path)) throw patchPathMustBeOneOf(operation.path, operation.op, paths);
  return operation.path;
}
