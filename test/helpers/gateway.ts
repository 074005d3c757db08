// A whole Archway (real listener, in-memory store, port 0) for data-plane tests, with APIs
// created the way a user creates them: `deploy` turns a RestApiDefinition (from `buildApi`)
// into apigateway calls through the AWS SDK (CreateRestApi with a `_custom_id_`, resources,
// methods, integrations, gateway responses) and CreateDeployment. Redeploying the same id
// replaces the API's resources and repoints the stage. Every data-plane request log entry is
// kept in `logs`.
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, DeleteMethodCommand, DeleteMethodResponseCommand, DeleteResourceCommand, DeleteStageCommand,
  GetResourcesCommand, GetStageCommand, PutGatewayResponseCommand, PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand,
  PutMethodResponseCommand, UpdateStageCommand, type APIGatewayClient, type PatchOperation,
} from '@aws-sdk/client-api-gateway';
import type { RunningArchway } from '../../src/main.js';
import type { RequestLogEntry } from '../../src/data-plane/data-plane.js';
import type { MethodResponse, Resource, RestApiDefinition } from '../../src/model/rest-api.js';
import { DEFAULT_OPTIONS, type ArchwayOptions } from '../../src/options/options.js';
import { startArchway } from './archway.js';

export interface TestGateway {
  url: string;
  archway: RunningArchway;
  apigateway: APIGatewayClient;
  logs: RequestLogEntry[];
  /** `http://127.0.0.1:{port}/_aws/execute-api/{apiId}/{stage}{path}` */
  invokeUrl(apiId: string, stage: string, path?: string): string;
  /** Creates (or replaces) the API and deploys it to the stage; returns the deployment id. */
  deploy(definition: RestApiDefinition, stageName: string, options?: { variables?: Record<string, string> }): Promise<string>;
  /** Replaces the stage variables (UpdateStage). */
  setStageVariables(apiId: string, stageName: string, variables: Record<string, string>): Promise<void>;
  deleteStage(apiId: string, stageName: string): Promise<void>;
  close(): Promise<void>;
}

export async function startGateway(options: { limits?: Partial<ArchwayOptions['limits']> } = {}): Promise<TestGateway> {
  const logs: RequestLogEntry[] = [];
  const test = await startArchway({ limits: { ...DEFAULT_OPTIONS.limits, ...options.limits } }, { onRequestLogged: (entry) => logs.push(entry) });
  const { apigateway, running: archway } = test;
  const created = new Set<string>();
  const settled = () => archway.dataPlane.deployments.settled();
  return {
    url: archway.endpoint,
    archway,
    apigateway,
    logs,
    invokeUrl: (apiId, stage, path = '/') => `${archway.endpoint}/_aws/execute-api/${apiId}/${stage}${path}`,
    async deploy(definition, stageName, deployOptions = {}) {
      const restApiId = definition.api.id;
      const rootId = created.has(restApiId) ? await clearApi(apigateway, restApiId) : await createApi(apigateway, definition);
      created.add(restApiId);
      await putResources(apigateway, restApiId, rootId, definition);
      for (const response of Object.values(definition.gatewayResponses)) {
        if (response) await apigateway.send(new PutGatewayResponseCommand({ restApiId, ...response }));
      }
      const deployment = await apigateway.send(new CreateDeploymentCommand({ restApiId, stageName, variables: deployOptions.variables }));
      await settled();
      return deployment.id!;
    },
    async setStageVariables(apiId, stageName, variables) {
      const stage = await apigateway.send(new GetStageCommand({ restApiId: apiId, stageName }));
      const patchOperations: PatchOperation[] = Object.keys(stage?.variables ?? {}).map((name) => ({ op: 'remove', path: `/variables/${name}` }));
      for (const [name, value] of Object.entries(variables)) patchOperations.push({ op: 'replace', path: `/variables/${name}`, value });
      await apigateway.send(new UpdateStageCommand({ restApiId: apiId, stageName, patchOperations }));
      await settled();
    },
    async deleteStage(apiId, stageName) {
      await apigateway.send(new DeleteStageCommand({ restApiId: apiId, stageName }));
      await settled();
    },
    close: () => test.stop(),
  };
}

async function createApi(client: APIGatewayClient, definition: RestApiDefinition): Promise<string> {
  const { api } = definition;
  const created = await client.send(new CreateRestApiCommand({
    name: api.name,
    binaryMediaTypes: api.binaryMediaTypes,
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
    tags: { _custom_id_: api.id },
  }));
  return created.rootResourceId!;
}

/** Deletes every resource but the root, and the root's methods; returns the root's id. */
async function clearApi(client: APIGatewayClient, restApiId: string): Promise<string> {
  const { items = [] } = await client.send(new GetResourcesCommand({ restApiId, limit: 500, embed: ['methods'] }));
  const root = items.find((resource) => resource.path === '/')!;
  for (const verb of Object.keys(root.resourceMethods ?? {})) await client.send(new DeleteMethodCommand({ restApiId, resourceId: root.id!, httpMethod: verb }));
  for (const child of items.filter((resource) => resource.parentId === root.id)) {
    await client.send(new DeleteResourceCommand({ restApiId, resourceId: child.id! }));
  }
  return root.id!;
}

async function putResources(client: APIGatewayClient, restApiId: string, rootId: string, definition: RestApiDefinition): Promise<void> {
  const ids = new Map<string, string>();
  const resources = Object.values(definition.resources).sort((a, b) => depth(a) - depth(b));
  for (const resource of resources) {
    if (resource.path === '/') ids.set(resource.id, rootId);
    else {
      const made = await client.send(new CreateResourceCommand({ restApiId, parentId: ids.get(resource.parentId!)!, pathPart: resource.pathPart! }));
      ids.set(resource.id, made.id!);
    }
    const resourceId = ids.get(resource.id)!;
    for (const [httpMethod, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (!method) continue;
      const integration = method.methodIntegration;
      await client.send(new PutMethodCommand({
        restApiId, resourceId, httpMethod,
        authorizationType: method.authorizationType, apiKeyRequired: method.apiKeyRequired,
        requestParameters: declaredParameters(method.requestParameters, integration?.requestParameters),
      }));
      const methodResponses = method.methodResponses ?? {};
      for (const response of Object.values(declaredResponses(methodResponses, integration?.integrationResponses ?? {}))) {
        await client.send(new PutMethodResponseCommand({ restApiId, resourceId, httpMethod, ...response }));
      }
      if (integration === undefined) continue;
      const { httpMethod: integrationHttpMethod, integrationResponses, ...fields } = integration;
      // Templates may be null (a content type without one), as the API allows.
      const requestTemplates = fields.requestTemplates as Record<string, string> | undefined;
      await client.send(new PutIntegrationCommand({ restApiId, resourceId, httpMethod, integrationHttpMethod, ...fields, requestTemplates }));
      for (const response of Object.values(integrationResponses ?? {})) {
        const responseTemplates = response.responseTemplates as Record<string, string> | undefined;
        await client.send(new PutIntegrationResponseCommand({ restApiId, resourceId, httpMethod, ...response, responseTemplates }));
        if (!Object.hasOwn(methodResponses, response.statusCode)) {
          await client.send(new DeleteMethodResponseCommand({ restApiId, resourceId, httpMethod, statusCode: response.statusCode }));
        }
      }
    }
  }
}

/** The method's request parameters plus every one the integration maps from (not required). */
function declaredParameters(declared: Record<string, boolean> | undefined, mapped: Record<string, string> | undefined): Record<string, boolean> | undefined {
  const parameters = { ...declared };
  for (const source of Object.values(mapped ?? {})) {
    if (/^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.[^.]+$/.test(source)) parameters[source] ??= false;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

/**
 * The method responses as given, plus what the control plane requires before an integration
 * response may use them: one per integration-response status (deleted again afterwards when
 * the definition has none, as a user can) and each header it maps.
 */
function declaredResponses(
  methodResponses: Record<string, MethodResponse>, integrationResponses: Record<string, { statusCode: string; responseParameters?: Record<string, string> }>,
): Record<string, MethodResponse> {
  const declared = structuredClone(methodResponses);
  for (const response of Object.values(integrationResponses)) {
    const target = (declared[response.statusCode] ??= { statusCode: response.statusCode });
    for (const name of Object.keys(response.responseParameters ?? {})) {
      target.responseParameters ??= {};
      if (!Object.hasOwn(target.responseParameters, name)) target.responseParameters[name] = false;
    }
  }
  return declared;
}

const depth = (resource: Resource) => (resource.path === '/' ? 0 : resource.path.split('/').length);
