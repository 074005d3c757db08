// Routes of HTTP APIs: CreateRoute, GetRoutes, GetRoute, UpdateRoute, DeleteRoute
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-routes.html;
// route keys: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
import { badRequest, conflict } from '../../aws/errors.js';
import type { HttpApiDefinition, HttpAuthorizationType, HttpRoute } from '../../model/http-api.js';
import { HttpRouter, parseRouteKey } from '../../routing/http-router.js';
import type { OperationDefinition, OperationRequest } from '../route-table.js';
import { optBoolean, optString, optStringList, type Body } from '../apigateway/validation.js';
import { mutateApi, newRouteId, readApi, routeOf, type ApiGatewayV2Context } from './context.js';
import { paginateV2 } from './paging.js';

const AUTHORIZATION_TYPES: readonly string[] = ['NONE', 'JWT', 'AWS_IAM', 'CUSTOM'];
/** A JWT route asks for at most this many scopes (AWS quotas, HTTP APIs). */
const MAX_SCOPES = 10;

/** Refuses a route key HTTP APIs do not accept, with the parser's message. */
export function checkRouteKey(routeKey: string): void {
  const parsed = parseRouteKey(routeKey);
  if (typeof parsed === 'string') throw badRequest(parsed);
}

function applyFields(definition: HttpApiDefinition, route: HttpRoute, body: Body): void {
  const routeKey = optString(body, 'routeKey');
  if (routeKey !== undefined) {
    checkRouteKey(routeKey);
    if (definition.routes.some((other) => other !== route && other.routeKey === routeKey)) {
      throw conflict(`Route with key ${routeKey} already exists for this API`); // unverified wording
    }
    route.routeKey = routeKey;
    checkRouteTable(definition.routes.includes(route) ? definition.routes : [...definition.routes, route]);
  }
  const target = optString(body, 'target');
  if (target !== undefined) {
    if (target === '') delete route.target;
    else {
      const m = /^integrations\/([^/]+)$/.exec(target);
      if (m === null || !definition.integrations.some((integration) => integration.integrationId === m[1])) {
        throw badRequest(`Invalid target ${target}: must be integrations/{integrationId} of an integration of this API`); // unverified
      }
      route.target = target;
    }
  }
  const type = optString(body, 'authorizationType');
  if (type !== undefined) {
    if (!AUTHORIZATION_TYPES.includes(type)) throw badRequest(`Invalid authorizationType ${type}`); // unverified
    route.authorizationType = type as HttpAuthorizationType;
  }
  const authorizerId = optString(body, 'authorizerId');
  if (authorizerId !== undefined) route.authorizerId = authorizerId;
  const scopes = optStringList(body, 'authorizationScopes');
  if (scopes !== undefined) route.authorizationScopes = scopes;
  const operationName = optString(body, 'operationName');
  if (operationName !== undefined) route.operationName = operationName;
  if (optBoolean(body, 'apiKeyRequired') === true) throw badRequest('API keys are not supported for HTTP APIs'); // AWS: API keys are WebSocket/REST only (unverified wording)
  checkAuthorization(definition, route);
}

/** Keys that match the same requests (`GET /pets/{id}` and `GET /pets/{petId}`) cannot be served together. */
export function checkRouteTable(routes: readonly HttpRoute[]): void {
  try {
    HttpRouter.build(routes.map((route) => [route.routeKey, route] as const));
  } catch (error) {
    throw conflict(`The route key conflicts with another route of this API: ${(error as Error).message}`); // unverified wording
  }
}

/** JWT and CUSTOM routes name an authorizer of the matching type; scopes only with JWT. */
export function checkAuthorization(definition: Pick<HttpApiDefinition, 'authorizers'>, route: HttpRoute): void {
  if (route.authorizationType === 'NONE' || route.authorizationType === 'AWS_IAM') {
    delete route.authorizerId;
  } else {
    const authorizer = definition.authorizers.find((candidate) => candidate.authorizerId === route.authorizerId);
    if (authorizer === undefined) throw badRequest(`Invalid authorizer id specified for authorization type ${route.authorizationType}`); // unverified
    const expected = route.authorizationType === 'JWT' ? 'JWT' : 'REQUEST';
    if (authorizer.authorizerType !== expected) {
      throw badRequest(`Authorizer ${authorizer.authorizerId} of type ${authorizer.authorizerType} cannot be used with authorization type ${route.authorizationType}`); // unverified
    }
  }
  const scopes = route.authorizationScopes;
  if (scopes !== undefined && scopes.length > 0) {
    if (route.authorizationType !== 'JWT') throw badRequest('Authorization scopes are supported only for JWT authorizers'); // unverified
    if (scopes.length > MAX_SCOPES) throw badRequest(`A route can have at most ${MAX_SCOPES} authorization scopes`); // unverified
  }
}

async function createRoute(ctx: ApiGatewayV2Context, request: OperationRequest) {
  if (optString(request.body, 'routeKey') === undefined) throw badRequest('RouteKey is required'); // unverified
  const route: HttpRoute = { routeId: newRouteId(), routeKey: '', apiKeyRequired: false, authorizationType: 'NONE' };
  await mutateApi(ctx, request.params.apiId, (definition) => {
    if (definition.routes.length >= ctx.env.limits.maxResourcesPerApi) {
      throw conflict(`Exceeded the maximum number of routes (${ctx.env.limits.maxResourcesPerApi}) for this API`); // unverified
    }
    applyFields(definition, route, request.body);
    definition.routes.push(route);
  });
  return { statusCode: 201, body: route };
}

export function routeOperations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  const base = '/v2/apis/{apiId}/routes';
  return [
    { name: 'CreateRoute', method: 'POST', uri: base, handler: (request) => createRoute(ctx, request) },
    {
      name: 'GetRoutes', method: 'GET', uri: base,
      handler: async (request) => ({ statusCode: 200, body: paginateV2((await readApi(ctx, request.params.apiId)).routes, request.query) }),
    },
    {
      name: 'GetRoute', method: 'GET', uri: `${base}/{routeId}`,
      handler: async (request) => ({ statusCode: 200, body: routeOf(ctx, await readApi(ctx, request.params.apiId), request.params.routeId) }),
    },
    {
      name: 'UpdateRoute', method: 'PATCH', uri: `${base}/{routeId}`,
      handler: async (request) => {
        const route = await mutateApi(ctx, request.params.apiId, (definition) => {
          const found = routeOf(ctx, definition, request.params.routeId);
          applyFields(definition, found, request.body);
          return found;
        });
        return { statusCode: 200, body: route };
      },
    },
    {
      name: 'DeleteRoute', method: 'DELETE', uri: `${base}/{routeId}`,
      handler: async (request) => {
        await mutateApi(ctx, request.params.apiId, (definition) => {
          routeOf(ctx, definition, request.params.routeId);
          definition.routes = definition.routes.filter((route) => route.routeId !== request.params.routeId);
        });
        return { statusCode: 204 };
      },
    },
  ];
}
