// Models: Create/Get/Update/DeleteModel, GetModels — JSON schemas (draft 4) stored with the API,
// checked when written so that a deployment never holds a validator that does not compile (the
// data plane validates request bodies with them). https://docs.aws.amazon.com/apigateway/latest/api/API_CreateModel.html
// Messages recorded (LocalStack AWS snapshots) unless marked unverified.
import { badRequest, conflict, notFound } from '../../aws/errors.js';
import { shortId } from '../../aws/ids.js';
import type { Model, RestApiDefinition } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import { mutateDefinition, readDefinition, type ApiGatewayContext } from './context.js';
import { paginate } from './paging.js';
import { readPatchOperations, requireReplaceOf, type PatchOperation } from './patch.js';
import { nullError, optString, throwIfErrors, type Body } from './validation.js';
import { checkModelSchema, InvalidModelSchemaError } from '../../compiler/model-schemas.js';

const modelNotFound = (name: string) => notFound(`Invalid model name specified: ${name}`);
const emptySchema = () => badRequest('Model schema must have at least 1 property or array items defined');

function checkSchema(definition: RestApiDefinition, name: string, schema: string | undefined): asserts schema is string {
  if (schema === undefined || schema.trim() === '') throw emptySchema();
  let parsed: unknown;
  try {
    parsed = JSON.parse(schema);
  } catch {
    throw badRequest('Invalid model schema specified: the schema is not valid JSON'); // unverified
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.keys(parsed).length === 0) throw emptySchema();
  try {
    checkModelSchema(definition.api.id, definition.models, name, schema);
  } catch (error) {
    if (error instanceof InvalidModelSchemaError) throw badRequest(error.message);
    throw error;
  }
}

/** Where a model is used, as AWS names it: `{resource path}/{VERB}` (recorded: `//ANY`, `/test/ANY`). */
function modelReference(definition: RestApiDefinition, name: string): string | undefined {
  for (const resource of Object.values(definition.resources)) {
    for (const [verb, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (method && Object.values(method.requestModels ?? {}).includes(name)) return `method request: ${resource.path}/${verb}`;
      for (const response of Object.values(method?.methodResponses ?? {})) {
        if (Object.values(response.responseModels ?? {}).includes(name)) return `method response: ${resource.path}/${verb}`; // unverified
      }
    }
  }
  return undefined;
}

const modelOf = (definition: RestApiDefinition, name: string): Model => {
  const model = Object.hasOwn(definition.models, name) ? definition.models[name] : undefined;
  if (!model) throw modelNotFound(name);
  return model;
};

export function checkCreateModelInput(body: Body): void {
  if (optString(body, 'contentType') === undefined) throwIfErrors([nullError('createModelInput.contentType')]); // unverified
}

/** CreateModel on the working copy (`body` in AWS's wire names). */
export function createModel(definition: RestApiDefinition, body: Body): Model {
  checkCreateModelInput(body);
  const name = optString(body, 'name');
  if (!name) throw badRequest('Model name must be non-empty');
  if (!/^[A-Za-z0-9]+$/.test(name)) throw badRequest('Model name must be alphanumeric'); // unverified
  if (Object.hasOwn(definition.models, name)) throw conflict('Model name already exists for this REST API');
  const schema = optString(body, 'schema');
  checkSchema(definition, name, schema);
  const created: Model = { id: shortId(6), name, contentType: optString(body, 'contentType') as string, schema };
  const description = optString(body, 'description');
  if (description) created.description = description;
  definition.models[name] = created;
  return created;
}

export function updateModel(definition: RestApiDefinition, name: string, operations: readonly PatchOperation[]): Model {
  const target = modelOf(definition, name);
  for (const operation of operations) {
    const path = requireReplaceOf(operation, ['/description', '/schema']);
    if (path === '/schema') {
      checkSchema(definition, name, operation.value);
      target.schema = operation.value;
    } else if (operation.value) target.description = operation.value;
    else delete target.description;
  }
  return target;
}

/** DeleteModel: refused while a method request or response uses it. */
export function deleteModel(definition: RestApiDefinition, name: string): void {
  modelOf(definition, name);
  const reference = modelReference(definition, name);
  if (reference) throw conflict(`Cannot delete model '${name}', is referenced in ${reference}`);
  delete definition.models[name];
}

export function modelOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateModel',
      method: 'POST',
      uri: '/restapis/{restapi_id}/models',
      handler: async ({ params, body }) => {
        checkCreateModelInput(body);
        const model = await mutateDefinition(ctx, params.restapi_id, (definition) => createModel(definition, body));
        return { statusCode: 201, body: model };
      },
    },
    {
      name: 'GetModels',
      method: 'GET',
      uri: '/restapis/{restapi_id}/models',
      handler: async ({ params, query }) => {
        const definition = await readDefinition(ctx, params.restapi_id);
        const models = Object.values(definition.models).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return { statusCode: 200, body: paginate(models, query) };
      },
    },
    {
      name: 'GetModel',
      method: 'GET',
      uri: '/restapis/{restapi_id}/models/{model_name}',
      handler: async ({ params }) => {
        const definition = await readDefinition(ctx, params.restapi_id, () => modelNotFound(params.model_name));
        return { statusCode: 200, body: modelOf(definition, params.model_name) };
      },
    },
    {
      name: 'UpdateModel',
      method: 'PATCH',
      uri: '/restapis/{restapi_id}/models/{model_name}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateModelInput', errors);
        throwIfErrors(errors);
        const model = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          updateModel(definition, params.model_name, operations), () => modelNotFound(params.model_name));
        return { statusCode: 200, body: model };
      },
    },
    {
      name: 'DeleteModel',
      method: 'DELETE',
      uri: '/restapis/{restapi_id}/models/{model_name}',
      handler: async ({ params }) => {
        await mutateDefinition(ctx, params.restapi_id, (definition) => deleteModel(definition, params.model_name), () => modelNotFound(params.model_name));
        return { statusCode: 202 };
      },
    },
  ];
}
