// Stages: CreateStage, GetStage(s), UpdateStage, DeleteStage — a name that serves a
// deployment. Each write is one store transaction, which publishes a `stage` change.
// https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateStage.html
// Messages recorded or from AWS error reports unless marked unverified.
import { badRequest, conflict, limitExceeded, notFound } from '../../aws/errors.js';
import { epochSeconds } from '../../aws/ids.js';
import type { StageRecord } from '../../model/rest-api.js';
import { MissingDeploymentError } from '../../store/config-store.js';
import type { OperationDefinition } from '../route-table.js';
import { readDefinition, type ApiGatewayContext } from './context.js';
import { invalidPatchOp, invalidPatchPath, keyAfter, readPatchOperations, type PatchOperation } from './patch.js';
import { stageOut } from './serialize.js';
import { isMethodSettingPath, patchMethodSettings } from './stage-settings.js';
import {
  checkStageName, checkStageVariable, checkStageVariables, nullError, optBoolean, optString, optStringMap, patchBoolean, throwIfErrors,
} from './validation.js';

export const CACHE_CLUSTER_SIZES: readonly string[] = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'];

export const stageNotFound = () => notFound('Invalid Stage identifier specified');
/** CreateStage with an unknown deployment (AWS error report: BadRequestException "Deployment id does not exist"). */
export const deploymentDoesNotExist = () => badRequest('Deployment id does not exist');

function checkCacheClusterSize(size: string | undefined): void {
  if (size !== undefined && !CACHE_CLUSTER_SIZES.includes(size)) {
    throw badRequest(`Invalid cache cluster size specified. Valid options are ${CACHE_CLUSTER_SIZES.join(',')}`); // unverified
  }
}

function setCacheCluster(stage: StageRecord, enabled: boolean, size?: string): void {
  checkCacheClusterSize(size);
  stage.cacheClusterEnabled = enabled;
  stage.cacheClusterStatus = enabled ? 'AVAILABLE' : 'NOT_AVAILABLE';
  if (size !== undefined) stage.cacheClusterSize = size;
  else if (enabled) stage.cacheClusterSize ??= '0.5';
}

export interface NewStageFields {
  description?: string;
  variables?: Record<string, string>;
  cacheClusterEnabled?: boolean;
  cacheClusterSize?: string;
  tracingEnabled?: boolean;
  documentationVersion?: string;
  tags?: Record<string, string>;
}

/** A new stage record with AWS's defaults (recorded: cacheClusterStatus NOT_AVAILABLE, methodSettings {}). */
export function newStage(restApiId: string, stageName: string, deploymentId: string, fields: NewStageFields): StageRecord {
  checkStageName(stageName);
  checkStageVariables(fields.variables);
  const now = epochSeconds();
  const stage: StageRecord = {
    restApiId,
    stageName,
    deploymentId,
    cacheClusterEnabled: false,
    cacheClusterStatus: 'NOT_AVAILABLE',
    methodSettings: {},
    tracingEnabled: fields.tracingEnabled ?? false,
    createdDate: now,
    lastUpdatedDate: now,
  };
  setCacheCluster(stage, fields.cacheClusterEnabled ?? false, fields.cacheClusterSize);
  if (fields.description) stage.description = fields.description;
  if (fields.variables && Object.keys(fields.variables).length > 0) stage.variables = fields.variables;
  if (fields.documentationVersion) stage.documentationVersion = fields.documentationVersion;
  if (fields.tags && Object.keys(fields.tags).length > 0) stage.tags = fields.tags;
  return stage;
}

/** The 11th stage of an API (default limit 10) is refused (the store counts). Message unverified. */
export const stageLimitExceeded = (ctx: ApiGatewayContext) =>
  limitExceeded(`Exceeded the maximum number of stages (${ctx.env.limits.maxStagesPerApi}) for this REST API`);

/** The store checks that a repointed stage's deployment exists, in the same transaction. */
function patchStage(stage: StageRecord, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path === undefined) throw invalidPatchPath(path);
  const variable = keyAfter(path, '/variables');
  if (variable !== undefined) {
    const variables = (stage.variables ??= {});
    if (op === 'remove') delete variables[variable];
    else if (op === 'add' || op === 'replace') {
      checkStageVariable(variable, value ?? '');
      variables[variable] = value ?? '';
    } else throw invalidPatchOp(['add', 'remove', 'replace']);
    if (Object.keys(variables).length === 0) delete stage.variables;
    return;
  }
  if (path === '/accessLogSettings') {
    if (op !== 'remove') throw invalidPatchOp(['remove']);
    delete stage.accessLogSettings;
    return;
  }
  if (path === '/accessLogSettings/destinationArn' || path === '/accessLogSettings/format') {
    if (op !== 'replace') throw invalidPatchOp(['replace']);
    const settings = (stage.accessLogSettings ??= {});
    if (path === '/accessLogSettings/format') settings.format = value ?? '';
    else {
      if (!value?.startsWith('arn:')) throw badRequest('Invalid ARN specified in the request'); // unverified for this field
      settings.destinationArn = value;
    }
    return;
  }
  if (isMethodSettingPath(path)) {
    patchMethodSettings(stage.methodSettings, operation);
    return;
  }
  const scalars = ['/description', '/deploymentId', '/cacheClusterEnabled', '/cacheClusterSize', '/tracingEnabled', '/clientCertificateId', '/documentationVersion'];
  if (!scalars.includes(path)) throw invalidPatchPath(path);
  if (op !== 'replace') throw invalidPatchOp(['replace']);
  switch (path) {
    case '/description':
      if (value) stage.description = value;
      else delete stage.description;
      return;
    case '/deploymentId':
      if (!value) throw deploymentDoesNotExist();
      stage.deploymentId = value;
      return;
    case '/cacheClusterEnabled':
      setCacheCluster(stage, patchBoolean(value));
      return;
    case '/cacheClusterSize':
      setCacheCluster(stage, stage.cacheClusterEnabled, value);
      return;
    case '/tracingEnabled':
      stage.tracingEnabled = patchBoolean(value);
      return;
    case '/clientCertificateId':
      if (value) stage.clientCertificateId = value;
      else delete stage.clientCertificateId;
      return;
    case '/documentationVersion':
      if (value) stage.documentationVersion = value;
      else delete stage.documentationVersion;
      return;
  }
}

export function stageOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateStage',
      method: 'POST',
      uri: '/restapis/{restapi_id}/stages',
      handler: async ({ params, body }) => {
        const restApiId = params.restapi_id;
        const stageName = optString(body, 'stageName');
        const deploymentId = optString(body, 'deploymentId');
        const errors: string[] = [];
        if (stageName === undefined) errors.push(nullError('createStageInput.stageName')); // unverified
        if (deploymentId === undefined) errors.push(nullError('createStageInput.deploymentId')); // unverified
        throwIfErrors(errors);
        await readDefinition(ctx, restApiId);
        const stage = newStage(restApiId, stageName as string, deploymentId as string, {
          description: optString(body, 'description'),
          variables: optStringMap(body, 'variables'),
          cacheClusterEnabled: optBoolean(body, 'cacheClusterEnabled'),
          cacheClusterSize: optString(body, 'cacheClusterSize'),
          tracingEnabled: optBoolean(body, 'tracingEnabled'),
          documentationVersion: optString(body, 'documentationVersion'),
          tags: optStringMap(body, 'tags'),
        });
        switch (await ctx.store.createStage(stage, ctx.env.limits.maxStagesPerApi)) {
          case 'no-deployment':
            throw deploymentDoesNotExist();
          case 'exists':
            throw conflict('Stage already exists');
          case 'limit-exceeded':
            throw stageLimitExceeded(ctx);
          case 'created':
        }
        return { statusCode: 201, body: stageOut(stage) };
      },
    },
    {
      name: 'GetStages',
      method: 'GET',
      uri: '/restapis/{restapi_id}/stages',
      handler: async ({ params, query }) => {
        await readDefinition(ctx, params.restapi_id);
        const deploymentId = query.get('deploymentId');
        const stages = (await ctx.store.listStages(params.restapi_id)).filter((s) => !deploymentId || s.deploymentId === deploymentId);
        // GetStages is not paginated: `{"item": [...]}`
        // (https://docs.aws.amazon.com/apigateway/latest/api/API_GetStages.html; recorded)
        return { statusCode: 200, body: { item: stages.map(stageOut) } };
      },
    },
    {
      name: 'GetStage',
      method: 'GET',
      uri: '/restapis/{restapi_id}/stages/{stage_name}',
      handler: async ({ params }) => {
        const stage = await ctx.store.getStage(params.restapi_id, params.stage_name);
        if (!stage) throw stageNotFound();
        return { statusCode: 200, body: stageOut(stage) };
      },
    },
    {
      name: 'UpdateStage',
      method: 'PATCH',
      uri: '/restapis/{restapi_id}/stages/{stage_name}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateStageInput', errors);
        throwIfErrors(errors);
        let outcome;
        try {
          outcome = await ctx.store.updateStage(params.restapi_id, params.stage_name, (stage) => {
            for (const operation of operations) patchStage(stage, operation);
            stage.lastUpdatedDate = epochSeconds();
            return stage;
          });
        } catch (error) {
          throw error instanceof MissingDeploymentError ? deploymentDoesNotExist() : error;
        }
        if (!outcome) throw stageNotFound();
        return { statusCode: 200, body: stageOut(outcome.result) };
      },
    },
    {
      name: 'DeleteStage',
      method: 'DELETE',
      uri: '/restapis/{restapi_id}/stages/{stage_name}',
      handler: async ({ params }) => {
        if (!(await ctx.store.deleteStage(params.restapi_id, params.stage_name))) throw stageNotFound();
        return { statusCode: 202 };
      },
    },
  ];
}
