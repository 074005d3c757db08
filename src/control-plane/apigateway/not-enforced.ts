// Configuration Archway stores and answers exactly as AWS does, but does not act on yet
// (private endpoints, response compression, caching,
// access logs). Nothing is accepted silently:
// the control plane logs these when they are written, `archway start` repeats them, and
// `archway ls` marks them.
// Each later feature removes its entry. The shapes are the apigateway wire shapes, so the
// server (from its definitions) and `archway ls` (from GET answers) share this one list.
import type { RestApiDefinition, Stage } from '../../model/rest-api.js';

export interface ApiSettingsShape {
  endpointConfiguration?: { types?: readonly string[] };
  minimumCompressionSize?: number;
}

export interface StageShape {
  stageName: string;
  cacheClusterEnabled?: boolean;
  methodSettings?: Readonly<Record<string, { cachingEnabled?: boolean }>>;
  accessLogSettings?: { destinationArn?: string };
}

/** One line per setting that is stored but not acted on, naming the stage it concerns, if any. */
export function notEnforced(api: ApiSettingsShape, stages: readonly StageShape[]): string[] {
  const lines: string[] = [];
  if (api.endpointConfiguration?.types?.includes('PRIVATE')) lines.push('PRIVATE endpoint: not enforced yet (reachable like a regional API)');
  if (api.minimumCompressionSize !== undefined) lines.push('minimumCompressionSize: not applied yet (responses are not compressed)');
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

/** The same list for a stored API and its stages. */
export function notEnforcedIn(definition: RestApiDefinition, stages: readonly Stage[]): string[] {
  return notEnforced(definition.api, stages);
}
