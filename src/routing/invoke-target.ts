// Recognises the three ways a caller reaches an API on the shared listener: an
// `{apiId}.execute-api.*` Host, `/_aws/execute-api/{apiId}/…` and
// `/restapis/{apiId}/{stage}/_user_request_/…` (LocalStack's form). It only finds the API id;
// which stage the rest of the path names depends on the API's kind, which the resolution
// snapshot knows (resolution-snapshot.ts). Anything else is not data plane.
import type { CompiledStage } from '../compiler/types.js';

/** What the listener hands the data plane: a stage to run, or why there is none. */
export type InvokeTarget =
  | {
    kind: 'stage';
    stage: CompiledStage;
    /** Raw resource path after the stage ('/' at least), percent-encoding kept. */
    path: string;
    rawQuery: string;
    /** Reached through the execute-api endpoint (the forms above), not a custom domain. */
    defaultEndpoint: boolean;
  }
  /** `stageName` as the URL names it by REST's rule (for the request log). */
  | { kind: 'unknown-api'; apiId: string; stageName: string | undefined; path: string; rawQuery: string }
  /** The API exists; the stage does not, or the URL named none. */
  | { kind: 'unknown-stage'; apiId: string; stageName: string | undefined; path: string; rawQuery: string };

/** An execute-api URL before the stage is known. */
export interface ExecuteApiAddress {
  apiId: string;
  /** Named by the URL form itself (`/restapis/{apiId}/{stage}/_user_request_/`). */
  stageName?: string;
  /** The raw path after the API id (or after `_user_request_`), '' or starting with '/'. */
  path: string;
  rawQuery: string;
}

const EXECUTE_API_PREFIX = '/_aws/execute-api/';
const USER_REQUEST_SEGMENT = '_user_request_';

export function parseExecuteApiUrl(url: string, host: string | undefined): ExecuteApiAddress | undefined {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : url.slice(queryAt + 1);

  const hostApiId = apiIdFromHost(host);
  if (hostApiId !== undefined) return { apiId: hostApiId, path, rawQuery };

  if (path.startsWith(EXECUTE_API_PREFIX)) {
    const rest = path.slice(EXECUTE_API_PREFIX.length);
    const slash = rest.indexOf('/');
    const apiId = slash === -1 ? rest : rest.slice(0, slash);
    if (apiId === '') return undefined;
    return { apiId, path: slash === -1 ? '' : rest.slice(slash), rawQuery };
  }

  if (path.startsWith('/restapis/')) {
    // /restapis/{apiId}/{stage}/_user_request_/{path}
    const segments = path.split('/');
    if (segments.length >= 5 && segments[4] === USER_REQUEST_SEGMENT && segments[2] && segments[3]) {
      return { apiId: segments[2], stageName: segments[3], path: '/' + segments.slice(5).join('/'), rawQuery };
    }
  }
  return undefined;
}

/** `abc123.execute-api.localhost:4566` → `abc123`. */
function apiIdFromHost(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const at = host.indexOf('.execute-api.');
  return at > 0 ? host.slice(0, at) : undefined;
}

/** REST's rule, the first segment is the stage: `/dev/pets/1` → `dev`, `/pets/1`. */
export function splitStage(path: string): { stageName: string | undefined; path: string } {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed === '') return { stageName: undefined, path: '/' };
  const slash = trimmed.indexOf('/');
  return slash === -1 ? { stageName: trimmed, path: '/' } : { stageName: trimmed.slice(0, slash), path: trimmed.slice(slash) };
}
