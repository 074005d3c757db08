// Recognises the three ways a caller reaches an API on the shared listener: an
// `{apiId}.execute-api.*` Host, `/_aws/execute-api/{apiId}/…` and
// `/restapis/{apiId}/{stage}/_user_request_/…` (LocalStack's form), and splits the stage off
// by REST's rule (the first segment). Whether that rule applies depends on the API's kind,
// which only the resolution snapshot knows (resolution-snapshot.ts), so the path after the API
// id is kept whole too. Anything else is not data plane.
import type { CompiledStage } from '../compiler/types.js';
import type { CompiledHttpStage } from '../compiler/http-api/types.js';

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
  /** An HTTP API stage: a named one (its segment taken off `path`) or `$default` (the whole path). */
  | {
    kind: 'http-stage';
    stage: CompiledHttpStage;
    /** Raw path after the stage ('/' at least), what routes match. */
    path: string;
    /** Raw path after the API id, a named stage's segment included (`rawPath` in events). */
    rawPath: string;
    rawQuery: string;
    defaultEndpoint: boolean;
  }
  /** An HTTP API without a stage for the URL: 404 Not Found. */
  | { kind: 'http-not-found'; apiId: string; stageName: string | undefined; path: string; rawQuery: string }
  /** `stageName` as the URL names it by REST's rule (for the request log). */
  | { kind: 'unknown-api'; apiId: string; stageName: string | undefined; path: string; rawQuery: string }
  /** The API exists; the stage does not, or the URL named none. */
  | { kind: 'unknown-stage'; apiId: string; stageName: string | undefined; path: string; rawQuery: string };

/** An execute-api URL, read by REST's rule. */
export interface ExecuteApiAddress {
  apiId: string;
  /** The first segment after the API id (or the `/restapis/` form's stage); undefined when there is none. */
  stageName: string | undefined;
  /** Raw resource path after the stage, '/' at least, percent-encoding kept. */
  path: string;
  /** The raw path after the API id, stage segment included (for APIs with a `$default` stage). */
  apiPath: string;
  rawQuery: string;
}

const EXECUTE_API_PREFIX = '/_aws/execute-api/';
const USER_REQUEST_SEGMENT = '_user_request_';

export function parseExecuteApiUrl(url: string, host: string | undefined): ExecuteApiAddress | undefined {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : url.slice(queryAt + 1);

  const hostApiId = apiIdFromHost(host);
  if (hostApiId !== undefined) return splitStage(hostApiId, path, rawQuery);

  if (path.startsWith(EXECUTE_API_PREFIX)) {
    const rest = path.slice(EXECUTE_API_PREFIX.length);
    const slash = rest.indexOf('/');
    const apiId = slash === -1 ? rest : rest.slice(0, slash);
    if (apiId === '') return undefined;
    return splitStage(apiId, slash === -1 ? '' : rest.slice(slash), rawQuery);
  }

  if (path.startsWith('/restapis/')) {
    // /restapis/{apiId}/{stage}/_user_request_/{path}
    const segments = path.split('/');
    if (segments.length >= 5 && segments[4] === USER_REQUEST_SEGMENT && segments[2] && segments[3]) {
      const resourcePath = '/' + segments.slice(5).join('/');
      return { apiId: segments[2], stageName: segments[3], path: resourcePath, apiPath: resourcePath, rawQuery };
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
function splitStage(apiId: string, apiPath: string, rawQuery: string): ExecuteApiAddress {
  const trimmed = apiPath.startsWith('/') ? apiPath.slice(1) : apiPath;
  if (trimmed === '') return { apiId, stageName: undefined, path: '/', apiPath, rawQuery };
  const slash = trimmed.indexOf('/');
  const stageName = slash === -1 ? trimmed : trimmed.slice(0, slash);
  return { apiId, stageName, path: slash === -1 ? '/' : trimmed.slice(slash), apiPath, rawQuery };
}
