// IntegrationResponses: Put/Get/Update/DeleteIntegrationResponse — how a backend answer
// becomes a method response. https://docs.aws.amazon.com/apigateway/latest/api/API_PutIntegrationResponse.html
// Messages recorded (LocalStack AWS snapshots) unless marked unverified.
import { badRequest } from '../../aws/errors.js';
import { compileSelectionPattern } from '../../compiler/selection-pattern.js';
import type { ContentHandling, HttpMethod, IntegrationResponse, Method, RestApiDefinition } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import {
  integrationNotFound, integrationOf, mutateDefinition, readDefinition, resourceOf, resourceScoped, responseNotFound, type ApiGatewayContext,
} from './context.js';
import { CONTENT_HANDLING, findMethod } from './integrations.js';
import { checkSource, METHOD_RESPONSE_TARGET } from './mapping.js';
import { invalidPatchOp, invalidPatchPath, keyAfter, readPatchOperations, type PatchOperation } from './patch.js';
import {
  checkContentTypes, dropEmpty, enumError, invalidMapping, normalizeTemplates, optString, optStringMap, statusCodeErrors, throwIfErrors,
  type Body,
} from './validation.js';

function checkIntegrationResponse(method: Method, response: IntegrationResponse, inputName: string): void {
  if (response.contentHandling !== undefined && !CONTENT_HANDLING.includes(response.contentHandling)) {
    throwIfErrors([enumError(response.contentHandling, `${inputName}.contentHandling`, CONTENT_HANDLING)]); // unverified field path
  }
  if (response.selectionPattern && compileSelectionPattern(response.selectionPattern) === undefined) {
    throw badRequest(`Invalid selection pattern specified: ${response.selectionPattern}`); // unverified
  }
  const declared = method.methodResponses?.[response.statusCode]?.responseParameters ?? {};
  for (const [target, source] of Object.entries(response.responseParameters ?? {})) {
    // A header target must be declared by the method response of the same status (recorded, aws-apigateway-importer
    // issue #209: "errors : [Invalid mapping expression parameter specified: method.response.header.Location]").
    if (!METHOD_RESPONSE_TARGET.test(target)) throw invalidMapping(`Invalid mapping expression specified: ${target}`); // unverified detail
    if (!Object.hasOwn(declared, target)) throw invalidMapping(`Invalid mapping expression parameter specified: ${target}`);
    checkSource(source, ['integration.response', 'stageVariables', 'context', 'static']);
  }
  checkContentTypes(response.responseTemplates);
}

const responseOf = (responses: Record<string, IntegrationResponse> | undefined, statusCode: string): IntegrationResponse => {
  const response = responses && Object.hasOwn(responses, statusCode) ? responses[statusCode] : undefined;
  if (!response) throw responseNotFound();
  return response;
};

/** PutIntegrationResponse on the working copy (`body` in AWS's wire names). */
export function putIntegrationResponse(
  definition: RestApiDefinition, resourceId: string, httpMethod: string, statusCode: string, body: Body,
): IntegrationResponse {
  throwIfErrors(statusCodeErrors(statusCode));
  const method = findMethod(definition, resourceId, httpMethod);
  const integration = integrationOf(method);
  const created: IntegrationResponse = { statusCode };
  const selectionPattern = optString(body, 'selectionPattern');
  if (selectionPattern !== undefined) created.selectionPattern = selectionPattern;
  const responseParameters = optStringMap(body, 'responseParameters');
  if (responseParameters && Object.keys(responseParameters).length > 0) created.responseParameters = responseParameters;
  const responseTemplates = normalizeTemplates(optStringMap(body, 'responseTemplates', true));
  if (responseTemplates && Object.keys(responseTemplates).length > 0) created.responseTemplates = responseTemplates;
  const contentHandling = optString(body, 'contentHandling');
  if (contentHandling) created.contentHandling = contentHandling as ContentHandling;
  checkIntegrationResponse(method, created, 'putIntegrationResponseInput');
  (integration.integrationResponses ??= {})[statusCode] = created;
  return created;
}

export function updateIntegrationResponse(
  definition: RestApiDefinition, resourceId: string, httpMethod: string, statusCode: string, operations: readonly PatchOperation[],
): IntegrationResponse {
  const method = findMethod(definition, resourceId, httpMethod);
  const integration = integrationOf(method);
  const target = structuredClone(responseOf(integration.integrationResponses, statusCode));
  for (const { op, path, value } of operations) {
    if (path === undefined) throw invalidPatchPath(path);
    const parameter = keyAfter(path, '/responseParameters');
    const contentType = keyAfter(path, '/responseTemplates');
    if (parameter !== undefined || contentType !== undefined) {
      const map: Record<string, string | null> = parameter !== undefined ? (target.responseParameters ??= {}) : (target.responseTemplates ??= {});
      const key = (parameter ?? contentType) as string;
      if (op === 'remove') delete map[key];
      else if (op === 'add' || op === 'replace') map[key] = contentType !== undefined && !value ? null : value ?? '';
      else throw invalidPatchOp(['add', 'remove', 'replace']);
    } else if (path === '/selectionPattern' || path === '/contentHandling') {
      const key = path.slice(1) as 'selectionPattern' | 'contentHandling';
      if (op === 'remove' || (key === 'contentHandling' && !value)) delete target[key];
      else if (op === 'replace' || op === 'add') Object.assign(target, { [key]: value ?? '' });
      else throw invalidPatchOp(['replace']);
    } else throw invalidPatchPath(path);
  }
  dropEmpty(target, 'responseParameters', 'responseTemplates');
  checkIntegrationResponse(method, target, 'updateIntegrationResponseInput');
  (integration.integrationResponses ??= {})[statusCode] = target;
  return target;
}

export function deleteIntegrationResponse(definition: RestApiDefinition, resourceId: string, httpMethod: string, statusCode: string): void {
  // recorded: DeleteIntegrationResponse answers an unknown method with the integration message
  const resource = resourceOf(definition, resourceId);
  const integration = resource.resourceMethods?.[httpMethod as HttpMethod]?.methodIntegration;
  if (!integration) throw integrationNotFound();
  responseOf(integration.integrationResponses, statusCode);
  delete integration.integrationResponses?.[statusCode];
  if (integration.integrationResponses && Object.keys(integration.integrationResponses).length === 0) delete integration.integrationResponses;
}

export function integrationResponseOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  const uri = '/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/integration/responses/{status_code}';
  return [
    {
      name: 'PutIntegrationResponse',
      method: 'PUT',
      uri,
      handler: async ({ params, body }) => {
        throwIfErrors(statusCodeErrors(params.status_code));
        const response = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          putIntegrationResponse(definition, params.resource_id, params.http_method, params.status_code, body), resourceScoped);
        return { statusCode: 201, body: response };
      },
    },
    {
      name: 'GetIntegrationResponse',
      method: 'GET',
      uri,
      handler: async ({ params }) => {
        throwIfErrors(statusCodeErrors(params.status_code));
        const definition = await readDefinition(ctx, params.restapi_id, resourceScoped);
        const integration = integrationOf(findMethod(definition, params.resource_id, params.http_method));
        return { statusCode: 200, body: responseOf(integration.integrationResponses, params.status_code) };
      },
    },
    {
      name: 'UpdateIntegrationResponse',
      method: 'PATCH',
      uri,
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateIntegrationResponseInput', errors);
        throwIfErrors(statusCodeErrors(params.status_code, errors));
        const response = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          updateIntegrationResponse(definition, params.resource_id, params.http_method, params.status_code, operations), resourceScoped);
        return { statusCode: 200, body: response };
      },
    },
    {
      name: 'DeleteIntegrationResponse',
      method: 'DELETE',
      uri,
      handler: async ({ params }) => {
        throwIfErrors(statusCodeErrors(params.status_code));
        await mutateDefinition(ctx, params.restapi_id, (definition) =>
          deleteIntegrationResponse(definition, params.resource_id, params.http_method, params.status_code), resourceScoped);
        return { statusCode: 204 };
      },
    },
  ];
}
