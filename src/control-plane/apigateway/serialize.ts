// What each GET returns: the stored AWS-shaped documents minus internal fields, with AWS's
// omissions (recorded in LocalStack's AWS snapshots, tests/aws/services/apigateway/…).
import type {
  DeploymentRecord, Integration, Method, Resource, RestApi, RestApiDefinition, StageRecord,
} from '../../model/rest-api.js';

export function restApiOut(api: RestApi): Record<string, unknown> {
  const out: Record<string, unknown> = { ...api };
  if (!api.binaryMediaTypes?.length) delete out.binaryMediaTypes;
  if (!api.warnings?.length) delete out.warnings;
  return out;
}

/**
 * Without `embed=methods`, `resourceMethods` maps each verb to `{}`.
 * https://docs.aws.amazon.com/apigateway/latest/api/API_GetResources.html
 */
export function resourceOut(resource: Resource, embedMethods = false): Record<string, unknown> {
  const out: Record<string, unknown> = { id: resource.id };
  if (resource.parentId !== undefined) out.parentId = resource.parentId;
  if (resource.pathPart !== undefined) out.pathPart = resource.pathPart;
  out.path = resource.path;
  const methods = Object.entries(resource.resourceMethods ?? {});
  if (methods.length > 0) {
    out.resourceMethods = Object.fromEntries(methods.map(([verb, method]) => [verb, embedMethods && method ? methodOut(method) : {}]));
  }
  return out;
}

export function methodOut(method: Method): Record<string, unknown> {
  const out: Record<string, unknown> = { ...method };
  if (method.methodIntegration) out.methodIntegration = integrationOut(method.methodIntegration);
  return out;
}

export function integrationOut(integration: Integration): Record<string, unknown> {
  return { ...integration };
}

export function deploymentOut(deployment: DeploymentRecord, embedApiSummary = false): Record<string, unknown> {
  const out: Record<string, unknown> = { id: deployment.id, createdDate: deployment.createdDate };
  if (deployment.description !== undefined) out.description = deployment.description;
  if (embedApiSummary) out.apiSummary = apiSummary(deployment.snapshot);
  return out;
}

/** `apiSummary`: path → verb → `{authorizationType, apiKeyRequired}` of the frozen definition. */
export function apiSummary(definition: RestApiDefinition): Record<string, Record<string, { authorizationType: string; apiKeyRequired: boolean }>> {
  const summary: Record<string, Record<string, { authorizationType: string; apiKeyRequired: boolean }>> = {};
  for (const resource of Object.values(definition.resources)) {
    for (const [verb, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (!method) continue;
      (summary[resource.path] ??= {})[verb] = { authorizationType: method.authorizationType, apiKeyRequired: method.apiKeyRequired };
    }
  }
  return summary;
}

export function stageOut(stage: StageRecord): Record<string, unknown> {
  const { restApiId: _restApiId, ...out } = stage;
  return out;
}

/** Resources sorted by path, as AWS lists them (recorded). */
export function sortedResources(definition: RestApiDefinition): Resource[] {
  return Object.values(definition.resources).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
