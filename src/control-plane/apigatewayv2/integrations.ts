// Integrations of HTTP APIs: CreateIntegration, GetIntegrations, GetIntegration,
// UpdateIntegration, DeleteIntegration
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-integrations.html).
// HTTP APIs have AWS_PROXY (Lambda; payload 1.0 or 2.0, default 2.0, method POST) and
// HTTP_PROXY (a URL; payload 1.0 only), `timeoutInMillis` 50–30000 (default 30000)
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations.html).
import { badRequest, conflict } from '../../aws/errors.js';
import { functionOfIntegrationUri, parseFunctionName } from '../../functions/arn.js';
import { HTTP_INTEGRATION_TIMEOUT_MS, type HttpIntegration, type HttpIntegrationType, type PayloadFormatVersion } from '../../model/http-api.js';
import { checkRequestParameters, checkResponseParameters } from '../../compiler/http-parameter-mapping.js';
import type { OperationDefinition, OperationRequest } from '../route-table.js';
import { optNumber, optObject, optString, type Body } from '../apigateway/validation.js';
import { integrationOf, mutateApi, newIntegrationId, readApi, type ApiGatewayV2Context } from './context.js';
import { paginateV2 } from './paging.js';

const { min: MIN_TIMEOUT_MS, max: MAX_TIMEOUT_MS, default: DEFAULT_TIMEOUT_MS } = HTTP_INTEGRATION_TIMEOUT_MS;
const TYPES: readonly string[] = ['AWS_PROXY', 'HTTP_PROXY'];
const METHODS: readonly string[] = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The Lambda function an AWS_PROXY integration URI names (a function ARN or the invocation URI), or undefined. */
export function lambdaTargetOf(uri: string): string | undefined {
  const arn = functionOfIntegrationUri(uri) ?? uri;
  return arn.startsWith('arn:') && arn.includes(':lambda:') && (arn.includes('${stageVariables.') || parseFunctionName(arn) !== undefined) ? arn : undefined;
}

function isUrl(uri: string): boolean {
  return /^https?:\/\/[^/\s]+/i.test(uri);
}

/**
 * Parameter mappings sent to Create/UpdateIntegration merged over the stored ones; a key sent
 * with "" is removed (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html,
 * "Remove parameter mappings").
 */
function mergedMappings(current: Record<string, string> | undefined, sent: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(sent)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Quick create's integration: a Lambda ARN → AWS_PROXY 2.0; a URL → HTTP_PROXY 1.0, method ANY. */
export function quickIntegration(ctx: ApiGatewayV2Context, integrationId: string, target: string, credentialsArn: string | undefined): HttpIntegration {
  const lambda = lambdaTargetOf(target) !== undefined;
  if (!lambda && !isUrl(target)) throw badRequest(`Invalid target ${target}: must be a Lambda function ARN or an HTTP URL`); // unverified
  return {
    integrationId,
    integrationType: lambda ? 'AWS_PROXY' : 'HTTP_PROXY',
    integrationUri: target,
    integrationMethod: lambda ? 'POST' : 'ANY',
    connectionType: 'INTERNET',
    payloadFormatVersion: lambda ? '2.0' : '1.0',
    timeoutInMillis: DEFAULT_TIMEOUT_MS,
    apiGatewayManaged: true,
    ...(credentialsArn !== undefined && { credentialsArn }),
  };
}

/** Applies the members a Create/UpdateIntegration body sets onto `integration`, then checks the result. */
function applyFields(integration: HttpIntegration, body: Body): void {
  const type = optString(body, 'integrationType');
  if (type !== undefined) {
    if (!TYPES.includes(type)) throw badRequest(`Unsupported integration type ${type} for HTTP APIs: use AWS_PROXY or HTTP_PROXY`); // unverified
    integration.integrationType = type as HttpIntegrationType;
  }
  const strings = ['integrationUri', 'integrationMethod', 'integrationSubtype', 'connectionId', 'credentialsArn', 'description'] as const;
  for (const key of strings) {
    const value = optString(body, key);
    if (value !== undefined) integration[key] = value;
  }
  const connectionType = optString(body, 'connectionType');
  if (connectionType !== undefined) {
    if (connectionType !== 'INTERNET' && connectionType !== 'VPC_LINK') throw badRequest(`Invalid connectionType ${connectionType}`); // unverified
    integration.connectionType = connectionType;
  }
  const version = optString(body, 'payloadFormatVersion');
  if (version !== undefined) {
    if (version !== '1.0' && version !== '2.0') throw badRequest(`Invalid payloadFormatVersion ${version}: must be 1.0 or 2.0`); // unverified
    integration.payloadFormatVersion = version as PayloadFormatVersion;
  }
  const timeout = optNumber(body, 'timeoutInMillis');
  if (timeout !== undefined) integration.timeoutInMillis = timeout;
  const requestParameters = optObject(body, 'requestParameters');
  if (requestParameters !== undefined) integration.requestParameters = mergedMappings(integration.requestParameters, requestParameters as Record<string, string>);
  const responseParameters = optObject(body, 'responseParameters');
  if (responseParameters !== undefined) {
    const merged: Record<string, Record<string, string>> = { ...integration.responseParameters };
    for (const [status, map] of Object.entries(responseParameters as Record<string, Record<string, string>>)) {
      // `{"404": {}}` removes that status code's mappings.
      const next = map !== null && typeof map === 'object' && Object.keys(map).length > 0 ? mergedMappings(merged[status], map) : undefined;
      if (next === undefined || Object.keys(next).length === 0) delete merged[status];
      else merged[status] = next;
    }
    integration.responseParameters = merged;
  }
  const tls = optObject(body, 'tlsConfig');
  if (tls !== undefined) integration.tlsConfig = { ...(typeof tls.serverNameToVerify === 'string' && { serverNameToVerify: tls.serverNameToVerify }) };
  checkIntegration(integration);
}

/** What AWS refuses at ingest (messages unverified unless noted). */
export function checkIntegration(integration: HttpIntegration): void {
  const { integrationType: type, integrationUri: uri } = integration;
  if (uri === undefined) throw badRequest('IntegrationUri is required for integration type ' + type); // unverified
  if (type === 'AWS_PROXY' && integration.integrationSubtype === undefined && lambdaTargetOf(uri) === undefined) {
    throw badRequest(`Invalid integration URI ${uri}: an AWS_PROXY integration takes a Lambda function ARN`);
  }
  if (type === 'AWS_PROXY' && integration.integrationSubtype !== undefined) {
    throw badRequest(`AWS service integrations (integrationSubtype ${integration.integrationSubtype}) are not supported by Archway yet`); // Archway's own
  }
  if (type === 'HTTP_PROXY' && !isUrl(uri)) throw badRequest(`Invalid integration URI ${uri}: an HTTP_PROXY integration takes an http or https URL`);
  if (type === 'HTTP_PROXY' && integration.integrationMethod === undefined) throw badRequest('IntegrationMethod is required for HTTP_PROXY integrations');
  if (integration.integrationMethod !== undefined && !METHODS.includes(integration.integrationMethod.toUpperCase())) {
    throw badRequest(`Invalid integrationMethod ${integration.integrationMethod}`);
  }
  if (type === 'HTTP_PROXY' && integration.payloadFormatVersion !== '1.0') {
    throw badRequest('Integrations of type HTTP_PROXY only support payload format version 1.0');
  }
  if (integration.connectionType === 'VPC_LINK') throw badRequest('VPC_LINK connections are not supported by Archway'); // Archway's own: no VPC here
  const timeout = integration.timeoutInMillis;
  if (!Number.isInteger(timeout) || timeout < MIN_TIMEOUT_MS || timeout > MAX_TIMEOUT_MS) {
    throw badRequest(`Timeout must be between ${MIN_TIMEOUT_MS} ms and ${MAX_TIMEOUT_MS} ms`); // unverified wording
  }
  const requestProblem = checkRequestParameters(integration.requestParameters, type);
  if (requestProblem !== undefined) throw badRequest(requestProblem);
  const responseProblem = checkResponseParameters(integration.responseParameters);
  if (responseProblem !== undefined) throw badRequest(responseProblem);
}

async function createIntegration(ctx: ApiGatewayV2Context, request: OperationRequest) {
  const type = optString(request.body, 'integrationType');
  if (type === undefined) throw badRequest('IntegrationType is required'); // unverified
  // AWS's defaults per type (AWS CLI example outputs): Lambda POST 2.0, HTTP 1.0.
  const integration: HttpIntegration = {
    integrationId: newIntegrationId(),
    integrationType: type as HttpIntegrationType,
    connectionType: 'INTERNET',
    payloadFormatVersion: type === 'AWS_PROXY' ? '2.0' : '1.0',
    timeoutInMillis: DEFAULT_TIMEOUT_MS,
    ...(type === 'AWS_PROXY' && { integrationMethod: 'POST' }),
  };
  applyFields(integration, request.body);
  await mutateApi(ctx, request.params.apiId, (definition) => {
    if (definition.integrations.length >= ctx.env.limits.maxResourcesPerApi) {
      throw conflict(`Exceeded the maximum number of integrations (${ctx.env.limits.maxResourcesPerApi}) for this API`); // unverified
    }
    definition.integrations.push(integration);
  });
  return { statusCode: 201, body: integration };
}

export function integrationOperations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  const base = '/v2/apis/{apiId}/integrations';
  return [
    { name: 'CreateIntegration', method: 'POST', uri: base, handler: (request) => createIntegration(ctx, request) },
    {
      name: 'GetIntegrations', method: 'GET', uri: base,
      handler: async (request) => ({ statusCode: 200, body: paginateV2((await readApi(ctx, request.params.apiId)).integrations, request.query) }),
    },
    {
      name: 'GetIntegration', method: 'GET', uri: `${base}/{integrationId}`,
      handler: async (request) => ({ statusCode: 200, body: integrationOf(ctx, await readApi(ctx, request.params.apiId), request.params.integrationId) }),
    },
    {
      name: 'UpdateIntegration', method: 'PATCH', uri: `${base}/{integrationId}`,
      handler: async (request) => {
        const integration = await mutateApi(ctx, request.params.apiId, (definition) => {
          const found = integrationOf(ctx, definition, request.params.integrationId);
          applyFields(found, request.body);
          return found;
        });
        return { statusCode: 200, body: integration };
      },
    },
    {
      name: 'DeleteIntegration', method: 'DELETE', uri: `${base}/{integrationId}`,
      handler: async (request) => {
        const { apiId, integrationId } = request.params;
        await mutateApi(ctx, apiId, (definition) => {
          integrationOf(ctx, definition, integrationId);
          if (definition.routes.some((route) => route.target === `integrations/${integrationId}`)) {
            throw conflict(`Integration ${integrationId} is in use by a route`); // unverified wording
          }
          definition.integrations = definition.integrations.filter((integration) => integration.integrationId !== integrationId);
        });
        return { statusCode: 204 };
      },
    },
  ];
}
