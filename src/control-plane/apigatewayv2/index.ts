// The apigatewayv2 (2018-11-29) operations Archway serves for HTTP APIs, under `/v2/` on the
// apigateway control plane: the SDKs sign them with the service name `apigateway`, so they are
// told apart by path, not by credential scope (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/).
import type { OperationDefinition } from '../route-table.js';
import type { ApiGatewayV2Context } from './context.js';
import { apiOperations } from './apis.js';
import { authorizerOperations } from './authorizers.js';
import { deploymentOperations } from './deployments.js';
import { integrationOperations } from './integrations.js';
import { openApiOperations } from './openapi.js';
import { routeOperations } from './routes.js';
import { stageOperations } from './stages.js';
import { tagOperations } from './tags.js';

export type { ApiGatewayV2Context } from './context.js';

export function apigatewayv2Operations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  return [
    ...apiOperations(ctx),
    ...routeOperations(ctx),
    ...integrationOperations(ctx),
    ...stageOperations(ctx),
    ...deploymentOperations(ctx),
    ...authorizerOperations(ctx),
    ...openApiOperations(ctx),
    ...tagOperations(ctx),
  ];
}
