// The lambda (2015-03-31) REST-JSON operations Archway serves: the subset API Gateway users
// need (Lambda API reference). The dispatcher (../control-plane.ts) verifies SigV4 first and
// routes here by the credential scope's service name `lambda`.
import type { OperationDefinition } from '../route-table.js';
import type { LambdaContext } from './context.js';
import { functionOperations } from './functions.js';
import { invokeOperations } from './invoke.js';
import { permissionOperations } from './permissions.js';
import { versionOperations } from './versions.js';

export type { LambdaContext } from './context.js';

export function lambdaOperations(ctx: LambdaContext): OperationDefinition[] {
  return [...functionOperations(ctx), ...versionOperations(ctx), ...invokeOperations(ctx), ...permissionOperations(ctx)];
}
