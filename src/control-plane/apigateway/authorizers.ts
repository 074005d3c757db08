// Authorizers as the working copy stores them (CreateAuthorizer's shape). Only OpenAPI imports
// create them for now; the Authorizer operations and their enforcement land with authorizers.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
// Messages unverified unless marked.
import { badRequest } from '../../aws/errors.js';
import { shortId } from '../../aws/ids.js';
import type { Authorizer, AuthorizerType, RestApiDefinition } from '../../model/rest-api.js';
import { enumError, nullError, optNumber, optString, optStringList, throwIfErrors, type Body } from './validation.js';

const TYPES: readonly AuthorizerType[] = ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'];
const MAX_TTL_SECONDS = 3600;

/** CreateAuthorizer on the working copy (`body` in AWS's wire names). */
export function createAuthorizer(definition: RestApiDefinition, body: Body): Authorizer {
  const name = optString(body, 'name');
  const type = optString(body, 'type');
  const errors: string[] = [];
  if (name === undefined) errors.push(nullError('createAuthorizerInput.name'));
  if (type === undefined) errors.push(nullError('createAuthorizerInput.type'));
  else if (!TYPES.includes(type as AuthorizerType)) errors.push(enumError(type, 'createAuthorizerInput.type', TYPES));
  throwIfErrors(errors);
  const authorizers = (definition.authorizers ??= {});
  if (Object.values(authorizers).some((a) => a.name === name)) throw badRequest(`Authorizer name must be unique. Authorizer ${name as string} already exists in this RestApi.`);
  let id = shortId(6);
  while (Object.hasOwn(authorizers, id)) id = shortId(6);
  const created: Authorizer = { id, name: name as string, type: type as AuthorizerType };
  const providerARNs = optStringList(body, 'providerARNs');
  if (type === 'COGNITO_USER_POOLS') {
    if (!providerARNs?.length) throw badRequest('ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers.');
    created.providerARNs = providerARNs;
  } else if (!optString(body, 'authorizerUri')) {
    throw badRequest('Authorizer URI must be specified for TOKEN and REQUEST authorizers.');
  }
  for (const key of ['authType', 'authorizerUri', 'authorizerCredentials', 'identitySource', 'identityValidationExpression'] as const) {
    const value = optString(body, key);
    if (value) created[key] = value;
  }
  if (type === 'REQUEST' && !created.identitySource && optNumber(body, 'authorizerResultTtlInSeconds') !== 0) {
    throw badRequest('Identity source must be specified for REQUEST authorizers with caching enabled.');
  }
  const ttl = optNumber(body, 'authorizerResultTtlInSeconds');
  if (ttl !== undefined) {
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS) throw badRequest(`Invalid authorizer TTL, must be between 0 and ${MAX_TTL_SECONDS}`);
    created.authorizerResultTtlInSeconds = ttl;
  }
  authorizers[id] = created;
  return created;
}
