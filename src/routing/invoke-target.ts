// Recognises the three ways a caller reaches a deployed stage on the shared listener
// (DESIGN.md "URLs"): an `{apiId}.execute-api.*` Host, `/_aws/execute-api/{apiId}/{stage}/…`
// and `/restapis/{apiId}/{stage}/_user_request_/…`. Anything else is not data plane.

export interface InvokeTarget {
  apiId: string;
  /** Undefined when the URL has no stage segment. */
  stageName: string | undefined;
  /** Raw resource path after the stage ('/' at least), percent-encoding kept. */
  path: string;
  rawQuery: string;
  defaultEndpoint: boolean;
}

const EXECUTE_API_PREFIX = '/_aws/execute-api/';
const USER_REQUEST_SEGMENT = '_user_request_';

export function parseInvokeTarget(url: string, host: string | undefined): InvokeTarget | undefined {
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
      return { apiId: segments[2], stageName: segments[3], path: resourcePath, rawQuery, defaultEndpoint: true };
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

/** `/dev/pets/1` → stage `dev`, path `/pets/1`. */
function splitStage(apiId: string, path: string, rawQuery: string): InvokeTarget {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed === '') return { apiId, stageName: undefined, path: '/', rawQuery, defaultEndpoint: true };
  const slash = trimmed.indexOf('/');
  const stageName = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const resourcePath = slash === -1 ? '/' : trimmed.slice(slash);
  return { apiId, stageName, path: resourcePath, rawQuery, defaultEndpoint: true };
}
