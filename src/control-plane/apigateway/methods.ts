// Methods: PutMethod, GetMethod, UpdateMethod, DeleteMethod (the method request).
// https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethod.html
// Messages recorded (LocalStack AWS snapshots) unless marked unverified.
import { badRequest, conflict } from '../../aws/errors.js';
import type { AuthorizationType, HttpMethod, Method, RestApiDefinition } from '../../model/rest-api.js';
import type { OperationDefinition } from '../route-table.js';
import { methodOf, mutateDefinition, readDefinition, resourceOf, resourceScoped, type ApiGatewayContext } from './context.js';
import { invalidPatchOp, invalidPatchPath, keyAfter, readPatchOperations, unescapeSegment, type PatchOperation } from './patch.js';
import { methodOut } from './serialize.js';
import {
  checkContentTypes, dropEmpty, invalidMapping, nullError, optBoolean, optBooleanMap, optString, optStringList, optStringMap,
  patchBoolean, throwIfErrors, type Body,
} from './validation.js';

/** Order as AWS prints it (recorded). */
const VERBS: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'ANY'];
const AUTHORIZATION_TYPES: readonly AuthorizationType[] = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'];
export const METHOD_REQUEST_PARAMETER = /^method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(.+)$/;

export function checkVerb(httpMethod: string): HttpMethod {
  if (!VERBS.includes(httpMethod as HttpMethod)) throw badRequest(`Invalid HttpMethod specified. Valid options are ${VERBS.join(',')}`);
  return httpMethod as HttpMethod;
}

/** Whether `authorizerId` names an authorizer of this API (recorded: an unknown id is refused). */
function authorizerExists(definition: RestApiDefinition, authorizerId: string | undefined): boolean {
  return !!authorizerId && !!definition.authorizers && Object.hasOwn(definition.authorizers, authorizerId);
}

const invalidAuthorizer = () =>
  badRequest('Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.');
const invalidValidator = () => badRequest('Invalid Request Validator identifier specified');
export const invalidModel = (name: string) => badRequest(`Invalid model identifier specified: ${name}`);

function checkAuthorization(definition: RestApiDefinition, method: Method): void {
  if (!AUTHORIZATION_TYPES.includes(method.authorizationType)) throw badRequest('Invalid authorization type specified'); // unverified
  if (method.authorizationType === 'CUSTOM' || method.authorizationType === 'COGNITO_USER_POOLS') {
    if (!authorizerExists(definition, method.authorizerId)) throw invalidAuthorizer();
  } else {
    // recorded: an authorizerId on a NONE/AWS_IAM method is dropped
    delete method.authorizerId;
  }
}

/** Keys `method.request.{location}.{name}`; names unique across locations (recorded text). */
export function checkMethodRequestParameters(parameters: Record<string, boolean> | undefined): void {
  if (!parameters) return;
  const seen = new Map<string, string>();
  for (const key of Object.keys(parameters)) {
    const m = METHOD_REQUEST_PARAMETER.exec(key);
    if (!m) throw invalidMapping(`Invalid mapping expression specified: ${key}`); // unverified detail
    const family = m[1].replace('multivalue', '');
    const previous = seen.get(m[2]);
    if (previous !== undefined && previous !== family) throw badRequest('Parameter names must be unique across querystring, header and path');
    seen.set(m[2], family);
  }
}

export function checkModels(definition: RestApiDefinition, models: Record<string, string> | undefined): void {
  if (!models) return;
  // `$default`: the model for every content type without its own
  // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html).
  const { $default: _catchAll, ...typed } = models;
  checkContentTypes(typed);
  for (const name of Object.values(models)) if (!Object.hasOwn(definition.models, name)) throw invalidModel(name);
}

function patchMethod(definition: RestApiDefinition, method: Method, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (path === undefined) throw invalidPatchPath(path);
  const parameter = keyAfter(path, '/requestParameters');
  if (parameter !== undefined) {
    const parameters = (method.requestParameters ??= {});
    if (op === 'remove') delete parameters[parameter];
    else if (op === 'add' || op === 'replace') {
      parameters[parameter] = patchBoolean(value);
      checkMethodRequestParameters(parameters);
    } else throw invalidPatchOp(['add', 'remove', 'replace']);
    return;
  }
  const contentType = keyAfter(path, '/requestModels');
  if (contentType !== undefined) {
    const models = (method.requestModels ??= {});
    if (op === 'remove') delete models[contentType];
    else if (op === 'add' || op === 'replace') {
      models[contentType] = value ?? '';
      checkModels(definition, models);
    } else throw invalidPatchOp(['add', 'remove', 'replace']);
    return;
  }
  if (path === '/authorizationScopes' || path.startsWith('/authorizationScopes/')) {
    const scope = path === '/authorizationScopes' ? value : unescapeSegment(path.slice('/authorizationScopes/'.length));
    if (!scope) throw invalidPatchPath(path);
    const scopes = (method.authorizationScopes ??= []);
    if (op === 'add' || op === 'replace') {
      if (!scopes.includes(scope)) scopes.push(scope);
    } else if (op === 'remove') {
      const at = scopes.indexOf(scope);
      if (at !== -1) scopes.splice(at, 1);
    } else throw invalidPatchOp(['add', 'remove']);
    return;
  }
  const scalars = ['/authorizationType', '/authorizerId', '/apiKeyRequired', '/operationName', '/requestValidatorId'];
  if (!scalars.includes(path)) throw invalidPatchPath(path);
  if (op !== 'replace') throw invalidPatchOp(['replace']);
  switch (path) {
    case '/authorizationType':
      method.authorizationType = (value ?? '') as AuthorizationType;
      return;
    case '/authorizerId':
      if (value) method.authorizerId = value;
      else delete method.authorizerId;
      return;
    case '/apiKeyRequired':
      method.apiKeyRequired = patchBoolean(value);
      return;
    case '/operationName':
      if (value) method.operationName = value;
      else delete method.operationName;
      return;
    case '/requestValidatorId':
      if (!value) delete method.requestValidatorId;
      else if (!Object.hasOwn(definition.requestValidators, value)) throw invalidValidator();
      else method.requestValidatorId = value;
      return;
  }
}

/** What PutMethod checks before it looks at the API (AWS answers these first). */
export function checkPutMethodInput(body: Body): void {
  if (optString(body, 'authorizationType') === undefined) throwIfErrors([nullError('putMethodInput.authorizationType')]); // unverified
}

/** PutMethod on the working copy: `body` is the request body in AWS's wire names. */
export function putMethod(definition: RestApiDefinition, resourceId: string, httpMethod: string, body: Body): Method {
  checkPutMethodInput(body);
  const resource = resourceOf(definition, resourceId);
  const verb = checkVerb(httpMethod);
  const created: Method = {
    httpMethod: verb,
    authorizationType: optString(body, 'authorizationType') as AuthorizationType,
    apiKeyRequired: optBoolean(body, 'apiKeyRequired') ?? false,
  };
  const authorizerId = optString(body, 'authorizerId');
  if (authorizerId) created.authorizerId = authorizerId;
  checkAuthorization(definition, created);
  const requestValidatorId = optString(body, 'requestValidatorId');
  if (requestValidatorId) {
    if (!Object.hasOwn(definition.requestValidators, requestValidatorId)) throw invalidValidator();
    created.requestValidatorId = requestValidatorId;
  }
  const requestModels = optStringMap(body, 'requestModels');
  checkModels(definition, requestModels);
  if (requestModels && Object.keys(requestModels).length > 0) created.requestModels = requestModels;
  const requestParameters = optBooleanMap(body, 'requestParameters');
  checkMethodRequestParameters(requestParameters);
  if (requestParameters && Object.keys(requestParameters).length > 0) created.requestParameters = requestParameters;
  const operationName = optString(body, 'operationName');
  if (operationName) created.operationName = operationName;
  const authorizationScopes = optStringList(body, 'authorizationScopes');
  if (authorizationScopes?.length) created.authorizationScopes = authorizationScopes;
  const methods = (resource.resourceMethods ??= {});
  if (methods[verb]) throw conflict('Method already exists for this resource');
  methods[verb] = created;
  return created;
}

/** UpdateMethod: applies the patch operations in order, then re-checks the method. */
export function updateMethod(definition: RestApiDefinition, resourceId: string, httpMethod: string, operations: readonly PatchOperation[]): Method {
  const target = methodOf(resourceOf(definition, resourceId), httpMethod);
  for (const operation of operations) patchMethod(definition, target, operation);
  checkAuthorization(definition, target);
  dropEmpty(target, 'requestParameters', 'requestModels', 'authorizationScopes');
  return target;
}

export function deleteMethod(definition: RestApiDefinition, resourceId: string, httpMethod: string): void {
  const resource = resourceOf(definition, resourceId);
  methodOf(resource, httpMethod);
  delete resource.resourceMethods?.[httpMethod as HttpMethod];
  if (resource.resourceMethods && Object.keys(resource.resourceMethods).length === 0) delete resource.resourceMethods;
}

export function methodOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  const uri = '/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}';
  return [
    {
      name: 'PutMethod',
      method: 'PUT',
      uri,
      handler: async ({ params, body }) => {
        checkPutMethodInput(body);
        const method = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          putMethod(definition, params.resource_id, params.http_method, body), resourceScoped);
        return { statusCode: 201, body: methodOut(method) };
      },
    },
    {
      name: 'GetMethod',
      method: 'GET',
      uri,
      handler: async ({ params }) => {
        const definition = await readDefinition(ctx, params.restapi_id, resourceScoped);
        return { statusCode: 200, body: methodOut(methodOf(resourceOf(definition, params.resource_id), params.http_method)) };
      },
    },
    {
      name: 'UpdateMethod',
      method: 'PATCH',
      uri,
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateMethodInput', errors);
        throwIfErrors(errors);
        const method = await mutateDefinition(ctx, params.restapi_id, (definition) =>
          updateMethod(definition, params.resource_id, params.http_method, operations), resourceScoped);
        return { statusCode: 200, body: methodOut(method) };
      },
    },
    {
      name: 'DeleteMethod',
      method: 'DELETE',
      uri,
      handler: async ({ params }) => {
        await mutateDefinition(ctx, params.restapi_id, (definition) => deleteMethod(definition, params.resource_id, params.http_method), resourceScoped);
        return { statusCode: 204 };
      },
    },
  ];
}
