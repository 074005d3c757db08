// TestInvokeMethod: runs one method of the undeployed working copy through the data
// plane's test pipeline (its Lambda authorizer with the given headers; no resource policy, no
// throttling) and answers {status, body, headers, multiValueHeaders, log, latency}.
// https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeMethod.html
// TestInvokeAuthorizer: calls one Lambda authorizer of the working copy the same way and answers
// {clientStatus, log, latency, principalId, policy, authorization}.
// https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeAuthorizer.html
import { badRequest } from '../../aws/errors.js';
import { testInvokeAuthorizer, testInvokeMethod, type TestInvokeRequest } from '../../data-plane/test-invoke.js';
import type { OperationDefinition } from '../route-table.js';
import { methodOf, readDefinition, resourceOf, resourceScoped, type ApiGatewayContext } from './context.js';
import { optString, optStringListMap, optStringMap, type Body } from './validation.js';
import { authorizerOf } from './authorizers.js';

function testRequest(body: Body): TestInvokeRequest {
  return {
    pathWithQueryString: optString(body, 'pathWithQueryString'),
    body: optString(body, 'body'),
    headers: optStringMap(body, 'headers'),
    multiValueHeaders: optStringListMap(body, 'multiValueHeaders'),
    clientCertificateId: optString(body, 'clientCertificateId'),
    stageVariables: optStringMap(body, 'stageVariables'),
  };
}

export function testInvokeOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'TestInvokeMethod',
      method: 'POST',
      uri: '/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}',
      handler: async ({ params, body }) => {
        // recorded: an unknown API answers with the resource message
        const definition = await readDefinition(ctx, params.restapi_id, resourceScoped);
        const resource = resourceOf(definition, params.resource_id);
        const method = methodOf(resource, params.http_method);
        const result = await testInvokeMethod(definition, resource.id, method.httpMethod, testRequest(body), { env: ctx.env, dataPlane: ctx.dataPlane });
        return { statusCode: 200, body: result };
      },
    },
    {
      name: 'TestInvokeAuthorizer',
      method: 'POST',
      uri: '/restapis/{restapi_id}/authorizers/{authorizer_id}',
      handler: async ({ params, body }) => {
        const definition = await readDefinition(ctx, params.restapi_id);
        const authorizer = authorizerOf(definition, params.authorizer_id);
        // Cognito authorizers are verified without a function: not testable here yet (unverified message).
        if (authorizer.type === 'COGNITO_USER_POOLS') throw badRequest('TestInvokeAuthorizer is supported for TOKEN and REQUEST authorizers only');
        const result = await testInvokeAuthorizer(definition, authorizer, testRequest(body), { env: ctx.env, dataPlane: ctx.dataPlane });
        return { statusCode: 200, body: result };
      },
    },
  ];
}
