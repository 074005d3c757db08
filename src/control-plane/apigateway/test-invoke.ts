// TestInvokeMethod: runs one method of the undeployed working copy through the data
// plane's test pipeline (no auth, no throttling) and answers {status, body, headers,
// multiValueHeaders, log, latency}. https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeMethod.html
import { testInvokeMethod } from '../../data-plane/test-invoke.js';
import type { OperationDefinition } from '../route-table.js';
import { methodOf, readDefinition, resourceOf, resourceScoped, type ApiGatewayContext } from './context.js';
import { optString, optStringListMap, optStringMap } from './validation.js';

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
        const request = {
          pathWithQueryString: optString(body, 'pathWithQueryString'),
          body: optString(body, 'body'),
          headers: optStringMap(body, 'headers'),
          multiValueHeaders: optStringListMap(body, 'multiValueHeaders'),
          clientCertificateId: optString(body, 'clientCertificateId'),
          stageVariables: optStringMap(body, 'stageVariables'),
        };
        const result = await testInvokeMethod(definition, resource.id, method.httpMethod, request, { env: ctx.env, dataPlane: ctx.dataPlane });
        return { statusCode: 200, body: result };
      },
    },
  ];
}
