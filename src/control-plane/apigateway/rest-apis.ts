// RestApis: CreateRestApi, GetRestApi(s), UpdateRestApi, DeleteRestApi.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateRestApi.html
// Messages: recorded (LocalStack AWS snapshots) unless marked unverified.
import { PolicyDocument, UnsupportedConditionError } from '../../auth/policy-document.js';
import { badRequest, conflict } from '../../aws/errors.js';
import { epochSeconds, newRestApiId, newRootResourceId, shortId } from '../../aws/ids.js';
import type { EndpointType, Model, RestApi, RestApiDefinition } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import { apiNotFound, checkApiQuota, mutateDefinition, readDefinition, storePolicy, type ApiGatewayContext } from './context.js';
import { paginate } from './paging.js';
import { invalidPatchOp, invalidPatchPath, keyAfter, readPatchOperations, type PatchOperation } from './patch.js';
import { restApiOut } from './serialize.js';
import {
  enumError, nullError, optBoolean, optObject, optString, optStringList, optStringMap, patchBoolean, throwIfErrors, validationException,
} from './validation.js';

const ENDPOINT_TYPES: readonly string[] = ['PRIVATE', 'EDGE', 'REGIONAL'];
const IP_ADDRESS_TYPES: readonly string[] = ['ipv4', 'dualstack'];
const API_KEY_SOURCES: readonly string[] = ['HEADER', 'AUTHORIZER'];
const MAX_COMPRESSION = 10485760;
/**
 * LocalStack's convention, used by many test suites: a tag that picks the id of a new REST API
 * (and, here, of an API key or usage plan), so scripts and CI get stable ids.
 */
export const CUSTOM_ID_TAG = '_custom_id_';

/**
 * An id the caller chose (`_custom_id_`, `--api-id`) must work in every invoke URL form,
 * including the `{apiId}.execute-api.` host name: letters, digits, `-` and `_` only.
 */
export function chosenId(what: string, id: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) {
    throw badRequest(`Invalid ${what} id '${id}': a chosen id must be 1 to 128 letters, digits, '-' or '_'`); // Archway's own check
  }
  return id;
}

export const chosenRestApiId = (id: string): string => chosenId('REST API', id);

const compressionError = () => badRequest(`Invalid minimum compression size, must be between 0 and ${MAX_COMPRESSION}`);

/** The two models every new REST API has (recorded names/descriptions; schema text layout unverified). */
function defaultModels(): Record<string, Model> {
  const empty: Model = {
    id: shortId(6),
    name: 'Empty',
    description: 'This is a default empty schema model',
    contentType: 'application/json',
    schema: '{\n  "$schema": "http://json-schema.org/draft-04/schema#",\n  "title" : "Empty Schema",\n  "type" : "object"\n}',
  };
  const error: Model = {
    id: shortId(6),
    name: 'Error',
    description: 'This is a default error schema model',
    contentType: 'application/json',
    schema: '{\n  "$schema" : "http://json-schema.org/draft-04/schema#",\n  "title" : "Error Schema",\n  "type" : "object",\n  "properties" : {\n    "message" : { "type" : "string" }\n  }\n}',
  };
  return { [empty.name]: empty, [error.name]: error };
}

/**
 * A resource policy must be a policy document: statements with an Effect, an Action and a
 * Resource (or their Not forms), principals and conditions in IAM's shapes. A condition operator
 * Archway does not evaluate is accepted, as AWS accepts it; the API then answers every call 500
 * (fail closed, logged with the reason) rather than skip the policy.
 */
export function checkPolicy(policy: string): void {
  try {
    PolicyDocument.parse(policy);
  } catch (error) {
    if (error instanceof UnsupportedConditionError) return;
    throw badRequest('Invalid policy document. Please check the policy syntax and try again.'); // unverified
  }
}

function parseCompression(value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_COMPRESSION) throw compressionError();
  return n;
}

/** The RestApi a CreateRestApi body describes (`body` in AWS's wire names), validated. */
export function buildRestApi(body: Record<string, unknown>): RestApi {
  const errors: string[] = [];
  const name = optString(body, 'name');
  if (name === undefined) errors.push(nullError('createRestApiInput.name'));
  const endpoint = optObject(body, 'endpointConfiguration');
  const types = endpoint ? optStringList(endpoint, 'types') : undefined;
  const ipAddressType = endpoint ? optString(endpoint, 'ipAddressType') : undefined;
  if (types?.some((t) => !ENDPOINT_TYPES.includes(t))) {
    errors.push(`Value '[${types.join(', ')}]' at 'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${ENDPOINT_TYPES.join(', ')}]]`);
  }
  if (ipAddressType !== undefined && !IP_ADDRESS_TYPES.includes(ipAddressType)) {
    errors.push(enumError(ipAddressType, 'createRestApiInput.endpointConfiguration.ipAddressType', IP_ADDRESS_TYPES));
  }
  const apiKeySource = optString(body, 'apiKeySource');
  if (apiKeySource !== undefined && !API_KEY_SOURCES.includes(apiKeySource)) {
    errors.push(enumError(apiKeySource, 'createRestApiInput.apiKeySource', API_KEY_SOURCES)); // unverified
  }
  throwIfErrors(errors);

  const description = optString(body, 'description');
  if (description === '') throw badRequest('Description cannot be an empty string');
  let minimumCompressionSize: number | undefined;
  if (body.minimumCompressionSize !== undefined && body.minimumCompressionSize !== null) {
    minimumCompressionSize = parseCompression(body.minimumCompressionSize);
  }
  const endpointTypes = (types ?? ['EDGE']) as EndpointType[];
  if (types && types.length === 0) throw badRequest('REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.');
  if (endpointTypes.length > 1) throw badRequest('Cannot create an api with multiple Endpoint Types.');
  const isPrivate = endpointTypes[0] === 'PRIVATE';
  const ipType = ipAddressType ?? (isPrivate ? 'dualstack' : 'ipv4');
  if (isPrivate && ipType !== 'dualstack') throw badRequest('Only dualstack ipAddressType is supported for Private APIs.');
  const policy = optString(body, 'policy');
  if (policy !== undefined && policy !== '') checkPolicy(policy);
  const vpcEndpointIds = endpoint ? optStringList(endpoint, 'vpcEndpointIds') : undefined;
  const binaryMediaTypes = optStringList(body, 'binaryMediaTypes');
  const tags = optStringMap(body, 'tags');

  const api: RestApi = {
    id: tags?.[CUSTOM_ID_TAG] !== undefined ? chosenRestApiId(tags[CUSTOM_ID_TAG]) : newRestApiId(),
    name: name as string,
    createdDate: epochSeconds(),
    apiKeySource: (apiKeySource ?? 'HEADER') as RestApi['apiKeySource'],
    endpointConfiguration: { types: endpointTypes, ipAddressType: ipType, ...(vpcEndpointIds?.length ? { vpcEndpointIds } : {}) },
    disableExecuteApiEndpoint: optBoolean(body, 'disableExecuteApiEndpoint') ?? false,
    rootResourceId: newRootResourceId(),
  };
  if (description !== undefined) api.description = description;
  const version = optString(body, 'version');
  if (version !== undefined) api.version = version;
  if (binaryMediaTypes?.length) api.binaryMediaTypes = [...new Set(binaryMediaTypes)];
  if (minimumCompressionSize !== undefined) api.minimumCompressionSize = minimumCompressionSize;
  if (policy) api.policy = policy;
  if (tags && Object.keys(tags).length > 0) api.tags = tags;
  return api;
}

/** A new working copy: the API, its root resource and (CreateRestApi only) the two default models. */
export function newDefinition(api: RestApi, withDefaultModels = true): RestApiDefinition {
  return {
    api,
    resources: { [api.rootResourceId]: { id: api.rootResourceId, path: '/' } },
    models: withDefaultModels ? defaultModels() : {},
    requestValidators: {},
    gatewayResponses: {},
  };
}

/**
 * Stores a new definition, drawing another id while a random one is taken (by a REST or an
 * HTTP API); a `_custom_id_` that is taken is a conflict.
 */
export async function insertDefinition(ctx: ApiGatewayContext, definition: RestApiDefinition): Promise<RestApi> {
  const { api } = definition;
  const customId = api.tags?.[CUSTOM_ID_TAG];
  const written = api.policy;
  for (let attempt = 0; ; attempt++) {
    // The stored policy names the API's id: made again when another id is drawn.
    api.policy = written;
    storePolicy(ctx.env, definition);
    // REST and HTTP APIs share one id space (both are reached as {apiId}.execute-api).
    const takenByHttpApi = (await ctx.store.httpApis.getApi(api.id)) !== undefined;
    if (!takenByHttpApi && (await ctx.store.createDefinition(definition))) return api;
    if (customId !== undefined) throw conflict(`API with id ${customId} already exists`); // unverified (LocalStack extension)
    if (attempt > 5) throw new Error('could not allocate a REST API id');
    api.id = newRestApiId();
  }
}

async function createRestApi(ctx: ApiGatewayContext, body: Record<string, unknown>): Promise<RestApi> {
  await checkApiQuota(ctx);
  return insertDefinition(ctx, newDefinition(buildRestApi(body)));
}

/**
 * Applies one UpdateRestApi operation (recorded where noted).
 * https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateRestApi.html
 */
function patchRestApi(api: RestApi, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path === undefined) throw invalidPatchPath(path);
  const mediaType = keyAfter(path, '/binaryMediaTypes');
  if (mediaType !== undefined) {
    const list = (api.binaryMediaTypes ??= []);
    const at = list.indexOf(mediaType);
    if (op === 'add') {
      if (at === -1) list.push(mediaType);
    } else if (op === 'remove') {
      if (at !== -1) list.splice(at, 1);
    } else if (op === 'replace') {
      // recorded: [png, jpeg] replace png→gif gives [jpeg, gif]
      if (at !== -1) list.splice(at, 1);
      if (value !== undefined && !list.includes(value)) list.push(value);
    } else throw invalidPatchOp(['add', 'remove', 'replace']);
    if (list.length === 0) delete api.binaryMediaTypes;
    return;
  }
  if (path === '/endpointConfiguration/types/0' || path === '/endpointConfiguration/types') {
    if (op !== 'add' && op !== 'remove' && op !== 'replace') throw badRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'");
    if (op === 'remove') throw invalidPatchPath(path);
    if (value === undefined || !ENDPOINT_TYPES.includes(value)) throw badRequest('Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE');
    api.endpointConfiguration.types = [value as EndpointType];
    return;
  }
  const vpcEndpointId = keyAfter(path, '/endpointConfiguration/vpcEndpointIds');
  if (path === '/endpointConfiguration/vpcEndpointIds' || vpcEndpointId !== undefined) {
    const id = vpcEndpointId ?? value;
    const list = (api.endpointConfiguration.vpcEndpointIds ??= []);
    if (id === undefined) throw invalidPatchPath(path);
    if (op === 'add' || op === 'replace') {
      if (!list.includes(id)) list.push(id);
    } else if (op === 'remove') {
      const at = list.indexOf(id);
      if (at !== -1) list.splice(at, 1);
    } else throw invalidPatchOp(['add', 'remove', 'replace']);
    if (list.length === 0) delete api.endpointConfiguration.vpcEndpointIds;
    return;
  }
  const scalar = ['/name', '/description', '/version', '/apiKeySource', '/minimumCompressionSize', '/policy', '/disableExecuteApiEndpoint', '/endpointConfiguration/ipAddressType'];
  if (!scalar.includes(path)) throw invalidPatchPath(path);
  if (op !== 'replace') throw invalidPatchOp(['replace']);
  switch (path) {
    case '/name':
      if (!value) throw badRequest('Invalid name specified'); // unverified
      api.name = value;
      return;
    case '/description':
      if (value) api.description = value;
      else delete api.description;
      return;
    case '/version':
      if (value) api.version = value;
      else delete api.version;
      return;
    case '/apiKeySource':
      if (value === undefined || !API_KEY_SOURCES.includes(value)) throw badRequest('Invalid API Key source specified. Valid options are HEADER,AUTHORIZER'); // unverified
      api.apiKeySource = value as RestApi['apiKeySource'];
      return;
    case '/minimumCompressionSize':
      if (value === undefined || value === '') delete api.minimumCompressionSize;
      else api.minimumCompressionSize = parseCompression(value);
      return;
    case '/policy':
      if (value === undefined || value === '') delete api.policy;
      else {
        checkPolicy(value);
        api.policy = value;
      }
      return;
    case '/disableExecuteApiEndpoint':
      api.disableExecuteApiEndpoint = patchBoolean(value);
      return;
    case '/endpointConfiguration/ipAddressType':
      if (value === undefined || !IP_ADDRESS_TYPES.includes(value)) throw badRequest('ipAddressType must be either ipv4 or dualstack.');
      api.endpointConfiguration.ipAddressType = value;
      return;
  }
}

/** UpdateRestApi on the working copy. */
export function updateRestApi(definition: RestApiDefinition, operations: readonly PatchOperation[]): RestApi {
  for (const operation of operations) patchRestApi(definition.api, operation);
  const { types, ipAddressType } = definition.api.endpointConfiguration;
  if (types[0] === 'PRIVATE' && ipAddressType !== 'dualstack') throw badRequest('Only dualstack ipAddressType is supported for Private APIs.');
  return definition.api;
}

export function restApiOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateRestApi',
      method: 'POST',
      uri: '/restapis',
      handler: async ({ body }) => ({ statusCode: 201, body: restApiOut(await createRestApi(ctx, body)) }),
    },
    {
      name: 'GetRestApis',
      method: 'GET',
      uri: '/restapis',
      handler: async ({ query }) => {
        const definitions = await ctx.store.listDefinitions();
        const page = paginate(definitions.map((d) => restApiOut(d.api)), query);
        return { statusCode: 200, body: page };
      },
    },
    {
      name: 'GetRestApi',
      method: 'GET',
      uri: '/restapis/{restapi_id}',
      handler: async ({ params }) => ({ statusCode: 200, body: restApiOut((await readDefinition(ctx, params.restapi_id)).api) }),
    },
    {
      name: 'UpdateRestApi',
      method: 'PATCH',
      uri: '/restapis/{restapi_id}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateRestApiInput', errors);
        if (errors.length > 0) throw validationException(errors);
        const api = await mutateDefinition(ctx, params.restapi_id, (definition) => updateRestApi(definition, operations));
        return { statusCode: 200, body: restApiOut(api) };
      },
    },
    {
      name: 'DeleteRestApi',
      method: 'DELETE',
      uri: '/restapis/{restapi_id}',
      handler: async ({ params }) => {
        const restApiId = params.restapi_id;
        if (!(await ctx.store.deleteDefinition(restApiId))) throw apiNotFound(ctx.env, restApiId);
        return { statusCode: 202 };
      },
    },
  ];
}
