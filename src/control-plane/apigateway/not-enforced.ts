// Configuration Archway stores and answers exactly as AWS does, but does not act on yet
// (authorizers and the API keys they supply, private endpoints, response compression, caching,
// access logs). Nothing is accepted silently:
// the control plane logs these when they are written, `archway start` repeats them, and
// `archway ls` marks them.
// Each later feature removes its entry. The shapes are the apigateway wire shapes, so the
// server (from its definitions) and `archway ls` (from GET answers) share this one list.
import type { RestApiDefinition, Stage } from '../../model/rest-api.js';

export interface ApiSettingsShape {
  apiKeySource?: string;
  endpointConfiguration?: { types?: readonly string[] };
  minimumCompressionSize?: number;
}

export interface MethodShape {
  /** The resource path, e.g. /pets/{id}. */
  path: string;
  httpMethod: string;
  authorizationType?: string;
  apiKeyRequired?: boolean;
}

export interface StageShape {
  stageName: string;
  cacheClusterEnabled?: boolean;
  methodSettings?: Readonly<Record<string, { cachingEnabled?: boolean }>>;
  accessLogSettings?: { destinationArn?: string };
}

/** Authorization types Archway does not enforce yet (NONE and AWS_IAM it does). */
const UNENFORCED_AUTHORIZATION = new Set(['CUSTOM', 'COGNITO_USER_POOLS']);

/** One line per setting that is stored but not acted on, naming the method or stage it concerns. */
export function notEnforced(api: ApiSettingsShape, methods: readonly MethodShape[], stages: readonly StageShape[]): string[] {
  const lines: string[] = [];
  if (api.endpointConfiguration?.types?.includes('PRIVATE')) lines.push('PRIVATE endpoint: not enforced yet (reachable like a regional API)');
  if (api.minimumCompressionSize !== undefined) lines.push('minimumCompressionSize: not applied yet (responses are not compressed)');
  for (const method of methods) {
    const where = `${method.httpMethod} ${method.path}`;
    if (method.authorizationType !== undefined && UNENFORCED_AUTHORIZATION.has(method.authorizationType)) {
      lines.push(`${where}: authorizationType ${method.authorizationType} not enforced yet (anyone can call it)`);
    }
    if (method.apiKeyRequired === true && api.apiKeySource === 'AUTHORIZER') {
      lines.push(`${where}: apiKeyRequired with apiKeySource AUTHORIZER not enforced yet (authorizers come later; calls are served without a key)`);
    }
  }
  for (const stage of stages) {
    const where = `stage ${stage.stageName}`;
    if (stage.cacheClusterEnabled === true) lines.push(`${where}: cache cluster not enforced yet (nothing is cached)`);
    for (const [key, setting] of Object.entries(stage.methodSettings ?? {})) {
      if (setting.cachingEnabled === true) lines.push(`${where}: caching for ${key} not enforced yet (nothing is cached)`);
    }
    if (stage.accessLogSettings?.destinationArn !== undefined) lines.push(`${where}: access log settings not acted on yet (no access log is written)`);
  }
  return lines;
}

/** The same list for a stored API: its working copy's methods and its stages. */
export function notEnforcedIn(definition: RestApiDefinition, stages: readonly Stage[]): string[] {
  const methods: MethodShape[] = [];
  for (const resource of Object.values(definition.resources)) {
    for (const [httpMethod, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (method !== undefined) methods.push({ ...method, path: resource.path, httpMethod });
    }
  }
  return notEnforced(definition.api, methods, stages);
}
