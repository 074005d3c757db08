// MethodResponses: Put/Get/Update/DeleteMethodResponse — what a method may answer.
// https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethodResponse.html
// Messages recorded (LocalStack AWS snapshots) unless marked unverified.
import { notFound } from '../../aws/errors.js';
import type { MethodResponse, RestApiDefinition } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import {
  methodOf, mutateDefinition, readDefinition, resourceOf, resourceScoped, responseNotFound, type ApiGatewayContext,
} from './context.js';
import { checkModels } from './methods.js';
import { invalidPatchOp, invalidPatchPath, keyAfter, readPatchOperations, type PatchOperation } from './patch.js';
import {
  dropEmpty, invalidMapping, optBooleanMap, optStringMap, patchBoolean, statusCodeErrors, throwIfErrors, type Body,
} from './validation.js';

export const METHOD_RESPONSE_HEADER = /^method\.response\.header\.([^.\s][^\s]*)$/;

function checkResponseParameters(parameters: Record<string, boolean> | undefined): void {
  for (const key of Object.keys(parameters ?? {})) {
    if (!METHOD_RESPONSE_HEADER.test(key)) throw invalidMapping(`Invalid mapping expression specified: ${key}`); // unverified detail
  }
}

const responseOf = (responses: Record<string, MethodResponse> | undefined, statusCode: string): MethodResponse => {
  const response = responses && Object.hasOwn(responses, statusCode) ? responses[statusCode] : undefined;
  if (!response) throw responseNotFound();
  return response;
};

/** PutMethodResponse on the working copy (`body` in AWS's wire names). */
export function putMethodResponse(definition: RestApiDefinition, resourceId: string, httpMethod: string, statusCode: string, body: Body): MethodResponse {
  throwIfErrors(statusCodeErrors(statusCode));
  const method = methodOf(resourceOf(definition, resourceId), httpMethod);
  const responseParameters = optBooleanMap(body, 'responseParameters') ?? {};
  checkResponseParameters(responseParameters);
  const responseModels = optStringMap(body, 'responseModels') ?? {};
  checkModels(definition, responseModels);
  const created: MethodResponse = { statusCode, responseParameters, responseModels };
  (method.methodResponses ??= {})[statusCode] = created;
  return created;
}

export function updateMethodResponse(
  definition: RestApiDefinition, resourceId: string, httpMethod: string, statusCode: string, operations: readonly PatchOperation[],
): MethodResponse {
  const method = methodOf(resourceOf(definition, resourceId), httpMethod);
  const target = responseOf(method.methodResponses, statusCode);
  for (const { op, path, value } of operations) {
    if (path === undefined) throw invalidPatchPath(path);
    const header = keyAfter(path, '/responseParameters');
    const contentType = keyAfter(path, '/responseModels');
    if (header !== undefined) {
      const parameters = (target.responseParameters ??= {});
      if (op === 'add') {
        parameters[header] = patchBoolean(value);
        checkResponseParameters(parameters);
      } else if (op === 'replace' || op === 'remove') {
        if (!Object.hasOwn(parameters, header)) throw notFound('Invalid parameter name specified');
        if (op === 'remove') delete parameters[header];
        else parameters[header] = patchBoolean(value);
      } else throw invalidPatchOp(['add', 'remove', 'replace']);
    } else if (contentType !== undefined) {
      const models = (target.responseModels ??= {});
      if (op === 'add') {
        models[contentType] = value ?? '';
        checkModels(definition, models);
      } else if (op === 'replace' || op === 'remove') {
        if (!Object.hasOwn(models, contentType)) throw notFound('Content-Type specified was not found');
        if (op === 'remove') delete models[contentType];
        else {
          models[contentType] = value ?? '';
          checkModels(definition, models);
        }
      } else throw invalidPatchOp(['add', 'remove', 'replace']);
    } else throw invalidPatchPath(path);
  }
  dropEmpty(target, 'responseParameters', 'responseModels');
  return target;
}

export function deleteMethodResponse(definition: RestApiDefinition, resourceId: string, httpMethod: string, statusCode: string): void {
  const method = methodOf(resourceOf(definition, resourceId), httpMethod);
  responseOf(method.methodResponses, statusCode);
  delete method.methodResponses?.[statusCode];
  if (method.methodResponses && Object.keys(method.methodResponses).length === 0) delete method.methodResponses;
}

export function methodResponseOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  const uri = '/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}';
  return [
    {
      name: 'PutMethodResponse',
      method: 'PUT',
      uri,
      handler: async ({ params, body }) => {
        throwIfErrors(statusCodeErrors(params.status_code));
        const response = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          putMethodResponse(definition, params.resource_id, params.http_method, params.status_code, body), resourceScoped);
        return { statusCode: 201, body: response };
      },
    },
    {
      name: 'GetMethodResponse',
      method: 'GET',
      uri,
      handler: async ({ params }) => {
        throwIfErrors(statusCodeErrors(params.status_code));
        const definition = await readDefinition(ctx, params.restapi_id, resourceScoped);
        const method = methodOf(resourceOf(definition, params.resource_id), params.http_method);
        return { statusCode: 200, body: responseOf(method.methodResponses, params.status_code) };
      },
    },
    {
      name: 'UpdateMethodResponse',
      method: 'PATCH',
      uri,
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateMethodResponseInput', errors);
        throwIfErrors(statusCodeErrors(params.status_code, errors));
        const response = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          updateMethodResponse(definition, params.resource_id, params.http_method, params.status_code, operations), resourceScoped);
        // UpdateMethodResponse answers 201 (botocore responseCode; recorded).
        return { statusCode: 201, body: response };
      },
    },
    {
      name: 'DeleteMethodResponse',
      method: 'DELETE',
      uri,
      handler: async ({ params }) => {
        throwIfErrors(statusCodeErrors(params.status_code));
        await mutateDefinition(ctx, params.restapi_id, (definition) =>
          deleteMethodResponse(definition, params.resource_id, params.http_method, params.status_code), resourceScoped);
        return { statusCode: 204 };
      },
    },
  ];
}
