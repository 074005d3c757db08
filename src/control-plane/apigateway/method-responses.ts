// MethodResponses: Put/Get/Update/DeleteMethodResponse — what a method may answer.
// https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethodResponse.html
// Messages recorded (LocalStack AWS snapshots) unless marked unverified.
import { notFound } from '../../aws/errors.js';
import type { MethodResponse } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import {
  methodOf, mutateDefinition, readDefinition, resourceOf, resourceScoped, responseNotFound, type ApiGatewayContext,
} from './context.js';
import { checkModels } from './methods.js';
import { invalidPatchOp, invalidPatchPath, keyAfter, readPatchOperations } from './patch.js';
import { dropEmpty, invalidMapping, optBooleanMap, optStringMap, patchBoolean, statusCodeErrors, throwIfErrors } from './validation.js';

export const METHOD_RESPONSE_HEADER = /^method\.response\.header\.([^.\s][^\s]*)$/;

function checkResponseParameters(parameters: Record<string, boolean> | undefined): void {
  for (const key of Object.keys(parameters ?? {})) {
    if (!METHOD_RESPONSE_HEADER.test(key)) throw invalidMapping(`Invalid mapping expression specified: ${key}`); // unverified detail
  }
}

export function methodResponseOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  const uri = '/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}/responses/{status_code}';
  const responseOf = (responses: Record<string, MethodResponse> | undefined, statusCode: string) => {
    const response = responses && Object.hasOwn(responses, statusCode) ? responses[statusCode] : undefined;
    if (!response) throw responseNotFound();
    return response;
  };
  return [
    {
      name: 'PutMethodResponse',
      method: 'PUT',
      uri,
      handler: async ({ params, body }) => {
        throwIfErrors(statusCodeErrors(params.status_code));
        const response = await mutateDefinition(ctx, params.restapi_id, (definition) => {
          const method = methodOf(resourceOf(definition, params.resource_id), params.http_method);
          const responseParameters = optBooleanMap(body, 'responseParameters') ?? {};
          checkResponseParameters(responseParameters);
          const responseModels = optStringMap(body, 'responseModels') ?? {};
          checkModels(definition, responseModels);
          const created: MethodResponse = { statusCode: params.status_code, responseParameters, responseModels };
          (method.methodResponses ??= {})[params.status_code] = created;
          return created;
        }, resourceScoped);
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
        const response = await mutateDefinition(ctx, params.restapi_id, (definition) => {
          const method = methodOf(resourceOf(definition, params.resource_id), params.http_method);
          const target = responseOf(method.methodResponses, params.status_code);
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
        }, resourceScoped);
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
        await mutateDefinition(ctx, params.restapi_id, (definition) => {
          const method = methodOf(resourceOf(definition, params.resource_id), params.http_method);
          responseOf(method.methodResponses, params.status_code);
          delete method.methodResponses?.[params.status_code];
          if (method.methodResponses && Object.keys(method.methodResponses).length === 0) delete method.methodResponses;
        }, resourceScoped);
        return { statusCode: 204 };
      },
    },
  ];
}
