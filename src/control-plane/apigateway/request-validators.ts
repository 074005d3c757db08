// RequestValidators: Create/Get/Update/DeleteRequestValidator, GetRequestValidators.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateRequestValidator.html
// Messages recorded (LocalStack AWS snapshots) unless marked unverified.
import { badRequest, conflict, notFound } from '../../aws/errors.js';
import { shortId } from '../../aws/ids.js';
import type { RequestValidator, RestApiDefinition } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import { mutateDefinition, readDefinition, type ApiGatewayContext } from './context.js';
import { paginate } from './paging.js';
import { readPatchOperations, requireReplaceOf, type PatchOperation } from './patch.js';
import { optBoolean, optString, patchBoolean, throwIfErrors, type Body } from './validation.js';

const validatorNotFound = () => notFound('Invalid Request Validator identifier specified');

const validatorOf = (definition: RestApiDefinition, id: string): RequestValidator => {
  const validator = Object.hasOwn(definition.requestValidators, id) ? definition.requestValidators[id] : undefined;
  if (!validator) throw validatorNotFound();
  return validator;
};

/** CreateRequestValidator on the working copy (`body` in AWS's wire names). */
export function createRequestValidator(definition: RestApiDefinition, body: Body): RequestValidator {
  const name = optString(body, 'name');
  if (name !== undefined && name.trim() === '') throw badRequest('Request Validator name cannot be blank'); // recorded on update
  let id = shortId(6);
  while (Object.hasOwn(definition.requestValidators, id)) id = shortId(6);
  const created: RequestValidator = {
    id,
    name: name ?? '',
    validateRequestBody: optBoolean(body, 'validateRequestBody') ?? false,
    validateRequestParameters: optBoolean(body, 'validateRequestParameters') ?? false,
  };
  definition.requestValidators[id] = created;
  return created;
}

export function updateRequestValidator(definition: RestApiDefinition, id: string, operations: readonly PatchOperation[]): RequestValidator {
  const target = validatorOf(definition, id);
  for (const operation of operations) {
    const path = requireReplaceOf(operation, ['/name', '/validateRequestParameters', '/validateRequestBody']);
    if (path === '/name') {
      if (!operation.value?.trim()) throw badRequest('Request Validator name cannot be blank');
      target.name = operation.value;
    } else if (path === '/validateRequestBody') target.validateRequestBody = patchBoolean(operation.value);
    else target.validateRequestParameters = patchBoolean(operation.value);
  }
  return target;
}

/** DeleteRequestValidator: refused while a method uses it. */
export function deleteRequestValidator(definition: RestApiDefinition, id: string): void {
  validatorOf(definition, id);
  for (const resource of Object.values(definition.resources)) {
    for (const [verb, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (method?.requestValidatorId === id) {
        // A method must not point at a missing validator. Message unverified.
        throw conflict(`Cannot delete request validator '${id}', is referenced in method request: ${resource.path}/${verb}`);
      }
    }
  }
  delete definition.requestValidators[id];
}

export function requestValidatorOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateRequestValidator',
      method: 'POST',
      uri: '/restapis/{restapi_id}/requestvalidators',
      handler: async ({ params, body }) => {
        const validator = await mutateDefinition(ctx, params.restapi_id, (definition) => createRequestValidator(definition, body),
          () => badRequest('Invalid REST API identifier specified'));
        return { statusCode: 201, body: validator };
      },
    },
    {
      name: 'GetRequestValidators',
      method: 'GET',
      uri: '/restapis/{restapi_id}/requestvalidators',
      handler: async ({ params, query }) => {
        const definition = await readDefinition(ctx, params.restapi_id);
        return { statusCode: 200, body: paginate(Object.values(definition.requestValidators), query) };
      },
    },
    {
      name: 'GetRequestValidator',
      method: 'GET',
      uri: '/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}',
      handler: async ({ params }) => {
        const definition = await readDefinition(ctx, params.restapi_id, validatorNotFound);
        return { statusCode: 200, body: validatorOf(definition, params.requestvalidator_id) };
      },
    },
    {
      name: 'UpdateRequestValidator',
      method: 'PATCH',
      uri: '/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateRequestValidatorInput', errors);
        throwIfErrors(errors);
        const validator = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          updateRequestValidator(definition, params.requestvalidator_id, operations), validatorNotFound);
        return { statusCode: 200, body: validator };
      },
    },
    {
      name: 'DeleteRequestValidator',
      method: 'DELETE',
      uri: '/restapis/{restapi_id}/requestvalidators/{requestvalidator_id}',
      handler: async ({ params }) => {
        await mutateDefinition(ctx, params.restapi_id, (definition) => deleteRequestValidator(definition, params.requestvalidator_id), validatorNotFound);
        return { statusCode: 202 };
      },
    },
  ];
}
