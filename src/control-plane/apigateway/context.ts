// What every apigateway operation module gets, and the lookups they share: the working
// copy of an API, its resources, methods and integrations, each with AWS's NotFound text
// (recorded in LocalStack's AWS snapshots,
// tests/aws/services/apigateway/test_apigateway_api.snapshot.json).
import { AwsServiceError, badRequest, limitExceeded, notFound } from '../../aws/errors.js';
import type { ConfigStore } from '../../store/config-store.js';
import type { GatewayEnvironment } from '../../options/gateway-environment.js';
import type { DataPlane } from '../../data-plane/data-plane.js';
import type { HttpMethod, Integration, Method, Resource, RestApiDefinition } from '../../model/rest-api.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import { isPlainPolicy, storedPolicy } from '../../auth/stored-policy.js';
import { apiArn } from '../../auth/resource-policy.js';

export interface ApiGatewayContext {
  /** Every write publishes its change on the store's feed, which the data plane follows. */
  store: ConfigStore;
  env: GatewayEnvironment;
  /** testInvokeMethod runs its pipeline; CreateDeployment offers it the deployment it compiled. */
  dataPlane: DataPlane;
  /** Seals API key values before they are stored, opens them for `includeValue(s)`. */
  secrets: SecretBox;
}

export const apiNotFound = (env: GatewayEnvironment, restApiId: string) =>
  notFound(`Invalid API identifier specified ${env.accountId}:${restApiId}`);
export const resourceNotFound = () => notFound('Invalid Resource identifier specified');
export const methodNotFound = () => notFound('Invalid Method identifier specified');
export const integrationNotFound = () => notFound('Invalid Integration identifier specified');
export const responseNotFound = () => notFound('Invalid Response status code specified');

/** Reads the working copy, or throws `missing()` (API-level ops: the API message). */
export async function readDefinition(
  ctx: ApiGatewayContext,
  restApiId: string,
  missing: () => AwsServiceError = () => apiNotFound(ctx.env, restApiId),
): Promise<RestApiDefinition> {
  const definition = await ctx.store.getDefinition(restApiId);
  if (!definition) throw missing();
  return definition;
}

/** Atomic read-modify-write of the working copy; a throw inside `mutate` writes nothing. */
export async function mutateDefinition<T>(
  ctx: ApiGatewayContext,
  restApiId: string,
  mutate: (definition: RestApiDefinition) => T,
  missing: () => AwsServiceError = () => apiNotFound(ctx.env, restApiId),
): Promise<T> {
  const outcome = await ctx.store.updateDefinition(restApiId, (definition) => {
    const result = mutate(definition);
    storePolicy(ctx.env, definition);
    checkDefinitionSize(ctx.env, definition);
    return result;
  });
  if (!outcome) throw missing();
  return outcome.result;
}

/** A policy just written (plain JSON) put in the form AWS stores and answers, under the API's id. */
export function storePolicy(env: GatewayEnvironment, definition: RestApiDefinition): void {
  const policy = definition.api.policy;
  if (policy !== undefined && isPlainPolicy(policy)) definition.api.policy = storedPolicy(policy, apiArn(env.region, env.accountId, definition.api.id));
}

/** The definition fits `--max-api-definition-bytes` (a throw inside a store write writes nothing). */
export function checkDefinitionSize(env: GatewayEnvironment, definition: RestApiDefinition): void {
  const bytes = Buffer.byteLength(JSON.stringify(definition));
  if (bytes > env.limits.maxApiDefinitionBytes) {
    throw badRequest(`The REST API definition would be ${bytes} bytes, over the ${env.limits.maxApiDefinitionBytes}-byte limit`); // Archway's own limit
  }
}

/** One more REST API fits `--max-rest-apis`. */
export async function checkApiQuota(ctx: ApiGatewayContext): Promise<void> {
  if ((await ctx.store.listRestApiIds()).length >= ctx.env.limits.maxRestApis) {
    throw limitExceeded(`Exceeded the maximum number of REST APIs (${ctx.env.limits.maxRestApis}) for this account`); // unverified wording
  }
}

export function resourceOf(definition: RestApiDefinition, resourceId: string): Resource {
  const resource = Object.hasOwn(definition.resources, resourceId) ? definition.resources[resourceId] : undefined;
  if (!resource) throw resourceNotFound();
  return resource;
}

export function methodOf(resource: Resource, httpMethod: string): Method {
  const method = resource.resourceMethods && Object.hasOwn(resource.resourceMethods, httpMethod)
    ? resource.resourceMethods[httpMethod as HttpMethod]
    : undefined;
  if (!method) throw methodNotFound();
  return method;
}

export function integrationOf(method: Method): Integration {
  if (!method.methodIntegration) throw integrationNotFound();
  return method.methodIntegration;
}

/** Resource-scoped operations answer an unknown API with the resource message (recorded). */
export const resourceScoped = () => resourceNotFound();
