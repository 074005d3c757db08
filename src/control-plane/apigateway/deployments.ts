// Deployments: CreateDeployment (freezes the working copy; optionally creates or repoints a
// stage), GetDeployment(s), UpdateDeployment, DeleteDeployment.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateDeployment.html
// Messages from AWS error reports (moto/LocalStack/Terraform issues) unless marked unverified.
import { badRequest, notFound } from '../../aws/errors.js';
import { epochSeconds, newDeploymentId } from '../../aws/ids.js';
import type { CompiledDeployment } from '../../compiler/types.js';
import type { DeploymentRecord, RestApiDefinition, StageRecord } from '../../model/rest-api.js';
import type { DeploymentStageWrite } from '../../store/config-store.js';
import type { OperationDefinition } from '../route-table.js';
import { readDefinition, type ApiGatewayContext } from './context.js';
import { paginate } from './paging.js';
import { readPatchOperations, requireReplaceOf } from './patch.js';
import { deploymentOut } from './serialize.js';
import { newStage, stageLimitExceeded } from './stages.js';
import { checkStageName, checkStageVariables, optBoolean, optString, optStringMap, throwIfErrors, type Body } from './validation.js';

const deploymentNotFound = () => notFound('Invalid Deployment identifier specified');

/** What AWS refuses to deploy; `named` adds which method to AWS's text, e.g. " (GET /pets)" (`--import`). */
function checkDeployable(definition: RestApiDefinition, named = false): void {
  let methods = 0;
  for (const resource of Object.values(definition.resources)) {
    for (const [verb, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (!method) continue;
      if (!method.methodIntegration) throw badRequest(`No integration defined for method${named ? ` (${verb} ${resource.path})` : ''}`);
      methods++;
    }
  }
  if (methods === 0) throw badRequest("The REST API doesn't contain any methods");
}

/**
 * Throws what CreateDeployment would throw for `definition`, before anything is stored, naming
 * the method without an integration (`archway start --import`: import and deploy as one step).
 */
export function checkDeployment(ctx: ApiGatewayContext, definition: RestApiDefinition): void {
  checkDeployable(definition, true);
  checkCompiles(ctx, { id: 'pending', restApiId: definition.api.id, createdDate: epochSeconds(), snapshot: structuredClone(definition) });
}

/**
 * The data plane must be able to load what we store: a snapshot its compiler refuses is
 * refused here (Archway's own check; AWS has no equivalent message). The result is what the
 * data plane serves, so it is not compiled twice.
 */
function checkCompiles(ctx: ApiGatewayContext, deployment: DeploymentRecord): CompiledDeployment {
  try {
    return ctx.dataPlane.deployments.compile(deployment);
  } catch (error) {
    throw badRequest(`The REST API cannot be deployed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const embedsSummary = (query: URLSearchParams) =>
  query.getAll('embed').flatMap((v) => v.split(',')).some((v) => v.trim().toLowerCase() === 'apisummary');

/**
 * CreateDeployment: freezes the working copy into a deployment and, with `stageName`, creates
 * or repoints that stage (`body` in AWS's wire names). Also used by `archway start --import`.
 */
export async function createDeployment(ctx: ApiGatewayContext, restApiId: string, body: Body): Promise<DeploymentRecord> {
  const definition = await readDefinition(ctx, restApiId);
  const stageName = optString(body, 'stageName');
  if (stageName) checkStageName(stageName);
  checkStageVariables(optStringMap(body, 'variables'));
  checkDeployable(definition);
  const deployment: DeploymentRecord = { id: newDeploymentId(), restApiId, createdDate: epochSeconds(), snapshot: structuredClone(definition) };
  const compiled = checkCompiles(ctx, deployment);
  const description = optString(body, 'description');
  if (description) deployment.description = description;

  const stage: DeploymentStageWrite | undefined = stageName
    ? { stageName, limit: ctx.env.limits.maxStagesPerApi, write: (existing) => deploymentStage(restApiId, stageName, deployment.id, body, existing) }
    : undefined;
  // Offered before the write: the stage change it publishes finds the deployment compiled.
  ctx.dataPlane.deployments.offer(compiled);
  if ((await ctx.store.createDeployment(deployment, stage)) === 'limit-exceeded') throw stageLimitExceeded(ctx);
  return deployment;
}

/** CreateDeployment's stage: a new one, or `existing` repointed at the deployment. */
function deploymentStage(restApiId: string, stageName: string, deploymentId: string, body: Body, existing: StageRecord | undefined): StageRecord {
  const variables = optStringMap(body, 'variables');
  const cacheClusterEnabled = optBoolean(body, 'cacheClusterEnabled');
  const cacheClusterSize = optString(body, 'cacheClusterSize');
  const tracingEnabled = optBoolean(body, 'tracingEnabled');
  if (!existing) {
    return newStage(restApiId, stageName, deploymentId, {
      description: optString(body, 'stageDescription'),
      variables,
      cacheClusterEnabled,
      cacheClusterSize,
      tracingEnabled,
    });
  }
  // Repoint; the stage's own settings stay unless given (unverified detail).
  const stage = existing;
  stage.deploymentId = deploymentId;
  if (variables) stage.variables = { ...stage.variables, ...variables };
  if (tracingEnabled !== undefined) stage.tracingEnabled = tracingEnabled;
  if (cacheClusterEnabled !== undefined || cacheClusterSize !== undefined) {
    const fresh = newStage(restApiId, stageName, deploymentId, {
      cacheClusterEnabled: cacheClusterEnabled ?? stage.cacheClusterEnabled,
      cacheClusterSize: cacheClusterSize ?? stage.cacheClusterSize,
    });
    stage.cacheClusterEnabled = fresh.cacheClusterEnabled;
    stage.cacheClusterStatus = fresh.cacheClusterStatus;
    if (fresh.cacheClusterSize !== undefined) stage.cacheClusterSize = fresh.cacheClusterSize;
  }
  stage.lastUpdatedDate = epochSeconds();
  return stage;
}

export function deploymentOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateDeployment',
      method: 'POST',
      uri: '/restapis/{restapi_id}/deployments',
      handler: async ({ params, body }) => ({ statusCode: 201, body: deploymentOut(await createDeployment(ctx, params.restapi_id, body)) }),
    },
    {
      name: 'GetDeployments',
      method: 'GET',
      uri: '/restapis/{restapi_id}/deployments',
      handler: async ({ params, query }) => {
        await readDefinition(ctx, params.restapi_id);
        const deployments = await ctx.store.listDeployments(params.restapi_id);
        return { statusCode: 200, body: paginate(deployments.map((d) => deploymentOut(d)), query) };
      },
    },
    {
      name: 'GetDeployment',
      method: 'GET',
      uri: '/restapis/{restapi_id}/deployments/{deployment_id}',
      handler: async ({ params, query }) => {
        const deployment = await ctx.store.getDeployment(params.restapi_id, params.deployment_id);
        if (!deployment) throw deploymentNotFound();
        return { statusCode: 200, body: deploymentOut(deployment, embedsSummary(query)) };
      },
    },
    {
      name: 'UpdateDeployment',
      method: 'PATCH',
      uri: '/restapis/{restapi_id}/deployments/{deployment_id}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateDeploymentInput', errors);
        throwIfErrors(errors);
        const outcome = await ctx.store.updateDeployment(params.restapi_id, params.deployment_id, (deployment) => {
          for (const operation of operations) {
            requireReplaceOf(operation, ['/description']);
            if (operation.value) deployment.description = operation.value;
            else delete deployment.description;
          }
          return deployment;
        });
        if (!outcome) throw deploymentNotFound();
        return { statusCode: 200, body: deploymentOut(outcome.result) };
      },
    },
    {
      name: 'DeleteDeployment',
      method: 'DELETE',
      uri: '/restapis/{restapi_id}/deployments/{deployment_id}',
      handler: async ({ params }) => {
        const { restapi_id: restApiId, deployment_id: deploymentId } = params;
        switch (await ctx.store.deleteDeployment(restApiId, deploymentId)) {
          case 'not-found':
            throw deploymentNotFound();
          case 'in-use':
            throw badRequest('Active stages pointing to this deployment must be moved or deleted');
          case 'deleted':
            return { statusCode: 202 };
        }
      },
    },
  ];
}
