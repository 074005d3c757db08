// The apigateway (2015-07-09) REST-JSON operations Archway serves, one module per resource
// family (https://docs.aws.amazon.com/apigateway/latest/api/). The dispatcher (../control-plane.ts)
// verifies SigV4 first.
import type { OperationDefinition } from '../route-table.js';
import type { ApiGatewayContext } from './context.js';
import { apiKeyImportOperations } from './api-key-import.js';
import { apiKeyOperations } from './api-keys.js';
import { authorizerOperations } from './authorizers.js';
import { deploymentOperations } from './deployments.js';
import { gatewayResponseOperations } from './gateway-responses.js';
import { integrationResponseOperations } from './integration-responses.js';
import { integrationOperations } from './integrations.js';
import { methodResponseOperations } from './method-responses.js';
import { methodOperations } from './methods.js';
import { modelOperations } from './models.js';
import { openApiOperations } from './openapi.js';
import { requestValidatorOperations } from './request-validators.js';
import { resourceOperations } from './resources.js';
import { restApiOperations } from './rest-apis.js';
import { stageOperations } from './stages.js';
import { tagOperations } from './tags.js';
import { testInvokeOperations } from './test-invoke.js';
import { usagePlanKeyOperations } from './usage-plan-keys.js';
import { usagePlanOperations } from './usage-plans.js';
import { usageOperations } from './usage.js';

export type { ApiGatewayContext } from './context.js';

export function apigatewayOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    ...restApiOperations(ctx),
    ...openApiOperations(ctx),
    ...resourceOperations(ctx),
    ...methodOperations(ctx),
    ...methodResponseOperations(ctx),
    ...integrationOperations(ctx),
    ...integrationResponseOperations(ctx),
    ...deploymentOperations(ctx),
    ...stageOperations(ctx),
    ...modelOperations(ctx),
    ...requestValidatorOperations(ctx),
    ...authorizerOperations(ctx),
    ...gatewayResponseOperations(ctx),
    ...tagOperations(ctx),
    ...testInvokeOperations(ctx),
    ...apiKeyOperations(ctx),
    ...apiKeyImportOperations(ctx),
    ...usagePlanOperations(ctx),
    ...usagePlanKeyOperations(ctx),
    ...usageOperations(ctx),
  ];
}
