// Authorizers of HTTP APIs: CreateAuthorizer, GetAuthorizers, GetAuthorizer, UpdateAuthorizer,
// DeleteAuthorizer (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html).
// JWT authorizers name an issuer and audiences; REQUEST (Lambda) authorizers a function, a
// payload format version (simple responses with 2.0 only) and a result TTL of 0–3600 s
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
import { badRequest, conflict } from '../../aws/errors.js';
import { MAX_AUTHORIZER_TTL_SECONDS, type HttpAuthorizer, type PayloadFormatVersion } from '../../model/http-api.js';
import type { OperationDefinition, OperationRequest } from '../route-table.js';
import { optBoolean, optNumber, optObject, optString, optStringList, type Body } from '../apigateway/validation.js';
import { authorizerOf, mutateApi, newAuthorizerId, readApi, type ApiGatewayV2Context } from './context.js';
import { lambdaTargetOf } from './integrations.js';
import { paginateV2 } from './paging.js';

/** Authorizers per API (AWS quotas). */
export const MAX_AUTHORIZERS = 10;
/** Audiences per JWT authorizer (AWS quotas, HTTP APIs). */
const MAX_AUDIENCES = 50;
const IDENTITY_SOURCE = /^\$(request\.(header|querystring)\.[^\s,]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;

function applyFields(authorizer: HttpAuthorizer, body: Body): void {
  const name = optString(body, 'name');
  if (name !== undefined) authorizer.name = name;
  const type = optString(body, 'authorizerType');
  if (type !== undefined) {
    if (type !== 'JWT' && type !== 'REQUEST') throw badRequest(`Invalid authorizerType ${type}: HTTP APIs take JWT or REQUEST`); // unverified
    authorizer.authorizerType = type;
  }
  const identitySource = optStringList(body, 'identitySource');
  if (identitySource !== undefined) authorizer.identitySource = identitySource;
  const jwt = optObject(body, 'jwtConfiguration');
  if (jwt !== undefined) {
    const issuer = optString(jwt, 'issuer');
    const audience = optStringList(jwt, 'audience');
    authorizer.jwtConfiguration = { ...(issuer !== undefined && { issuer }), ...(audience !== undefined && { audience }) };
  }
  for (const key of ['authorizerUri', 'authorizerCredentialsArn', 'identityValidationExpression'] as const) {
    const value = optString(body, key);
    if (value !== undefined) authorizer[key] = value;
  }
  const version = optString(body, 'authorizerPayloadFormatVersion');
  if (version !== undefined) {
    if (version !== '1.0' && version !== '2.0') throw badRequest(`Invalid authorizerPayloadFormatVersion ${version}: must be 1.0 or 2.0`); // unverified
    authorizer.authorizerPayloadFormatVersion = version as PayloadFormatVersion;
  }
  const ttl = optNumber(body, 'authorizerResultTtlInSeconds');
  if (ttl !== undefined) authorizer.authorizerResultTtlInSeconds = ttl;
  const simple = optBoolean(body, 'enableSimpleResponses');
  if (simple !== undefined) authorizer.enableSimpleResponses = simple;
  checkAuthorizer(authorizer);
}

/** What AWS refuses at ingest (messages unverified). */
export function checkAuthorizer(authorizer: HttpAuthorizer): void {
  if (authorizer.name === '') throw badRequest('Name is required');
  for (const source of authorizer.identitySource ?? []) {
    if (!IDENTITY_SOURCE.test(source)) throw badRequest(`Invalid identity source ${source}`);
  }
  if (authorizer.authorizerType === 'JWT') {
    const jwt = authorizer.jwtConfiguration;
    if (jwt?.issuer === undefined || !/^https?:\/\//.test(jwt.issuer)) throw badRequest('JWT authorizers require jwtConfiguration.issuer, an https URL');
    if ((jwt.audience ?? []).length === 0) throw badRequest('JWT authorizers require at least one jwtConfiguration.audience');
    if ((jwt.audience ?? []).length > MAX_AUDIENCES) throw badRequest(`A JWT authorizer can have at most ${MAX_AUDIENCES} audiences`);
    if ((authorizer.identitySource ?? []).length !== 1) throw badRequest('JWT authorizers take exactly one identity source');
    return;
  }
  if (authorizer.authorizerUri === undefined || lambdaTargetOf(authorizer.authorizerUri) === undefined) {
    throw badRequest('REQUEST authorizers require authorizerUri, a Lambda function invocation URI');
  }
  if (authorizer.authorizerPayloadFormatVersion === undefined) throw badRequest('REQUEST authorizers require authorizerPayloadFormatVersion (1.0 or 2.0)');
  if (authorizer.enableSimpleResponses === true && authorizer.authorizerPayloadFormatVersion !== '2.0') {
    throw badRequest('Simple responses are supported only with authorizerPayloadFormatVersion 2.0');
  }
  const ttl = authorizer.authorizerResultTtlInSeconds ?? 0;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_AUTHORIZER_TTL_SECONDS) throw badRequest(`authorizerResultTtlInSeconds must be between 0 and ${MAX_AUTHORIZER_TTL_SECONDS}`);
  if (ttl > 0 && (authorizer.identitySource ?? []).length === 0) throw badRequest('A cached authorizer requires an identity source');
}

async function createAuthorizer(ctx: ApiGatewayV2Context, request: OperationRequest) {
  const type = optString(request.body, 'authorizerType');
  if (optString(request.body, 'name') === undefined) throw badRequest('Name is required'); // unverified
  if (type === undefined) throw badRequest('AuthorizerType is required'); // unverified
  const authorizer: HttpAuthorizer = { authorizerId: newAuthorizerId(), name: '', authorizerType: 'JWT' };
  applyFields(authorizer, request.body);
  await mutateApi(ctx, request.params.apiId, (definition) => {
    if (definition.authorizers.length >= MAX_AUTHORIZERS) throw conflict(`Exceeded the maximum number of authorizers (${MAX_AUTHORIZERS}) for this API`); // unverified
    definition.authorizers.push(authorizer);
  });
  return { statusCode: 201, body: authorizer };
}

export function authorizerOperations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  const base = '/v2/apis/{apiId}/authorizers';
  return [
    { name: 'CreateAuthorizer', method: 'POST', uri: base, handler: (request) => createAuthorizer(ctx, request) },
    {
      name: 'GetAuthorizers', method: 'GET', uri: base,
      handler: async (request) => ({ statusCode: 200, body: paginateV2((await readApi(ctx, request.params.apiId)).authorizers, request.query) }),
    },
    {
      name: 'GetAuthorizer', method: 'GET', uri: `${base}/{authorizerId}`,
      handler: async (request) => ({ statusCode: 200, body: authorizerOf(ctx, await readApi(ctx, request.params.apiId), request.params.authorizerId) }),
    },
    {
      name: 'UpdateAuthorizer', method: 'PATCH', uri: `${base}/{authorizerId}`,
      handler: async (request) => {
        const authorizer = await mutateApi(ctx, request.params.apiId, (definition) => {
          const found = authorizerOf(ctx, definition, request.params.authorizerId);
          applyFields(found, request.body);
          return found;
        });
        return { statusCode: 200, body: authorizer };
      },
    },
    {
      name: 'DeleteAuthorizer', method: 'DELETE', uri: `${base}/{authorizerId}`,
      handler: async (request) => {
        const { apiId, authorizerId } = request.params;
        await mutateApi(ctx, apiId, (definition) => {
          authorizerOf(ctx, definition, authorizerId);
          if (definition.routes.some((route) => route.authorizerId === authorizerId)) throw conflict(`Authorizer ${authorizerId} is in use by a route`); // unverified
          definition.authorizers = definition.authorizers.filter((authorizer) => authorizer.authorizerId !== authorizerId);
        });
        return { statusCode: 204 };
      },
    },
  ];
}
