// Deployments of HTTP APIs: CreateDeployment, GetDeployments, GetDeployment, UpdateDeployment,
// DeleteDeployment (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-deployments.html).
// A deployment is the working copy frozen; CreateDeployment with `stageName` points that stage at it.
import { badRequest } from '../../aws/errors.js';
import type { HttpDeploymentRecord } from '../../model/http-api.js';
import type { OperationDefinition, OperationRequest } from '../route-table.js';
import { optString } from '../apigateway/validation.js';
import { deploy, deploymentNotFound, readApi, stageNotFound, type ApiGatewayV2Context } from './context.js';
import { paginateV2 } from './paging.js';

function deploymentOut(record: HttpDeploymentRecord) {
  const { apiId: _apiId, snapshot: _snapshot, ...out } = record;
  return out;
}

async function createDeployment(ctx: ApiGatewayV2Context, request: OperationRequest) {
  const { apiId } = request.params;
  const stageName = optString(request.body, 'stageName');
  const description = optString(request.body, 'description');
  await readApi(ctx, apiId);
  if (stageName !== undefined) {
    const stage = await ctx.store.httpApis.getStage(apiId, stageName);
    if (stage === undefined) throw stageNotFound(ctx.env, apiId, stageName);
    if (stage.autoDeploy) throw badRequest(`Stage ${stageName} is auto-deployed: it is deployed with every change`); // unverified wording
  }
  const record = await deploy(ctx, apiId, { autoDeployed: false, description }, (stage) => stage.stageName === stageName);
  return { statusCode: 201, body: deploymentOut(record) };
}

export function deploymentOperations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  const base = '/v2/apis/{apiId}/deployments';
  const read = async (request: OperationRequest) => {
    const { apiId, deploymentId } = request.params;
    await readApi(ctx, apiId);
    const record = await ctx.store.httpApis.getDeployment(apiId, deploymentId);
    if (record === undefined) throw deploymentNotFound(ctx.env, apiId, deploymentId);
    return record;
  };
  return [
    { name: 'CreateDeployment', method: 'POST', uri: base, handler: (request) => createDeployment(ctx, request) },
    {
      name: 'GetDeployments', method: 'GET', uri: base,
      handler: async (request) => {
        await readApi(ctx, request.params.apiId);
        const page = paginateV2(await ctx.store.httpApis.listDeployments(request.params.apiId), request.query);
        return { statusCode: 200, body: { ...page, items: page.items.map(deploymentOut) } };
      },
    },
    { name: 'GetDeployment', method: 'GET', uri: `${base}/{deploymentId}`, handler: async (request) => ({ statusCode: 200, body: deploymentOut(await read(request)) }) },
    {
      name: 'UpdateDeployment', method: 'PATCH', uri: `${base}/{deploymentId}`,
      handler: async (request) => {
        await read(request);
        const description = optString(request.body, 'description');
        const outcome = await ctx.store.httpApis.updateDeployment(request.params.apiId, request.params.deploymentId, (record) => {
          if (description !== undefined) record.description = description;
          return record;
        });
        if (outcome === undefined) throw deploymentNotFound(ctx.env, request.params.apiId, request.params.deploymentId);
        return { statusCode: 200, body: deploymentOut(outcome.result) };
      },
    },
    {
      name: 'DeleteDeployment', method: 'DELETE', uri: `${base}/{deploymentId}`,
      handler: async (request) => {
        await read(request);
        const outcome = await ctx.store.httpApis.deleteDeployment(request.params.apiId, request.params.deploymentId);
        if (outcome === 'in-use') throw badRequest('Active stages pointing to this deployment must be moved or deleted'); // v1's recorded text; v2 unverified
        return { statusCode: 204 };
      },
    },
  ];
}
