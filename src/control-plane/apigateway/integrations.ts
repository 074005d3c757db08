// Integrations: Put/Get/Update/DeleteIntegration (the integration request).
// https://docs.aws.amazon.com/apigateway/latest/api/API_PutIntegration.html
// Messages recorded (LocalStack AWS snapshots) or from AWS error reports, unless marked unverified.
import { badRequest } from '../../aws/errors.js';
import { functionOfIntegrationUri, parseFunctionName } from '../../functions/arn.js';
import type { ContentHandling, Integration, IntegrationType, Method, PassthroughBehavior, RestApiDefinition } from '../../model/rest-api.js';
import type { GatewayEnvironment } from '../../options/gateway-environment.js';
import type { OperationDefinition } from '../route-table.js';
import {
  integrationOf, methodOf, mutateDefinition, readDefinition, resourceOf, resourceScoped, type ApiGatewayContext,
} from './context.js';
import { checkSource, INTEGRATION_REQUEST_TARGET } from './mapping.js';
import { checkVerb } from './methods.js';
import { invalidPatchOp, invalidPatchPath, keyAfter, readPatchOperations, type PatchOperation } from './patch.js';
import { integrationOut } from './serialize.js';
import {
  checkContentTypes, dropEmpty, enumError, invalidMapping, normalizeTemplates, nullError, optBoolean, optNumber, optObject, optString,
  optStringList, optStringMap, patchBoolean, throwIfErrors, type Body,
} from './validation.js';

/** Enum order as AWS prints it (recorded). */
const TYPES: readonly IntegrationType[] = ['HTTP', 'MOCK', 'AWS_PROXY', 'HTTP_PROXY', 'AWS'];
const PASSTHROUGH: readonly PassthroughBehavior[] = ['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'];
export const CONTENT_HANDLING: readonly ContentHandling[] = ['CONVERT_TO_BINARY', 'CONVERT_TO_TEXT'];
const CONNECTION_TYPES: readonly string[] = ['INTERNET', 'VPC_LINK'];

/** `http(s)://host/...`; `${stageVariables.x}` may appear anywhere, host and port included. */
function checkHttpUri(uri: string | undefined): void {
  try {
    if (uri === undefined) throw new Error('missing');
    // A digit stands for each variable: valid in a host name, a port and a path alike.
    const url = new URL(uri.replace(/\$\{stageVariables\.[A-Za-z0-9_]+\}/g, '1'));
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') throw new Error('not http');
  } catch {
    throw badRequest('Invalid HTTP endpoint specified for URI');
  }
}

/** `arn:aws:apigateway:{region}:{service}:{path|action}/...` (messages from AWS reports via moto). */
function checkAwsUri(type: IntegrationType, uri: string | undefined): void {
  const parts = uri?.split(':') ?? [];
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'apigateway' || parts[4] === '') throw badRequest('Invalid ARN specified in the request');
  const target = parts.slice(5).join(':');
  if (!target.startsWith('path/') && !target.startsWith('action/')) throw badRequest('AWS ARN for integration must contain path or action');
  if (type === 'AWS_PROXY' && parts[4] !== 'lambda' && parts[4] !== 'firehose') {
    throw badRequest("Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.");
  }
  // A Lambda URI names a function to invoke: `…:lambda:path/2015-03-31/functions/{function ARN}/invocations`.
  if (parts[4] === 'lambda' && !isFunctionInvocation(uri ?? '')) throw badRequest('Invalid ARN specified in the request'); // unverified wording for this case
}

function isFunctionInvocation(uri: string): boolean {
  const functionArn = functionOfIntegrationUri(uri);
  if (functionArn === undefined) return false;
  // `${stageVariables.x}` stands for any part of the name or qualifier.
  return parseFunctionName(functionArn.replace(/\$\{stageVariables\.[A-Za-z0-9_]+\}/g, 'x')) !== undefined;
}

/** Everything PutIntegration checks; UpdateIntegration re-runs it on the patched copy. */
export function checkIntegration(env: GatewayEnvironment, method: Method, integration: Integration, inputName: string): void {
  const errors: string[] = [];
  if (!TYPES.includes(integration.type)) errors.push(enumError(integration.type, `${inputName}.type`, TYPES));
  if (integration.contentHandling !== undefined && !CONTENT_HANDLING.includes(integration.contentHandling)) {
    errors.push(enumError(integration.contentHandling, `${inputName}.contentHandling`, CONTENT_HANDLING)); // unverified field path
  }
  if (integration.connectionType !== undefined && !CONNECTION_TYPES.includes(integration.connectionType)) {
    errors.push(enumError(integration.connectionType, `${inputName}.connectionType`, CONNECTION_TYPES)); // unverified field path
  }
  throwIfErrors(errors);
  if (integration.type !== 'MOCK') {
    if (!integration.httpMethod) throw badRequest('Enumeration value for HttpMethod must be non-empty');
    checkVerb(integration.httpMethod);
    if (integration.type === 'HTTP' || integration.type === 'HTTP_PROXY') checkHttpUri(integration.uri);
    else checkAwsUri(integration.type, integration.uri);
  }
  const { minIntegrationTimeoutMs: min, maxIntegrationTimeoutMs: max } = env.limits;
  if (!Number.isInteger(integration.timeoutInMillis) || integration.timeoutInMillis < min || integration.timeoutInMillis > max) {
    throw badRequest(`Timeout should be between ${min} ms and ${max} ms`);
  }
  if (integration.passthroughBehavior !== undefined && !PASSTHROUGH.includes(integration.passthroughBehavior)) {
    throw badRequest(`Invalid passthrough behavior specified: ${integration.passthroughBehavior}`); // unverified
  }
  for (const [target, source] of Object.entries(integration.requestParameters ?? {})) {
    if (!INTEGRATION_REQUEST_TARGET.test(target)) throw invalidMapping(`Invalid mapping expression specified: ${target}`); // unverified detail
    checkSource(source, ['method.request', 'stageVariables', 'context', 'static'], method);
  }
  checkContentTypes(integration.requestTemplates);
}

function buildIntegration(env: GatewayEnvironment, resourceId: string, body: Body): Integration {
  const type = optString(body, 'type');
  if (type === undefined) throwIfErrors([nullError('putIntegrationInput.type')]); // unverified
  const integration: Integration = {
    type: type as IntegrationType,
    passthroughBehavior: (optString(body, 'passthroughBehavior') ?? 'WHEN_NO_MATCH') as PassthroughBehavior,
    timeoutInMillis: optNumber(body, 'timeoutInMillis') ?? env.limits.defaultIntegrationTimeoutMs,
    cacheNamespace: optString(body, 'cacheNamespace') ?? resourceId,
    cacheKeyParameters: optStringList(body, 'cacheKeyParameters') ?? [],
  };
  const optional = {
    httpMethod: optString(body, 'httpMethod'), // the wire name of integrationHttpMethod
    uri: optString(body, 'uri'),
    connectionType: optString(body, 'connectionType') as Integration['connectionType'],
    connectionId: optString(body, 'connectionId'),
    credentials: optString(body, 'credentials'),
    contentHandling: optString(body, 'contentHandling') as ContentHandling | undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined && value !== '') Object.assign(integration, { [key]: value });
  const requestParameters = optStringMap(body, 'requestParameters');
  if (requestParameters && Object.keys(requestParameters).length > 0) integration.requestParameters = requestParameters;
  const requestTemplates = normalizeTemplates(optStringMap(body, 'requestTemplates', true));
  if (requestTemplates && Object.keys(requestTemplates).length > 0) integration.requestTemplates = requestTemplates;
  const tlsConfig = optObject(body, 'tlsConfig');
  if (tlsConfig) integration.tlsConfig = { insecureSkipVerification: optBoolean(tlsConfig, 'insecureSkipVerification') ?? false };
  return integration;
}

const OPTIONAL_SCALARS = ['/uri', '/httpMethod', '/credentials', '/contentHandling', '/connectionType', '/connectionId', '/cacheNamespace'] as const;

function patchIntegration(integration: Integration, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path === undefined) throw invalidPatchPath(path);
  const contentType = keyAfter(path, '/requestTemplates');
  if (contentType !== undefined) {
    const templates = (integration.requestTemplates ??= {});
    if (op === 'remove') delete templates[contentType];
    else if (op === 'add' || op === 'replace') templates[contentType] = value === undefined || value === '' ? null : value;
    else throw invalidPatchOp(['add', 'remove', 'replace']);
    return;
  }
  const parameter = keyAfter(path, '/requestParameters');
  if (parameter !== undefined) {
    const parameters = (integration.requestParameters ??= {});
    if (op === 'remove') delete parameters[parameter];
    else if (op === 'add' || op === 'replace') parameters[parameter] = value ?? '';
    else throw invalidPatchOp(['add', 'remove', 'replace']);
    return;
  }
  const cacheKey = keyAfter(path, '/cacheKeyParameters');
  if (cacheKey !== undefined) {
    const keys = (integration.cacheKeyParameters ??= []);
    const at = keys.indexOf(cacheKey);
    if (op === 'add') {
      if (at === -1) keys.push(cacheKey);
    } else if (op === 'remove') {
      if (at !== -1) keys.splice(at, 1);
    } else throw invalidPatchOp(['add', 'remove']);
    return;
  }
  if (path === '/type' || path === '/passthroughBehavior' || path === '/timeoutInMillis' || path === '/tlsConfig/insecureSkipVerification') {
    if (op !== 'replace') throw invalidPatchOp(['replace']);
    if (path === '/type') integration.type = (value ?? '') as IntegrationType;
    else if (path === '/passthroughBehavior') integration.passthroughBehavior = (value ?? '') as PassthroughBehavior;
    else if (path === '/timeoutInMillis') integration.timeoutInMillis = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
    else integration.tlsConfig = { insecureSkipVerification: patchBoolean(value) };
    return;
  }
  if ((OPTIONAL_SCALARS as readonly string[]).includes(path)) {
    const key = path.slice(1) as 'uri' | 'httpMethod' | 'credentials' | 'contentHandling' | 'connectionType' | 'connectionId' | 'cacheNamespace';
    if (op === 'remove' || ((op === 'replace' || op === 'add') && (value === undefined || value === ''))) delete integration[key];
    else if (op === 'replace' || op === 'add') Object.assign(integration, { [key]: value });
    else throw invalidPatchOp(['replace']);
    return;
  }
  throw invalidPatchPath(path);
}

export function findMethod(definition: RestApiDefinition, resourceId: string, httpMethod: string): Method {
  return methodOf(resourceOf(definition, resourceId), httpMethod);
}

/** PutIntegration on the working copy (`body` in AWS's wire names). */
export function putIntegration(definition: RestApiDefinition, env: GatewayEnvironment, resourceId: string, httpMethod: string, body: Body): Integration {
  const method = findMethod(definition, resourceId, httpMethod);
  const created = buildIntegration(env, resourceId, body);
  checkIntegration(env, method, created, 'putIntegrationInput');
  // Integration responses survive a re-put (unverified; AWS documents no cascade).
  if (method.methodIntegration?.integrationResponses) created.integrationResponses = method.methodIntegration.integrationResponses;
  method.methodIntegration = created;
  return created;
}

export function updateIntegration(
  definition: RestApiDefinition, env: GatewayEnvironment, resourceId: string, httpMethod: string, operations: readonly PatchOperation[],
): Integration {
  const method = findMethod(definition, resourceId, httpMethod);
  const target = structuredClone(integrationOf(method));
  for (const operation of operations) patchIntegration(target, operation);
  dropEmpty(target, 'requestParameters', 'requestTemplates');
  checkIntegration(env, method, target, 'updateIntegrationInput');
  method.methodIntegration = target;
  return target;
}

export function deleteIntegration(definition: RestApiDefinition, resourceId: string, httpMethod: string): void {
  const method = findMethod(definition, resourceId, httpMethod);
  integrationOf(method);
  delete method.methodIntegration;
}

export function integrationOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  const uri = '/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration';
  return [
    {
      name: 'PutIntegration',
      method: 'PUT',
      uri,
      handler: async ({ params, body }) => {
        const integration = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          putIntegration(definition, ctx.env, params.resource_id, params.http_method, body), resourceScoped);
        return { statusCode: 201, body: integrationOut(integration) };
      },
    },
    {
      name: 'GetIntegration',
      method: 'GET',
      uri,
      handler: async ({ params }) => {
        const definition = await readDefinition(ctx, params.restapi_id, resourceScoped);
        return { statusCode: 200, body: integrationOut(integrationOf(findMethod(definition, params.resource_id, params.http_method))) };
      },
    },
    {
      name: 'UpdateIntegration',
      method: 'PATCH',
      uri,
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateIntegrationInput', errors);
        throwIfErrors(errors);
        const integration = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          updateIntegration(definition, ctx.env, params.resource_id, params.http_method, operations), resourceScoped);
        return { statusCode: 200, body: integrationOut(integration) };
      },
    },
    {
      name: 'DeleteIntegration',
      method: 'DELETE',
      uri,
      handler: async ({ params }) => {
        await mutateDefinition(ctx, params.restapi_id, (definition) => deleteIntegration(definition, params.resource_id, params.http_method), resourceScoped);
        return { statusCode: 204 };
      },
    },
  ];
}
