// Apis: CreateApi (with quick create), GetApis, GetApi, UpdateApi, DeleteApi,
// DeleteCorsConfiguration (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html).
// Quick create (`target`) makes the integration, the `$default` route (or `routeKey`) and an
// auto-deploying `$default` stage, all `apiGatewayManaged`, as AWS does
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop.html#http-api-examples.cli.quick-create).
import { badRequest, conflict, limitExceeded } from '../../aws/errors.js';
import { newRestApiId } from '../../aws/ids.js';
import { DEFAULT_KEY, type Cors, type HttpApi, type HttpApiDefinition, type HttpIntegration, type HttpStageRecord } from '../../model/http-api.js';
import { checkCorsConfiguration } from '../../data-plane/http-api/cors.js';
import type { OperationDefinition, OperationRequest } from '../route-table.js';
import { CUSTOM_ID_TAG, chosenId } from '../apigateway/rest-apis.js';
import { optBoolean, optObject, optString, optStringMap, type Body } from '../apigateway/validation.js';
import {
  apiEndpoint, autoDeploy, isoNow, mutateApi, newIntegrationId, newRouteId, readApi, required, type ApiGatewayV2Context,
} from './context.js';
import { checkRouteKey } from './routes.js';
import { quickIntegration } from './integrations.js';
import { paginateV2 } from './paging.js';

/** HTTP APIs' fixed expressions (AWS CLI example outputs). */
const ROUTE_SELECTION_EXPRESSION = '$request.method $request.path';
const API_KEY_SELECTION_EXPRESSION = '$request.header.x-api-key';

export function apiOut(ctx: ApiGatewayV2Context, request: OperationRequest, api: HttpApi): Record<string, unknown> {
  return { ...api, apiEndpoint: apiEndpoint(ctx, request, api.apiId) };
}

const CORS_MEMBERS = ['allowCredentials', 'allowHeaders', 'allowMethods', 'allowOrigins', 'exposeHeaders', 'maxAge'] as const;

/**
 * The body's `corsConfiguration` merged over `current` (UpdateApi changes only the members it
 * sends, as AWS does), only the six members kept, checked as a whole.
 */
function corsOf(body: Body, current?: Cors): Cors | undefined {
  const sent = optObject(body, 'corsConfiguration');
  if (sent === undefined) return undefined;
  const cors: Record<string, unknown> = { ...current };
  for (const member of CORS_MEMBERS) if (sent[member] !== undefined && sent[member] !== null) cors[member] = sent[member];
  const problem = checkCorsConfiguration(cors);
  if (problem !== undefined) throw badRequest(problem);
  return cors as Cors;
}

/** A new API's members: CreateApi's body or an imported document's; the others take HTTP APIs' defaults. */
export type NewApiFields = Pick<HttpApi, 'name' | 'tags'>
  & Partial<Pick<HttpApi, 'apiKeySelectionExpression' | 'description' | 'disableExecuteApiEndpoint' | 'disableSchemaValidation'
  | 'ipAddressType' | 'corsConfiguration' | 'version' | 'warnings' | 'importInfo'>>;

export interface NewApiOptions {
  /** The id the caller chose (`--import`); else the `_custom_id_` tag's, else a new one. */
  apiId?: string;
  /** The stages the API starts with (quick create's `$default`). */
  stages?: (apiId: string) => HttpStageRecord[];
}

/**
 * Stores a new API with its routes, integrations and authorizers (CreateApi, ImportApi): within
 * the account's quota, then deploys its auto-deploying stages.
 */
export async function createHttpApi(
  ctx: ApiGatewayV2Context, fields: NewApiFields, parts: Omit<HttpApiDefinition, 'api'>, options: NewApiOptions = {},
): Promise<HttpApi> {
  const chosen = options.apiId ?? fields.tags[CUSTOM_ID_TAG];
  const apiId = chosen !== undefined ? chosenId('API', chosen) : newRestApiId();
  if ((await ctx.store.hasRestApi(apiId)) || (await ctx.store.httpApis.getApi(apiId)) !== undefined) {
    throw conflict(`API ${apiId} already exists`); // Archway's own: only a chosen id can collide
  }
  if ((await ctx.store.httpApis.listApiIds()).length >= ctx.env.limits.maxRestApis) {
    throw limitExceeded(`Exceeded the maximum number of HTTP APIs (${ctx.env.limits.maxRestApis}) for this account`); // unverified wording
  }
  const { apiKeySelectionExpression, disableExecuteApiEndpoint, ipAddressType, ...rest } = fields;
  const api: HttpApi = {
    apiId,
    protocolType: 'HTTP',
    apiKeySelectionExpression: apiKeySelectionExpression ?? API_KEY_SELECTION_EXPRESSION,
    routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    createdDate: isoNow(),
    disableExecuteApiEndpoint: disableExecuteApiEndpoint ?? false,
    ipAddressType: ipAddressType ?? 'ipv4',
    ...rest,
  };
  if (!(await ctx.store.httpApis.createApi({ api, ...parts }, options.stages?.(apiId) ?? []))) throw conflict(`API ${apiId} already exists`);
  await autoDeploy(ctx, apiId);
  return api;
}

/** An auto-deploying `$default` stage: quick create's (managed by API Gateway), and `--import`'s. */
export function autoDeployingDefaultStage(apiId: string, apiGatewayManaged: boolean): HttpStageRecord {
  const now = isoNow();
  return {
    apiId, stageName: DEFAULT_KEY, autoDeploy: true, stageVariables: {}, defaultRouteSettings: { detailedMetricsEnabled: false }, routeSettings: {},
    createdDate: now, lastUpdatedDate: now, ...(apiGatewayManaged && { apiGatewayManaged }), tags: {},
  };
}

async function createApi(ctx: ApiGatewayV2Context, request: OperationRequest) {
  const body = request.body;
  const name = optString(body, 'name');
  const protocolType = optString(body, 'protocolType');
  required(name, 'name');
  required(protocolType, 'protocolType');
  if (protocolType === 'WEBSOCKET') throw badRequest('WebSocket APIs are not supported by Archway yet'); // Archway's own
  if (protocolType !== 'HTTP') throw badRequest(`Invalid protocolType: ${protocolType}`); // unverified
  const description = optString(body, 'description');
  const version = optString(body, 'version');
  const apiKeySelectionExpression = optString(body, 'apiKeySelectionExpression');
  const disableSchemaValidation = optBoolean(body, 'disableSchemaValidation');
  const cors = corsOf(body);
  const fields: NewApiFields = {
    name: name as string,
    tags: optStringMap(body, 'tags') ?? {},
    disableExecuteApiEndpoint: optBoolean(body, 'disableExecuteApiEndpoint') ?? false,
    ipAddressType: optString(body, 'ipAddressType') === 'dualstack' ? 'dualstack' : 'ipv4',
    ...(apiKeySelectionExpression !== undefined && { apiKeySelectionExpression }),
    ...(description !== undefined && { description }),
    ...(version !== undefined && { version }),
    ...(cors !== undefined && { corsConfiguration: cors }),
    ...(disableSchemaValidation !== undefined && { disableSchemaValidation }),
  };
  const parts: Omit<HttpApiDefinition, 'api'> = { routes: [], integrations: [], authorizers: [] };
  const target = optString(body, 'target');
  if (target !== undefined) {
    const integration = quickIntegration(ctx, newIntegrationId(), target, optString(body, 'credentialsArn'));
    const routeKey = optString(body, 'routeKey') ?? DEFAULT_KEY;
    checkRouteKey(routeKey);
    parts.integrations.push(integration);
    parts.routes.push({
      routeId: newRouteId(), routeKey, target: `integrations/${integration.integrationId}`, apiKeyRequired: false, authorizationType: 'NONE', apiGatewayManaged: true,
    });
  } else if (body.routeKey !== undefined || body.credentialsArn !== undefined) {
    throw badRequest('routeKey and credentialsArn are only supported with target (quick create)'); // unverified
  }
  const stages = target === undefined ? undefined : (apiId: string) => [autoDeployingDefaultStage(apiId, true)];
  const api = await createHttpApi(ctx, fields, parts, { stages });
  return { statusCode: 201, body: apiOut(ctx, request, api) };
}

async function updateApi(ctx: ApiGatewayV2Context, request: OperationRequest) {
  const body = request.body;
  const name = optString(body, 'name');
  const description = optString(body, 'description');
  const version = optString(body, 'version');
  const disable = optBoolean(body, 'disableExecuteApiEndpoint');
  const disableSchemaValidation = optBoolean(body, 'disableSchemaValidation');
  const target = optString(body, 'target');
  const api = await mutateApi(ctx, request.params.apiId, (definition) => {
    const api = definition.api;
    const cors = corsOf(body, api.corsConfiguration);
    if (name !== undefined) api.name = name;
    if (description !== undefined) api.description = description;
    if (version !== undefined) api.version = version;
    if (disable !== undefined) api.disableExecuteApiEndpoint = disable;
    if (disableSchemaValidation !== undefined) api.disableSchemaValidation = disableSchemaValidation;
    if (cors !== undefined) api.corsConfiguration = cors;
    // Quick create's fields on update retarget the integration quick create made.
    if (target !== undefined) {
      const index = definition.integrations.findIndex((integration) => integration.apiGatewayManaged === true);
      if (index === -1) throw badRequest('target is only supported for APIs created with quick create'); // unverified
      const current: HttpIntegration = definition.integrations[index];
      definition.integrations[index] = quickIntegration(ctx, current.integrationId, target, optString(body, 'credentialsArn') ?? current.credentialsArn);
    }
    return api;
  });
  return { statusCode: 200, body: apiOut(ctx, request, api) };
}

export function apiOperations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  return [
    { name: 'CreateApi', method: 'POST', uri: '/v2/apis', handler: (request) => createApi(ctx, request) },
    {
      name: 'GetApis', method: 'GET', uri: '/v2/apis',
      handler: async (request) => {
        const definitions = await ctx.store.httpApis.listApis();
        const page = paginateV2(definitions, request.query);
        return { statusCode: 200, body: { ...page, items: page.items.map((definition) => apiOut(ctx, request, definition.api)) } };
      },
    },
    {
      name: 'GetApi', method: 'GET', uri: '/v2/apis/{apiId}',
      handler: async (request) => ({ statusCode: 200, body: apiOut(ctx, request, (await readApi(ctx, request.params.apiId)).api) }),
    },
    { name: 'UpdateApi', method: 'PATCH', uri: '/v2/apis/{apiId}', handler: (request) => updateApi(ctx, request) },
    {
      name: 'DeleteApi', method: 'DELETE', uri: '/v2/apis/{apiId}',
      handler: async (request) => {
        if (!(await ctx.store.httpApis.deleteApi(request.params.apiId))) await readApi(ctx, request.params.apiId);
        return { statusCode: 204 };
      },
    },
    {
      name: 'DeleteCorsConfiguration', method: 'DELETE', uri: '/v2/apis/{apiId}/cors',
      handler: async (request) => {
        await mutateApi(ctx, request.params.apiId, (definition) => {
          delete definition.api.corsConfiguration;
        });
        return { statusCode: 204 };
      },
    },
  ];
}
