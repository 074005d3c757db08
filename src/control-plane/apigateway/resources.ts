// Resources: CreateResource, GetResource(s), UpdateResource, DeleteResource — the REST API's
// path tree. https://docs.aws.amazon.com/apigateway/latest/api/API_CreateResource.html
// Messages recorded (LocalStack AWS snapshots) unless marked unverified.
import { badRequest, conflict, limitExceeded } from '../../aws/errors.js';
import { newResourceId } from '../../aws/ids.js';
import type { Resource, RestApiDefinition } from '../../model/rest-api.js';
import type { GatewayEnvironment } from '../../options/gateway-environment.js';
import type { OperationDefinition } from '../route-table.js';
import { mutateDefinition, readDefinition, resourceOf, resourceScoped, type ApiGatewayContext } from './context.js';
import { paginate } from './paging.js';
import { readPatchOperations, requireReplaceOf, type PatchOperation } from './patch.js';
import { resourceOut, sortedResources } from './serialize.js';
import { nullError, optString, throwIfErrors } from './validation.js';

/** Text from AWS/LocalStack ("only allow a-zA-Z0-9._- and curly braces ..."); pattern follows it. */
const PATH_PART = /^(?:[A-Za-z0-9._-]+|\{[A-Za-z0-9._-]+\+?\})$/;

export const isVariable = (pathPart: string | undefined): boolean => pathPart?.startsWith('{') ?? false;
export const isGreedy = (pathPart: string | undefined): boolean => pathPart?.endsWith('+}') ?? false;

function checkPathPart(pathPart: string): void {
  if (!PATH_PART.test(pathPart)) {
    throw badRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
    );
  }
}

/** The rules for a resource named `pathPart` under `parent` (ignoring `selfId` when moving). */
function checkPlacement(definition: RestApiDefinition, parent: Resource, pathPart: string, selfId?: string): void {
  if (isGreedy(parent.pathPart)) throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
  for (const sibling of Object.values(definition.resources)) {
    if (sibling.parentId !== parent.id || sibling.id === selfId) continue;
    if (sibling.pathPart === pathPart) throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    if (isVariable(pathPart) && isVariable(sibling.pathPart)) {
      throw badRequest(`A sibling (${sibling.pathPart}) of this resource already has a variable path part -- only one is allowed`);
    }
  }
}

const joinPath = (parentPath: string, pathPart: string) => (parentPath === '/' ? `/${pathPart}` : `${parentPath}/${pathPart}`);

function descendants(definition: RestApiDefinition, id: string): Resource[] {
  const out: Resource[] = [];
  const queue = [id];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const r of Object.values(definition.resources)) {
      if (r.parentId === current) {
        out.push(r);
        queue.push(r.id);
      }
    }
  }
  return out;
}

/** Recomputes `path` of a resource and everything under it (after a move or rename). */
function repath(definition: RestApiDefinition, resource: Resource): void {
  const parent = resource.parentId ? definition.resources[resource.parentId] : undefined;
  if (parent && resource.pathPart !== undefined) resource.path = joinPath(parent.path, resource.pathPart);
  for (const child of Object.values(definition.resources)) if (child.parentId === resource.id) repath(definition, child);
}

export function embedsMethods(query: URLSearchParams): boolean {
  return query.getAll('embed').flatMap((v) => v.split(',')).some((v) => v.trim() === 'methods');
}

/**
 * CreateResource on the working copy. `preferredId` (imports only) keeps a resource's id
 * when an overwrite re-creates the same path, as AWS does (LocalStack snapshot note).
 */
export function createResource(definition: RestApiDefinition, env: GatewayEnvironment, parentId: string, pathPart: string, preferredId?: string): Resource {
  const parent = resourceOf(definition, parentId);
  checkPathPart(pathPart);
  checkPlacement(definition, parent, pathPart);
  if (Object.keys(definition.resources).length >= env.limits.maxResourcesPerApi) {
    throw limitExceeded(`Exceeded the maximum number of resources (${env.limits.maxResourcesPerApi}) for this REST API`); // unverified
  }
  let id = preferredId !== undefined && !Object.hasOwn(definition.resources, preferredId) ? preferredId : newResourceId();
  while (Object.hasOwn(definition.resources, id)) id = newResourceId();
  const created: Resource = { id, parentId: parent.id, pathPart, path: joinPath(parent.path, pathPart) };
  definition.resources[id] = created;
  return created;
}

/** UpdateResource: rename or move, then re-derive the paths below. */
export function updateResource(definition: RestApiDefinition, resourceId: string, operations: readonly PatchOperation[]): Resource {
  const target = resourceOf(definition, resourceId);
  for (const operation of operations) {
    const path = requireReplaceOf(operation, ['/parentId', '/pathPart']);
    const isRoot = target.parentId === undefined;
    if (path === '/pathPart') {
      if (isRoot) throw badRequest('Root resource cannot update its pathPart.');
      const pathPart = operation.value ?? '';
      checkPathPart(pathPart);
      checkPlacement(definition, resourceOf(definition, target.parentId as string), pathPart, target.id);
      target.pathPart = pathPart;
    } else {
      if (isRoot) throw badRequest('Root resource cannot update its parentId.');
      const parent = resourceOf(definition, operation.value ?? '');
      if (parent.id === target.id || descendants(definition, target.id).some((d) => d.id === parent.id)) {
        throw badRequest('Resources cannot be cyclical.');
      }
      checkPlacement(definition, parent, target.pathPart as string, target.id);
      target.parentId = parent.id;
    }
  }
  repath(definition, target);
  return target;
}

/** DeleteResource: the resource and everything under it. */
export function deleteResource(definition: RestApiDefinition, resourceId: string): void {
  const target = resourceOf(definition, resourceId);
  if (target.parentId === undefined) throw badRequest('Cannot delete root resource'); // unverified
  for (const r of descendants(definition, target.id)) delete definition.resources[r.id];
  delete definition.resources[target.id];
}

export function resourceOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateResource',
      method: 'POST',
      uri: '/restapis/{restapi_id}/resources/{parent_id}',
      handler: async ({ params, body }) => {
        const pathPart = optString(body, 'pathPart');
        if (pathPart === undefined) throwIfErrors([nullError('createResourceInput.pathPart')]); // unverified
        const resource = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          createResource(definition, ctx.env, params.parent_id, pathPart as string), resourceScoped);
        return { statusCode: 201, body: resourceOut(resource) };
      },
    },
    {
      name: 'GetResources',
      method: 'GET',
      uri: '/restapis/{restapi_id}/resources',
      handler: async ({ params, query }) => {
        const definition = await readDefinition(ctx, params.restapi_id);
        const embed = embedsMethods(query);
        return { statusCode: 200, body: paginate(sortedResources(definition).map((r) => resourceOut(r, embed)), query) };
      },
    },
    {
      name: 'GetResource',
      method: 'GET',
      uri: '/restapis/{restapi_id}/resources/{resource_id}',
      handler: async ({ params, query }) => {
        const definition = await readDefinition(ctx, params.restapi_id, resourceScoped);
        return { statusCode: 200, body: resourceOut(resourceOf(definition, params.resource_id), embedsMethods(query)) };
      },
    },
    {
      name: 'UpdateResource',
      method: 'PATCH',
      uri: '/restapis/{restapi_id}/resources/{resource_id}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateResourceInput', errors);
        throwIfErrors(errors);
        const resource = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          updateResource(definition, params.resource_id, operations), resourceScoped);
        return { statusCode: 200, body: resourceOut(resource) };
      },
    },
    {
      name: 'DeleteResource',
      method: 'DELETE',
      uri: '/restapis/{restapi_id}/resources/{resource_id}',
      handler: async ({ params }) => {
        await mutateDefinition(ctx, params.restapi_id, (definition) => deleteResource(definition, params.resource_id), resourceScoped);
        return { statusCode: 202 };
      },
    },
  ];
}
