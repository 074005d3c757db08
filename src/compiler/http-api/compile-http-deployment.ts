// HTTP API deployment snapshot → frozen CompiledHttpDeployment: the route table in AWS's
// priority, per route its integration (URI template, function, parameter mappings, dispatcher)
// and authorizer, and the CORS configuration, compiled once. A stage (compileHttpStage) adds the
// stage variables and, per route, its throttle (`routeSettings[routeKey]` over
// `defaultRouteSettings` over the account's limits) and steps; a stage change reuses the
// compiled deployment.
import type { HttpApiDefinition, HttpAuthorizer, HttpIntegration, HttpRoute, HttpStageRecord, RouteSettings } from '../../model/http-api.js';
import { compileHttpLambdaAuthorizer, type CompiledHttpLambdaAuthorizer } from '../../data-plane/http-api/lambda-authorizer.js';
import { DEFAULT_KEY } from '../../model/http-api.js';
import { HttpRouter } from '../../routing/http-router.js';
import { FunctionReference, functionOfIntegrationUri } from '../../functions/arn.js';
import { UriTemplate } from '../uri-template.js';
import { jwtTokenSource } from '../../auth/jwt-authorizer.js';
import { compileCors } from '../../data-plane/http-api/cors.js';
import { compileRequestMapping, compileResponseMapping } from '../http-parameter-mapping.js';
import { HTTP_STAGE_STEPS, planRouteSteps } from '../../data-plane/http-api/http-pipeline.js';
import type { IntegrationRegistry } from '../../integrations/index.js';
import type { CompiledHttpDeployment, CompiledHttpRoute, CompiledHttpStage, HttpIntegrationPlan, HttpRoutePlan } from './types.js';

export interface HttpCompileOptions {
  integrations?: IntegrationRegistry;
}

export function compileHttpDeployment(snapshot: HttpApiDefinition, deploymentId: string, options: HttpCompileOptions = {}): CompiledHttpDeployment {
  const integrations = new Map(snapshot.integrations.map((integration) => [integration.integrationId, integration]));
  // Each Lambda authorizer compiled once, shared by its routes.
  const lambdaAuthorizers = new Map(snapshot.authorizers
    .filter((authorizer) => authorizer.authorizerType === 'REQUEST')
    .map((authorizer) => [authorizer.authorizerId, compileHttpLambdaAuthorizer(authorizer, options.integrations)]));
  const routes: CompiledHttpRoute[] = snapshot.routes.map((route, index) => compileRoute(snapshot, route, index, { integrations, lambdaAuthorizers }, options));
  const router = HttpRouter.build(routes.map((route) => [route.routeKey, route] as const));
  const cors = snapshot.api.corsConfiguration;
  return Object.freeze({
    kind: 'http',
    apiId: snapshot.api.apiId,
    deploymentId,
    api: Object.freeze({ ...snapshot.api }),
    router,
    routes: Object.freeze(routes),
    cors: cors === undefined ? undefined : compileCors(cors),
    authorizedDefaultRoute: routes.some((route) => route.routeKey === DEFAULT_KEY && route.authorizationType !== 'NONE'),
  });
}

function compileRoute(
  snapshot: HttpApiDefinition,
  route: HttpRoute,
  index: number,
  shared: { integrations: ReadonlyMap<string, HttpIntegration>; lambdaAuthorizers: ReadonlyMap<string, CompiledHttpLambdaAuthorizer> },
  options: HttpCompileOptions,
): CompiledHttpRoute {
  const integrations = shared.integrations;
  const integrationId = route.target?.startsWith('integrations/') === true ? route.target.slice('integrations/'.length) : undefined;
  const integration = integrationId === undefined ? undefined : integrations.get(integrationId);
  const authorizer = route.authorizerId === undefined ? undefined : snapshot.authorizers.find((candidate) => candidate.authorizerId === route.authorizerId);
  const plan = integration === undefined ? undefined : compileIntegration(integration, options);
  const space = route.routeKey.indexOf(' ');
  const jwtSource = authorizer?.authorizerType === 'JWT' ? jwtTokenSource(authorizer.identitySource) : undefined;
  const jwt = jwtSource === undefined || authorizer === undefined
    ? undefined
    : Object.freeze({ config: Object.freeze({ issuer: authorizer.jwtConfiguration?.issuer ?? '', audience: Object.freeze([...(authorizer.jwtConfiguration?.audience ?? [])]) }), source: jwtSource });
  return Object.freeze({
    index,
    routeId: route.routeId,
    routeKey: route.routeKey,
    routePath: route.routeKey === DEFAULT_KEY || space === -1 ? route.routeKey : route.routeKey.slice(space + 1),
    greedyName: /\{([^}]+)\+\}$/.exec(route.routeKey)?.[1],
    target: route.target,
    integration: plan,
    configurationError: configurationError(route, plan, authorizer) ?? (route.authorizationType === 'JWT' && jwt === undefined ? 'the JWT authorizer\'s identity source is not a header or query string' : undefined),
    authorizationType: route.authorizationType,
    authorizer: authorizer === undefined ? undefined : Object.freeze({ ...authorizer }),
    authorizationScopes: Object.freeze([...(route.authorizationScopes ?? [])]),
    jwt,
    lambdaAuthorizer: route.authorizationType === 'CUSTOM' && route.authorizerId !== undefined ? shared.lambdaAuthorizers.get(route.authorizerId) : undefined,
  });
}

function compileIntegration(integration: HttpIntegration, options: HttpCompileOptions): HttpIntegrationPlan {
  const uri = integration.integrationUri ?? '';
  const lambda = integration.integrationType === 'AWS_PROXY';
  const method = integration.integrationMethod?.toUpperCase();
  const responseMapping = integration.responseParameters === undefined ? undefined : compileResponseMapping(integration.responseParameters);
  // `$response.body…` needs the backend's body in memory: such an integration is called buffered.
  const buffered = !lambda && responseMapping !== undefined && Object.keys(integration.responseParameters ?? {}).some((status) => responseMapping.readsBody(Number(status)));
  return Object.freeze({
    type: integration.integrationType,
    payloadFormatVersion: integration.payloadFormatVersion,
    method: method === undefined || method === 'ANY' ? undefined : method,
    uri: lambda ? undefined : UriTemplate.compile(uri),
    functionRef: lambda ? FunctionReference.compile(functionOfIntegrationUri(uri) ?? uri) : undefined,
    timeoutMs: integration.timeoutInMillis,
    requestMapping: integration.requestParameters === undefined ? undefined : compileRequestMapping(integration.requestParameters),
    responseMapping,
    dispatcher: options.integrations?.dispatcherFor(buffered ? 'HTTP' : integration.integrationType, { insecureTls: false }),
  });
}

/** A route the deployment cannot serve; the control plane refuses most of these, an import may not. */
function configurationError(route: HttpRoute, integration: HttpIntegrationPlan | undefined, authorizer: HttpAuthorizer | undefined): string | undefined {
  if (integration === undefined) return `route target ${route.target ?? 'none'} is not an integration of this API`;
  if (integration.dispatcher === undefined) return `integration type ${integration.type} is not supported here`;
  if (route.authorizationType !== 'JWT' && route.authorizationType !== 'CUSTOM') return undefined;
  if (authorizer === undefined) return `route authorizer ${route.authorizerId ?? 'none'} does not exist`;
  const expected = route.authorizationType === 'JWT' ? 'JWT' : 'REQUEST';
  return authorizer.authorizerType === expected ? undefined : `a ${route.authorizationType} route needs a ${expected} authorizer, not ${authorizer.authorizerType}`;
}

/** A stage of a compiled deployment: per route, its throttle and steps. */
export function compileHttpStage(deployment: CompiledHttpDeployment, stage: Pick<HttpStageRecord, 'stageName' | 'stageVariables' | 'defaultRouteSettings' | 'routeSettings'>, account: { rate: number; burst: number }): CompiledHttpStage {
  const routes: HttpRoutePlan[] = deployment.routes.map((route) => {
    const settings: RouteSettings = { ...stage.defaultRouteSettings, ...(Object.hasOwn(stage.routeSettings, route.routeKey) ? stage.routeSettings[route.routeKey] : {}) };
    const throttle = Object.freeze({
      bucket: `http:${deployment.apiId}:${stage.stageName}:${route.routeKey}`,
      limits: Object.freeze({ rate: settings.throttlingRateLimit ?? account.rate, burst: settings.throttlingBurstLimit ?? account.burst }),
    });
    return Object.freeze({ ...route, throttle, steps: planRouteSteps(route) });
  });
  return Object.freeze({
    kind: 'http',
    apiId: deployment.apiId,
    stageName: stage.stageName,
    deploymentId: deployment.deploymentId,
    deployment,
    // Prototype-less, so that `${stageVariables.constructor}` is an unset variable, not Object.
    variables: Object.freeze(Object.assign(Object.create(null) as Record<string, string>, stage.stageVariables)),
    steps: HTTP_STAGE_STEPS,
    routes: Object.freeze(routes),
  });
}
