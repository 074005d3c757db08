// What HTTP APIs store exactly as AWS does but Archway does not act on yet, one line each, in
// the same places as REST's (../apigateway/not-enforced.ts): logged when written, repeated by
// `archway start`. Each later feature removes its entry.
import type { HttpApiDefinition, HttpStage, RouteSettings } from '../../model/http-api.js';

function settingsLines(where: string, settings: RouteSettings): string[] {
  const lines: string[] = [];
  if (settings.detailedMetricsEnabled === true) lines.push(`${where}: detailedMetricsEnabled not acted on yet (no metrics are published)`);
  if (settings.loggingLevel !== undefined && settings.loggingLevel !== 'OFF') lines.push(`${where}: loggingLevel ${settings.loggingLevel} not acted on yet (the request log is Archway's own)`);
  if (settings.dataTraceEnabled === true) lines.push(`${where}: dataTraceEnabled not acted on yet`);
  return lines;
}

export function notEnforcedHttp(definition: HttpApiDefinition, stages: readonly HttpStage[]): string[] {
  const lines: string[] = [];
  for (const integration of definition.integrations) {
    const where = `integration ${integration.integrationId}`;
    if (integration.credentialsArn !== undefined) lines.push(`${where}: credentialsArn not used yet (Archway calls without assuming the role)`);
    if (integration.tlsConfig?.serverNameToVerify !== undefined) lines.push(`${where}: tlsConfig.serverNameToVerify not acted on yet (the URL's host name is verified)`);
  }
  for (const authorizer of definition.authorizers) {
    if (authorizer.authorizerCredentialsArn !== undefined) lines.push(`authorizer ${authorizer.authorizerId}: authorizerCredentialsArn not used yet (Archway calls without assuming the role)`);
  }
  for (const stage of stages) {
    const where = `stage ${stage.stageName}`;
    if (stage.accessLogSettings?.destinationArn !== undefined) lines.push(`${where}: access log settings not acted on yet (no access log is written)`);
    lines.push(...settingsLines(`${where} defaultRouteSettings`, stage.defaultRouteSettings));
    for (const [routeKey, settings] of Object.entries(stage.routeSettings)) lines.push(...settingsLines(`${where} routeSettings ${routeKey}`, settings));
  }
  return lines;
}
