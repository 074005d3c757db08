// The REST API pipeline, in AWS's order (DESIGN.md §5; data-plane.md §2). The first stages run
// for every request; `method` then runs the stages compiled into the matched method's plan,
// which holds only what that method uses.
import type { Stage } from './stage.js';
import type { InvocationContext, RoutedContext } from './context.js';
import type { IntegrationPlan } from '../../compiler/types.js';
import { runStages } from './runner.js';
import { parse } from '../stages/parse.js';
import { route } from '../stages/route.js';
import { httpProxyRequest, httpRequest, requestParameters, requestTemplate } from '../stages/integration-request.js';
import { integration } from '../stages/integration.js';
import { integrationResponse, proxyIntegrationResponse } from '../stages/integration-response.js';
import { methodResponse } from '../stages/method-response.js';
import { lambdaProxyRequest, lambdaProxyResponse, lambdaRequest } from '../stages/lambda.js';
import { ApiConfigurationError } from '../errors/gateway-error.js';

/** Runs the matched method's planned stages. */
const method: Stage<InvocationContext> = {
  name: 'method',
  run(ctx) {
    return runStages(ctx as RoutedContext, ctx.plan!.stages);
  },
};

export const REST_PIPELINE: readonly Stage<InvocationContext>[] = [
  parse, //             method override, body (413)
  route, //             resource + method (403 Missing Authentication Token)
  method, //            the plan's stages, below
];

/**
 * A method's stages after routing, chosen once at compile time. Later issues insert, in this
 * order before the integration request: resource policy, authorize, API key and usage plan,
 * throttle, validate, cache.
 */
export function planMethodStages(plan: IntegrationPlan | undefined): Stage<RoutedContext>[] {
  if (plan === undefined) return [failing('No integration defined for method')];
  const stages: Stage<RoutedContext>[] = [];
  switch (plan.type) {
    case 'HTTP_PROXY':
      if (plan.uri === undefined) return [failing('HTTP_PROXY integration has no uri')];
      if (plan.requestParameters.length > 0) stages.push(requestParameters);
      stages.push(httpProxyRequest, integration, proxyIntegrationResponse);
      return stages;
    case 'HTTP':
    case 'MOCK':
      if (plan.type === 'HTTP' && plan.uri === undefined) return [failing('HTTP integration has no uri')];
      if (plan.requestParameters.length > 0) stages.push(requestParameters);
      if (plan.requestTemplates !== undefined || plan.passthroughBehavior === 'NEVER' || plan.contentHandling !== undefined) {
        stages.push(requestTemplate);
      }
      if (plan.type === 'HTTP') stages.push(httpRequest);
      stages.push(integration, integrationResponse, methodResponse);
      return stages;
    case 'AWS_PROXY':
      // Lambda proxy: requestParameters and templates do not apply (lambda-events.md §1).
      if (plan.functionRef === undefined) return [failing('AWS_PROXY integrations other than Lambda are not supported yet')];
      // Lambda is invoked with POST; LocalStack answers other verbs with 500 (AWS unverified).
      if (plan.httpMethod !== 'POST') return [failing(`Lambda proxy integrations must use POST, not ${plan.httpMethod ?? 'no method'}`)];
      return [lambdaProxyRequest, integration, lambdaProxyResponse];
    case 'AWS':
      if (plan.functionRef === undefined) return [failing('AWS service integrations other than Lambda are not supported yet')];
      if (plan.requestParameters.length > 0) stages.push(requestParameters);
      if (plan.requestTemplates !== undefined || plan.passthroughBehavior === 'NEVER' || plan.contentHandling !== undefined) {
        stages.push(requestTemplate);
      }
      stages.push(lambdaRequest, integration, integrationResponse, methodResponse);
      return stages;
    default:
      return [failing(`integration type ${plan.type} is not supported yet`)];
  }
}

function failing(reason: string): Stage<RoutedContext> {
  return {
    name: 'configuration-error',
    run() {
      throw new ApiConfigurationError(undefined, { reason });
    },
  };
}
