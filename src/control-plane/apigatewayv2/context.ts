// What every apigatewayv2 operation module gets, and the lookups they share: the working copy of
// an HTTP API and its routes, integrations and authorizers, with AWS's NotFound texts ("Invalid
// API identifier specified {account}:{apiId}", as AWS answers GetApi; the other kinds' texts
// follow the same pattern, unverified), and auto-deploy: a change to an API with auto-deploying
// stages deploys it at once (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html).
import { badRequest, notFound } from '../../aws/errors.js';
import { shortId } from '../../aws/ids.js';
import type { GatewayEnvironment } from '../../options/gateway-environment.js';
import type { ConfigStore } from '../../store/config-store.js';
import type { HttpApiDefinition, HttpAuthorizer, HttpDeploymentRecord, HttpIntegration, HttpRoute } from '../../model/http-api.js';
import type { OperationRequest } from '../route-table.js';

export interface ApiGatewayV2Context {
  store: ConfigStore;
  env: GatewayEnvironment;
  /** The scheme callers reach this Archway with (`apiEndpoint`). */
  scheme: 'http' | 'https';
}

export const apiNotFound = (env: GatewayEnvironment, apiId: string) => notFound(`Invalid API identifier specified ${env.accountId}:${apiId}`);
export const routeNotFound = (env: GatewayEnvironment, apiId: string, routeId: string) =>
  notFound(`Invalid Route identifier specified ${env.accountId}:${apiId}:${routeId}`); // unverified
export const integrationNotFound = (env: GatewayEnvironment, apiId: string, integrationId: string) =>
  notFound(`Invalid Integration identifier specified ${env.accountId}:${apiId}:${integrationId}`); // unverified
export const authorizerNotFound = (env: GatewayEnvironment, apiId: string, authorizerId: string) =>
  notFound(`Invalid Authorizer identifier specified ${env.accountId}:${apiId}:${authorizerId}`); // unverified
export const stageNotFound = (env: GatewayEnvironment, apiId: string, stageName: string) =>
  notFound(`Invalid stage identifier specified ${env.accountId}:${apiId}:${stageName}`); // unverified
export const deploymentNotFound = (env: GatewayEnvironment, apiId: string, deploymentId: string) =>
  notFound(`Invalid Deployment identifier specified ${env.accountId}:${apiId}:${deploymentId}`); // unverified

export const newRouteId = () => shortId(7);
export const newIntegrationId = () => shortId(7);
export const newAuthorizerId = () => shortId(6);

/** ISO-8601 with milliseconds, apigatewayv2's timestamp format. */
export const isoNow = (): string => new Date().toISOString();

export async function readApi(ctx: ApiGatewayV2Context, apiId: string): Promise<HttpApiDefinition> {
  const definition = await ctx.store.httpApis.getApi(apiId);
  if (definition === undefined) throw apiNotFound(ctx.env, apiId);
  return definition;
}

/**
 * Atomic read-modify-write of the working copy (a throw inside `mutate` writes nothing), then
 * the auto-deploy of every stage that asks for it.
 */
export async function mutateApi<T>(ctx: ApiGatewayV2Context, apiId: string, mutate: (definition: HttpApiDefinition) => T): Promise<T> {
  const outcome = await ctx.store.httpApis.updateApi(apiId, mutate);
  if (outcome === undefined) throw apiNotFound(ctx.env, apiId);
  await autoDeploy(ctx, apiId);
  return outcome.result;
}

/** Deploys the working copy to the auto-deploying stages, when the API has any. */
export async function autoDeploy(ctx: ApiGatewayV2Context, apiId: string): Promise<void> {
  const stages = await ctx.store.httpApis.listStages(apiId);
  if (!stages.some((stage) => stage.autoDeploy)) return;
  await deploy(ctx, apiId, { autoDeployed: true }, (stage) => stage.autoDeploy);
}

/** Snapshots the working copy as a new deployment and points the stages `repoint` picks at it. */
export async function deploy(
  ctx: ApiGatewayV2Context,
  apiId: string,
  fields: { autoDeployed: boolean; description?: string },
  repoint: Parameters<ConfigStore['httpApis']['createDeployment']>[1],
): Promise<HttpDeploymentRecord> {
  const snapshot = await readApi(ctx, apiId);
  const record: HttpDeploymentRecord = {
    deploymentId: shortId(6),
    deploymentStatus: 'DEPLOYED',
    autoDeployed: fields.autoDeployed,
    createdDate: isoNow(),
    ...(fields.description !== undefined && { description: fields.description }),
    apiId,
    snapshot,
  };
  if (!(await ctx.store.httpApis.createDeployment(record, repoint))) throw apiNotFound(ctx.env, apiId);
  return record;
}

export function routeOf(ctx: ApiGatewayV2Context, definition: HttpApiDefinition, routeId: string): HttpRoute {
  const route = definition.routes.find((candidate) => candidate.routeId === routeId);
  if (route === undefined) throw routeNotFound(ctx.env, definition.api.apiId, routeId);
  return route;
}

export function integrationOf(ctx: ApiGatewayV2Context, definition: HttpApiDefinition, integrationId: string): HttpIntegration {
  const integration = definition.integrations.find((candidate) => candidate.integrationId === integrationId);
  if (integration === undefined) throw integrationNotFound(ctx.env, definition.api.apiId, integrationId);
  return integration;
}

export function authorizerOf(ctx: ApiGatewayV2Context, definition: HttpApiDefinition, authorizerId: string): HttpAuthorizer {
  const authorizer = definition.authorizers.find((candidate) => candidate.authorizerId === authorizerId);
  if (authorizer === undefined) throw authorizerNotFound(ctx.env, definition.api.apiId, authorizerId);
  return authorizer;
}

/** `apiEndpoint`: where this Archway serves the API (AWS: `https://{apiId}.execute-api.{region}.amazonaws.com`). */
export function apiEndpoint(ctx: ApiGatewayV2Context, request: OperationRequest, apiId: string): string {
  const host = request.headers.host ?? 'localhost';
  return `${ctx.scheme}://${host}/_aws/execute-api/${apiId}`;
}

/** A required member that is missing (apigatewayv2's wording, unverified). */
export function required(value: unknown, member: string): void {
  if (value === undefined || value === null) throw badRequest(`Invalid input: ${member} is required`); // unverified
}

