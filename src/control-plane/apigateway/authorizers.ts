// Authorizers: Create/Get/Update/DeleteAuthorizer, GetAuthorizers, on the working copy (so
// deployments freeze them like every other API part). OpenAPI imports create them here too.
// Requests are authorized by data-plane/steps/lambda-authorizer.ts (TOKEN, REQUEST) and
// cognito-authorizer.ts (COGNITO_USER_POOLS).
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
// https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateAuthorizer.html
// Messages unverified unless marked.
import { badRequest, conflict, notFound } from '../../aws/errors.js';
import { shortId } from '../../aws/ids.js';
import type { Authorizer, AuthorizerType, RestApiDefinition } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import { DEFAULT_TTL_SECONDS } from '../../compiler/authorizers.js';
import { mutateDefinition, readDefinition, type ApiGatewayContext } from './context.js';
import { paginate } from './paging.js';
import { patchPathMustBeOneOf, readPatchOperations, unsupportedPatchOp, type PatchOperation } from './patch.js';
import { enumError, nullError, optNumber, optString, optStringList, throwIfErrors, type Body } from './validation.js';

const TYPES: readonly AuthorizerType[] = ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'];
const MAX_TTL_SECONDS = 3600;
const OPTIONAL_TEXT = ['authType', 'authorizerUri', 'authorizerCredentials', 'identitySource', 'identityValidationExpression'] as const;
const REPLACE_PATHS = ['/name', '/type', '/authorizerUri', '/authorizerCredentials', '/identitySource',
  '/identityValidationExpression', '/authorizerResultTtlInSeconds', '/authType'];

// Identity sources (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html):
// a TOKEN authorizer reads one header; a REQUEST authorizer any comma-separated mix of these.
const TOKEN_SOURCE = /^method\.request\.header\.[^\s,]+$/;
const REQUEST_SOURCE = /^(method\.request\.(header|querystring|multivalueheader|multivaluequerystring)|stageVariables|context)\.[^\s,]+$/;

// Used by moto and other emulators; not in a recording we have. // unverified
const authorizerNotFound = () => notFound('Invalid Authorizer identifier specified');

export function authorizerOf(definition: RestApiDefinition, id: string): Authorizer {
  const authorizer = definition.authorizers && Object.hasOwn(definition.authorizers, id) ? definition.authorizers[id] : undefined;
  if (!authorizer) throw authorizerNotFound();
  return authorizer;
}

function checkUniqueName(definition: RestApiDefinition, name: string, self?: string): void {
  if (Object.values(definition.authorizers ?? {}).some((a) => a.name === name && a.id !== self)) {
    throw badRequest(`Authorizer name must be unique. Authorizer ${name} already exists in this RestApi.`);
  }
}

function checkTtl(ttl: number): void {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS) throw badRequest(`Invalid authorizer TTL, must be between 0 and ${MAX_TTL_SECONDS}`);
}

/** The rules an authorizer meets after a create or a whole update (AWS checks the result, not each op). */
function checkAuthorizer(authorizer: Authorizer): void {
  if (authorizer.type === 'COGNITO_USER_POOLS') {
    if (!authorizer.providerARNs?.length) throw badRequest('ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers.');
  } else if (!authorizer.authorizerUri) {
    throw badRequest('Authorizer URI must be specified for TOKEN and REQUEST authorizers.');
  }
  const source = authorizer.identitySource;
  if (authorizer.type === 'REQUEST') {
    if (!source && authorizer.authorizerResultTtlInSeconds !== 0) {
      throw badRequest('Identity source must be specified for REQUEST authorizers with caching enabled.');
    }
    for (const part of source?.split(',') ?? []) {
      if (!REQUEST_SOURCE.test(part.trim())) throw badRequest(`Invalid identity source specified: ${part.trim()}`);
    }
  } else if (authorizer.type === 'TOKEN' && !source) {
    throw badRequest('Identity source must be specified for TOKEN authorizers.');
  }
  if (authorizer.type !== 'REQUEST' && source !== undefined && !TOKEN_SOURCE.test(source)) {
    throw badRequest(`Invalid identity source specified: ${source}`);
  }
  if (authorizer.authorizerResultTtlInSeconds !== undefined) checkTtl(authorizer.authorizerResultTtlInSeconds);
}

/**
 * CreateAuthorizer on the working copy (`body` in AWS's wire names). `defaultTtl`: the
 * CreateAuthorizer operation stores 300 s for a Lambda authorizer without a TTL; an OpenAPI
 * import stores none (recorded, LocalStack's test_import_swagger_api snapshot).
 */
export function createAuthorizer(definition: RestApiDefinition, body: Body, defaultTtl = false): Authorizer {
  const name = optString(body, 'name');
  const type = optString(body, 'type');
  const errors: string[] = [];
  if (name === undefined) errors.push(nullError('createAuthorizerInput.name'));
  if (type === undefined) errors.push(nullError('createAuthorizerInput.type'));
  else if (!TYPES.includes(type as AuthorizerType)) errors.push(enumError(type, 'createAuthorizerInput.type', TYPES));
  throwIfErrors(errors);
  checkUniqueName(definition, name as string);
  const authorizers = (definition.authorizers ??= {});
  let id = shortId(6);
  while (Object.hasOwn(authorizers, id)) id = shortId(6);
  const created: Authorizer = { id, name: name as string, type: type as AuthorizerType };
  const providerARNs = optStringList(body, 'providerARNs');
  if (providerARNs?.length) created.providerARNs = providerARNs;
  for (const key of OPTIONAL_TEXT) {
    const value = optString(body, key);
    if (value) created[key] = value;
  }
  const ttl = optNumber(body, 'authorizerResultTtlInSeconds') ?? (defaultTtl && type !== 'COGNITO_USER_POOLS' ? DEFAULT_TTL_SECONDS : undefined);
  if (ttl !== undefined) created.authorizerResultTtlInSeconds = ttl;
  checkAuthorizer(created);
  authorizers[id] = created;
  return created;
}

function patchAuthorizer(definition: RestApiDefinition, target: Authorizer, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if ((op === 'add' || op === 'remove') && path === '/providerARNs') {
    // One ARN per op (how Terraform edits the list: add first, then remove, as it may not go empty).
    if (!value) throw badRequest(`Invalid ARN specified for op '${op}'`); // unverified
    const arns = (target.providerARNs ?? []).filter((arn) => arn !== value);
    if (op === 'add') arns.push(value);
    if (arns.length > 0) target.providerARNs = arns;
    else delete target.providerARNs;
    return;
  }
  if (op !== 'replace') throw unsupportedPatchOp(path, op);
  if (path === undefined || !REPLACE_PATHS.includes(path)) throw patchPathMustBeOneOf(path, op, REPLACE_PATHS);
  const key = path.slice(1) as keyof Authorizer;
  if (key === 'name') {
    if (!value?.trim()) throw badRequest('Authorizer name must be non-empty');
    checkUniqueName(definition, value, target.id);
    target.name = value;
  } else if (key === 'type') {
    if (!TYPES.includes(value as AuthorizerType)) throw badRequest(`Invalid authorizer type specified: ${value ?? 'null'}. Valid options are ${TYPES.join(',')}`);
    target.type = value as AuthorizerType;
  } else if (key === 'authorizerResultTtlInSeconds') {
    const ttl = value?.trim() ? Number(value) : Number.NaN;
    checkTtl(ttl);
    target.authorizerResultTtlInSeconds = ttl;
  } else {
    const field = key as (typeof OPTIONAL_TEXT)[number];
    if (value) target[field] = value;
    else delete target[field];
  }
}

/** UpdateAuthorizer: the ops in order, then the authorizer's rules on the result. */
export function updateAuthorizer(definition: RestApiDefinition, id: string, operations: readonly PatchOperation[]): Authorizer {
  const target = authorizerOf(definition, id);
  for (const operation of operations) patchAuthorizer(definition, target, operation);
  checkAuthorizer(target);
  return target;
}

/** DeleteAuthorizer: refused while a method uses it (a method must not point at a missing authorizer). */
export function deleteAuthorizer(definition: RestApiDefinition, id: string): void {
  const authorizer = authorizerOf(definition, id);
  for (const resource of Object.values(definition.resources)) {
    for (const [verb, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (method?.authorizerId === id) {
        // AWS's text as quoted in hashicorp/terraform#6731 and #25980 ("… in method: GET//test").
        throw conflict(`Cannot delete authorizer '${authorizer.name}', is referenced in method: ${verb}/${resource.path}`);
      }
    }
  }
  delete definition.authorizers?.[id];
}

/** Recorded: CreateAuthorizer on an unknown API (LocalStack test_authorizer_crud_no_api snapshot). */
const createOnMissingApi = () => conflict('Unable to complete operation due to concurrent modification. Please try again later.');

export function authorizerOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateAuthorizer',
      method: 'POST',
      uri: '/restapis/{restapi_id}/authorizers',
      handler: async ({ params, body }) => {
        const authorizer = await mutateDefinition(ctx, params.restapi_id, (definition) => createAuthorizer(definition, body, true), createOnMissingApi);
        return { statusCode: 201, body: authorizer };
      },
    },
    {
      name: 'GetAuthorizers',
      method: 'GET',
      uri: '/restapis/{restapi_id}/authorizers',
      handler: async ({ params, query }) => {
        const definition = await readDefinition(ctx, params.restapi_id);
        return { statusCode: 200, body: paginate(Object.values(definition.authorizers ?? {}), query) };
      },
    },
    {
      name: 'GetAuthorizer',
      method: 'GET',
      uri: '/restapis/{restapi_id}/authorizers/{authorizer_id}',
      handler: async ({ params }) => {
        const definition = await readDefinition(ctx, params.restapi_id, authorizerNotFound);
        return { statusCode: 200, body: authorizerOf(definition, params.authorizer_id) };
      },
    },
    {
      name: 'UpdateAuthorizer',
      method: 'PATCH',
      uri: '/restapis/{restapi_id}/authorizers/{authorizer_id}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateAuthorizerInput', errors);
        throwIfErrors(errors);
        const authorizer = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          updateAuthorizer(definition, params.authorizer_id, operations), authorizerNotFound);
        return { statusCode: 200, body: authorizer };
      },
    },
    {
      name: 'DeleteAuthorizer',
      method: 'DELETE',
      uri: '/restapis/{restapi_id}/authorizers/{authorizer_id}',
      handler: async ({ params }) => {
        await mutateDefinition(ctx, params.restapi_id, (definition) => deleteAuthorizer(definition, params.authorizer_id), authorizerNotFound);
        return { statusCode: 202 };
      },
    },
  ];
}
