// GatewayResponses: Put/Get/Update/DeleteGatewayResponse, GetGatewayResponses — the
// customised error answers of an API. Only customised types are stored; GETs fill in the
// defaults
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html),
// with a still-default type inheriting a customised DEFAULT_4XX/DEFAULT_5XX by its status class
// (recorded). https://docs.aws.amazon.com/apigateway/latest/api/API_PutGatewayResponse.html
import { badRequest, notFound } from '../../aws/errors.js';
import { DEFAULT_GATEWAY_RESPONSES } from '../../data-plane/errors/index.js';
import type { GatewayResponse, GatewayResponseType, RestApiDefinition } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import { mutateDefinition, readDefinition, type ApiGatewayContext } from './context.js';
import { checkSource } from './mapping.js';
import { invalidPatchPath, keyAfter, readPatchOperations, type PatchOperation } from './patch.js';
import { paginate } from './paging.js';
import {
  checkContentTypes, enumError, invalidMapping, optString, optStringMap, STATUS_CODE_PATTERN, throwIfErrors, type Body,
} from './validation.js';

/** Enum order as AWS prints it in ValidationException (recorded). */
const RESPONSE_TYPES: readonly GatewayResponseType[] = [
  'REQUEST_TOO_LARGE', 'RESOURCE_NOT_FOUND', 'AUTHORIZER_CONFIGURATION_ERROR', 'MISSING_AUTHENTICATION_TOKEN', 'BAD_REQUEST_BODY',
  'INVALID_SIGNATURE', 'INVALID_API_KEY', 'BAD_REQUEST_PARAMETERS', 'AUTHORIZER_FAILURE', 'UNAUTHORIZED', 'INTEGRATION_TIMEOUT',
  'ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX', 'WAF_FILTERED', 'QUOTA_EXCEEDED', 'THROTTLED', 'API_CONFIGURATION_ERROR',
  'UNSUPPORTED_MEDIA_TYPE', 'INTEGRATION_FAILURE', 'EXPIRED_TOKEN',
];
/** GetGatewayResponses lists them alphabetically (recorded). */
const SORTED_TYPES = [...RESPONSE_TYPES].sort();

const GATEWAY_RESPONSE_TARGET = /^gatewayresponse\.(header|querystring|path)\.([^\s]+)$/;

export interface GatewayResponseOut {
  responseType: GatewayResponseType;
  statusCode?: string;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
  defaultResponse: boolean;
}

export function checkType(type: string): GatewayResponseType {
  if (!RESPONSE_TYPES.includes(type as GatewayResponseType)) throwIfErrors([enumError(type, 'responseType', RESPONSE_TYPES)]);
  return type as GatewayResponseType;
}

const builtin = (type: GatewayResponseType) => DEFAULT_GATEWAY_RESPONSES[type];
const defaultTemplates = (type: GatewayResponseType): Record<string, string> => ({ ...(builtin(type).responseTemplates as Record<string, string>) });

function familyOf(type: GatewayResponseType): GatewayResponseType | undefined {
  if (type === 'DEFAULT_4XX' || type === 'DEFAULT_5XX') return undefined;
  return builtin(type).statusCode?.startsWith('4') ? 'DEFAULT_4XX' : 'DEFAULT_5XX';
}

/** What GET answers for one type. */
function effective(definition: RestApiDefinition, type: GatewayResponseType): GatewayResponseOut {
  const custom = definition.gatewayResponses[type];
  if (custom) {
    const out: GatewayResponseOut = {
      responseType: type,
      responseParameters: custom.responseParameters ?? {},
      responseTemplates: custom.responseTemplates ?? defaultTemplates(type),
      defaultResponse: false,
    };
    if (custom.statusCode !== undefined) out.statusCode = custom.statusCode;
    return out;
  }
  const family = familyOf(type);
  const parent = family ? definition.gatewayResponses[family] : undefined;
  const out: GatewayResponseOut = {
    responseType: type,
    responseParameters: parent?.responseParameters ?? { ...(builtin(type).responseParameters as Record<string, string> | undefined) },
    responseTemplates: parent?.responseTemplates ?? defaultTemplates(type),
    defaultResponse: true,
  };
  const statusCode = parent?.statusCode ?? builtin(type).statusCode;
  if (statusCode !== undefined) out.statusCode = statusCode;
  return out;
}

function checkStatusCode(statusCode: string | undefined, at: string): void {
  if (statusCode !== undefined && !STATUS_CODE_PATTERN.test(statusCode)) {
    throwIfErrors([`Value '${statusCode}' at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d`]);
  }
}

const emptyValue = (what: 'responseTemplates' | 'responseParameters') => badRequest(`Invalid null or empty value in ${what}`);

function checkGatewayResponse(response: GatewayResponse): void {
  if (Object.values(response.responseTemplates ?? {}).some((v) => !v)) throw emptyValue('responseTemplates');
  if (Object.values(response.responseParameters ?? {}).some((v) => !v)) throw emptyValue('responseParameters');
  for (const [target, source] of Object.entries(response.responseParameters ?? {})) {
    if (!GATEWAY_RESPONSE_TARGET.test(target)) throw invalidMapping(`Invalid mapping expression specified: ${target}`); // unverified detail
    // method.request sources are not declared per method here: any is accepted.
    checkSource(source, ['method.request', 'stageVariables', 'context', 'static'], undefined, false);
  }
  checkContentTypes(response.responseTemplates);
}

/** The enum check PutGatewayResponse makes before it looks at the API. */
export function checkGatewayResponseInput(responseType: string, body: Body): GatewayResponseType {
  const type = checkType(responseType);
  checkStatusCode(optString(body, 'statusCode'), 'putGatewayResponseInput.statusCode'); // field path unverified
  return type;
}

/** PutGatewayResponse on the working copy; answers the effective response, as GET shows it. */
export function putGatewayResponse(definition: RestApiDefinition, responseType: string, body: Body): GatewayResponseOut {
  const type = checkGatewayResponseInput(responseType, body);
  const statusCode = optString(body, 'statusCode');
  const stored: GatewayResponse = {
    responseType: type,
    responseParameters: optStringMap(body, 'responseParameters') ?? {},
    responseTemplates: optStringMap(body, 'responseTemplates') ?? defaultTemplates(type),
  };
  const status = statusCode ?? builtin(type).statusCode;
  if (status !== undefined) stored.statusCode = status;
  checkGatewayResponse(stored);
  definition.gatewayResponses[type] = stored;
  return effective(definition, type);
}

export function updateGatewayResponse(definition: RestApiDefinition, responseType: string, operations: readonly PatchOperation[]): GatewayResponseOut {
  const type = checkType(responseType);
  // An update of a default type customises it (recorded).
  const current = effective(definition, type);
  const target: GatewayResponse = {
    responseType: type,
    responseParameters: { ...current.responseParameters },
    responseTemplates: { ...current.responseTemplates },
  };
  if (current.statusCode !== undefined) target.statusCode = current.statusCode;
  for (const { op, path, value } of operations) {
    if (path === undefined) throw invalidPatchPath(path);
    if (path === '/statusCode') {
      if (op !== 'replace') throw invalidPatchPath(path);
      checkStatusCode(value ?? '', 'statusCode');
      target.statusCode = value;
      continue;
    }
    const parameter = keyAfter(path, '/responseParameters');
    const contentType = keyAfter(path, '/responseTemplates');
    if (parameter === undefined && contentType === undefined) throw invalidPatchPath(path);
    const what = parameter !== undefined ? 'responseParameters' : 'responseTemplates';
    const map = (target[what] ??= {});
    const key = (parameter ?? contentType) as string;
    if (op === 'remove') {
      if (!Object.hasOwn(map, key)) throw notFound('Invalid parameter name specified'); // recorded for replace; remove unverified
      delete map[key];
    } else if (op === 'add' || op === 'replace') {
      if (!value) throw emptyValue(what);
      if (op === 'replace' && parameter !== undefined && !Object.hasOwn(map, key)) throw notFound('Invalid parameter name specified');
      map[key] = value;
    } else throw invalidPatchPath(path);
  }
  checkGatewayResponse(target);
  definition.gatewayResponses[type] = target;
  return effective(definition, type);
}

/** DeleteGatewayResponse: back to the default. */
export function deleteGatewayResponse(definition: RestApiDefinition, responseType: string): void {
  const type = checkType(responseType);
  if (!definition.gatewayResponses[type]) throw notFound('Gateway response type not defined on api');
  delete definition.gatewayResponses[type];
}

export function gatewayResponseOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  const uri = '/restapis/{restapi_id}/gatewayresponses/{response_type}';
  return [
    {
      name: 'PutGatewayResponse',
      method: 'PUT',
      uri,
      handler: async ({ params, body }) => {
        checkGatewayResponseInput(params.response_type, body);
        const out = await mutateDefinition(ctx, params.restapi_id, (definition) => putGatewayResponse(definition, params.response_type, body));
        return { statusCode: 201, body: out };
      },
    },
    {
      name: 'GetGatewayResponses',
      method: 'GET',
      uri: '/restapis/{restapi_id}/gatewayresponses',
      handler: async ({ params, query }) => {
        const definition = await readDefinition(ctx, params.restapi_id);
        return { statusCode: 200, body: paginate(SORTED_TYPES.map((t) => effective(definition, t)), query) };
      },
    },
    {
      name: 'GetGatewayResponse',
      method: 'GET',
      uri,
      handler: async ({ params }) => {
        const type = checkType(params.response_type);
        const definition = await readDefinition(ctx, params.restapi_id);
        return { statusCode: 200, body: effective(definition, type) };
      },
    },
    {
      name: 'UpdateGatewayResponse',
      method: 'PATCH',
      uri,
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateGatewayResponseInput', errors);
        if (!RESPONSE_TYPES.includes(params.response_type as GatewayResponseType)) errors.push(enumError(params.response_type, 'responseType', RESPONSE_TYPES));
        throwIfErrors(errors);
        const out = await mutateDefinition(ctx, params.restapi_id, (definition) => updateGatewayResponse(definition, params.response_type, operations));
        return { statusCode: 200, body: out };
      },
    },
    {
      name: 'DeleteGatewayResponse',
      method: 'DELETE',
      uri,
      handler: async ({ params }) => {
        checkType(params.response_type);
        await mutateDefinition(ctx, params.restapi_id, (definition) => deleteGatewayResponse(definition, params.response_type));
        return { statusCode: 202 };
      },
    },
  ];
}
