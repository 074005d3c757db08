// Stages of HTTP APIs: CreateStage, GetStages, GetStage, UpdateStage, DeleteStage,
// DeleteRouteSettings, DeleteAccessLogSettings
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages.html).
// An auto-deploying stage is deployed when it is created or switched to auto-deploy, and again
// after every change to the API (context.ts); `$default` is served without a stage segment
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html).
import { badRequest, conflict, limitExceeded } from '../../aws/errors.js';
import { DEFAULT_KEY, type HttpStageRecord, type RouteSettings } from '../../model/http-api.js';
import { MissingDeploymentError } from '../../store/config-store.js';
import type { OperationDefinition, OperationRequest } from '../route-table.js';
import { optBoolean, optObject, optString, optStringMap, type Body } from '../apigateway/validation.js';
import { deploy, deploymentNotFound, isoNow, readApi, stageNotFound, type ApiGatewayV2Context } from './context.js';
import { paginateV2 } from './paging.js';

const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const VARIABLE_NAME = /^[A-Za-z0-9_]{1,64}$/;
/** Stage variable values: at most 2048 characters (apigatewayv2's model). */
const MAX_VARIABLE_VALUE = 2048;
const MAX_VARIABLES = 100;
const LOGGING_LEVELS: readonly string[] = ['ERROR', 'INFO', 'OFF'];

function routeSettingsOf(value: Body, at: string): RouteSettings {
  const out: RouteSettings = {};
  for (const key of ['dataTraceEnabled', 'detailedMetricsEnabled'] as const) {
    const flag = optBoolean(value, key);
    if (flag !== undefined) out[key] = flag;
  }
  const level = optString(value, 'loggingLevel');
  if (level !== undefined) {
    if (!LOGGING_LEVELS.includes(level)) throw badRequest(`Invalid loggingLevel ${level} in ${at}`); // unverified
    out.loggingLevel = level as RouteSettings['loggingLevel'];
  }
  const burst = value.throttlingBurstLimit;
  if (burst !== undefined && burst !== null) {
    if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 0) throw badRequest(`Invalid throttlingBurstLimit in ${at}`); // unverified
    out.throttlingBurstLimit = burst;
  }
  const rate = value.throttlingRateLimit;
  if (rate !== undefined && rate !== null) {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) throw badRequest(`Invalid throttlingRateLimit in ${at}`); // unverified
    out.throttlingRateLimit = rate;
  }
  return out;
}

function checkVariables(variables: Record<string, string>): void {
  const names = Object.keys(variables);
  if (names.length > MAX_VARIABLES) throw badRequest(`A stage can have at most ${MAX_VARIABLES} stage variables`); // unverified
  for (const name of names) {
    if (!VARIABLE_NAME.test(name)) throw badRequest(`Stage variable name ${name} must match [A-Za-z0-9_]{1,64}`); // unverified
    if (variables[name].length > MAX_VARIABLE_VALUE) throw badRequest(`Stage variable ${name} is longer than ${MAX_VARIABLE_VALUE} characters`); // unverified
  }
}

/** Applies what a Create/UpdateStage body sets. */
function applyFields(stage: HttpStageRecord, body: Body): void {
  const description = optString(body, 'description');
  if (description !== undefined) stage.description = description;
  const autoDeploy = optBoolean(body, 'autoDeploy');
  if (autoDeploy !== undefined) stage.autoDeploy = autoDeploy;
  const variables = optStringMap(body, 'stageVariables');
  if (variables !== undefined) {
    // UpdateStage merges (AWS CLI examples update one variable at a time; unverified).
    stage.stageVariables = { ...stage.stageVariables, ...variables };
    checkVariables(stage.stageVariables);
  }
  const defaults = optObject(body, 'defaultRouteSettings');
  if (defaults !== undefined) stage.defaultRouteSettings = routeSettingsOf(defaults, 'defaultRouteSettings');
  const perRoute = optObject(body, 'routeSettings');
  if (perRoute !== undefined) {
    for (const [routeKey, settings] of Object.entries(perRoute)) {
      if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) throw badRequest(`Invalid routeSettings for ${routeKey}`); // unverified
      stage.routeSettings[routeKey] = routeSettingsOf(settings as Body, `routeSettings.${routeKey}`);
    }
  }
  const accessLog = optObject(body, 'accessLogSettings');
  if (accessLog !== undefined) {
    stage.accessLogSettings = {
      ...(optString(accessLog, 'destinationArn') !== undefined && { destinationArn: optString(accessLog, 'destinationArn') }),
      ...(optString(accessLog, 'format') !== undefined && { format: optString(accessLog, 'format') }),
    };
  }
  const deploymentId = optString(body, 'deploymentId');
  if (deploymentId !== undefined) {
    if (stage.autoDeploy) throw badRequest('Cannot set a deploymentId on a stage with autoDeploy enabled'); // unverified wording
    stage.deploymentId = deploymentId;
  }
}

function stageOut(stage: HttpStageRecord): Omit<HttpStageRecord, 'apiId'> {
  const { apiId: _apiId, ...out } = stage;
  return out;
}

async function createStage(ctx: ApiGatewayV2Context, request: OperationRequest) {
  const { apiId } = request.params;
  const stageName = optString(request.body, 'stageName');
  if (stageName === undefined) throw badRequest('StageName is required'); // unverified
  if (stageName !== DEFAULT_KEY && !STAGE_NAME.test(stageName)) {
    throw badRequest(`Stage name ${stageName} is invalid: use $default or up to 128 letters, digits, '-' or '_'`); // unverified
  }
  await readApi(ctx, apiId);
  const now = isoNow();
  const stage: HttpStageRecord = {
    apiId, stageName, autoDeploy: false, stageVariables: {}, defaultRouteSettings: { detailedMetricsEnabled: false }, routeSettings: {},
    createdDate: now, lastUpdatedDate: now, tags: optStringMap(request.body, 'tags') ?? {},
  };
  applyFields(stage, request.body);
  const outcome = await ctx.store.httpApis.createStage(stage, ctx.env.limits.maxStagesPerApi);
  if (outcome === 'exists') throw conflict(`Stage ${stageName} already exists`); // unverified wording
  if (outcome === 'limit-exceeded') throw limitExceeded(`Exceeded the maximum number of stages (${ctx.env.limits.maxStagesPerApi}) for this API`); // unverified
  if (outcome === 'no-deployment') throw deploymentNotFound(ctx.env, apiId, stage.deploymentId ?? '');
  return { statusCode: 201, body: stageOut(stage.autoDeploy ? await deployStage(ctx, stage) : stage) };
}

/** An auto-deploying stage serves the API as it is now. */
async function deployStage(ctx: ApiGatewayV2Context, stage: HttpStageRecord): Promise<HttpStageRecord> {
  const deployment = await deploy(ctx, stage.apiId, { autoDeployed: true }, (candidate) => candidate.stageName === stage.stageName);
  const outcome = await ctx.store.httpApis.updateStage(stage.apiId, stage.stageName, (current) => {
    current.lastDeploymentStatusMessage = `Successfully deployed stage with deployment ID '${deployment.deploymentId}'`;
    return current;
  });
  return outcome?.result ?? stage;
}

async function updateStage(ctx: ApiGatewayV2Context, request: OperationRequest) {
  const { apiId, stageName } = request.params;
  await readApi(ctx, apiId);
  let wasAutoDeploy = false;
  let outcome;
  try {
    outcome = await ctx.store.httpApis.updateStage(apiId, stageName, (stage) => {
      wasAutoDeploy = stage.autoDeploy;
      applyFields(stage, request.body);
      stage.lastUpdatedDate = isoNow();
      return stage;
    });
  } catch (error) {
    if (error instanceof MissingDeploymentError) throw deploymentNotFound(ctx.env, apiId, error.deploymentId);
    throw error;
  }
  if (outcome === undefined) throw stageNotFound(ctx.env, apiId, stageName);
  const stage = outcome.result;
  return { statusCode: 200, body: stageOut(stage.autoDeploy && !wasAutoDeploy ? await deployStage(ctx, stage) : stage) };
}

/** A stage change that removes part of it (route settings, access log settings). */
async function removeFromStage(ctx: ApiGatewayV2Context, request: OperationRequest, remove: (stage: HttpStageRecord) => void) {
  const { apiId, stageName } = request.params;
  await readApi(ctx, apiId);
  const outcome = await ctx.store.httpApis.updateStage(apiId, stageName, remove);
  if (outcome === undefined) throw stageNotFound(ctx.env, apiId, stageName);
  return { statusCode: 204 };
}

export function stageOperations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  const base = '/v2/apis/{apiId}/stages';
  return [
    { name: 'CreateStage', method: 'POST', uri: base, handler: (request) => createStage(ctx, request) },
    {
      name: 'GetStages', method: 'GET', uri: base,
      handler: async (request) => {
        await readApi(ctx, request.params.apiId);
        const page = paginateV2(await ctx.store.httpApis.listStages(request.params.apiId), request.query);
        return { statusCode: 200, body: { ...page, items: page.items.map(stageOut) } };
      },
    },
    {
      name: 'GetStage', method: 'GET', uri: `${base}/{stageName}`,
      handler: async (request) => {
        const { apiId, stageName } = request.params;
        await readApi(ctx, apiId);
        const stage = await ctx.store.httpApis.getStage(apiId, stageName);
        if (stage === undefined) throw stageNotFound(ctx.env, apiId, stageName);
        return { statusCode: 200, body: stageOut(stage) };
      },
    },
    { name: 'UpdateStage', method: 'PATCH', uri: `${base}/{stageName}`, handler: (request) => updateStage(ctx, request) },
    {
      name: 'DeleteStage', method: 'DELETE', uri: `${base}/{stageName}`,
      handler: async (request) => {
        const { apiId, stageName } = request.params;
        await readApi(ctx, apiId);
        if (!(await ctx.store.httpApis.deleteStage(apiId, stageName))) throw stageNotFound(ctx.env, apiId, stageName);
        return { statusCode: 204 };
      },
    },
    {
      name: 'DeleteRouteSettings', method: 'DELETE', uri: `${base}/{stageName}/routesettings/{routeKey}`,
      handler: (request) => removeFromStage(ctx, request, (stage) => {
        if (!Object.hasOwn(stage.routeSettings, request.params.routeKey)) throw badRequest(`No route settings for ${request.params.routeKey}`); // unverified
        delete stage.routeSettings[request.params.routeKey];
      }),
    },
    {
      name: 'DeleteAccessLogSettings', method: 'DELETE', uri: `${base}/{stageName}/accesslogsettings`,
      handler: (request) => removeFromStage(ctx, request, (stage) => {
        delete stage.accessLogSettings;
      }),
    },
  ];
}
