// The HTTP API pipeline (docs/architecture.md): a second step list over the same parts as the
// REST one. A stage reads the body, answers CORS preflights and routes; the route's plan then
// holds only the steps it needs, chosen once when the stage is compiled: throttle, the
// integration's request, call and response, CORS headers. Failures render as HTTP API errors.
import type { Step, StepList } from '../pipeline/step.js';
import { readBody } from '../steps/parse.js';
import { throttleRequest } from '../steps/throttle.js';
import { ApiConfigurationError } from '../errors/gateway-error.js';
import type { CompiledHttpRoute } from '../../compiler/http-api/types.js';
import type { HttpContext, HttpRoutedContext } from './http-context.js';
import { corsHeaders, corsPreflight } from './cors-steps.js';
import { route } from './route.js';
import { invokeIntegration } from './integration.js';
import { lambdaRequest, lambdaResponse } from './lambda.js';
import { httpProxyRequest, httpProxyResponse } from './http-proxy.js';
import { RouteNotFoundError, httpErrorStep } from './errors.js';
import { iamRouteAuthorizer } from './iam-authorizer.js';
import { jwtRouteAuthorizer } from './jwt-authorizer.js';
import { httpLambdaAuthorizer } from './lambda-authorizer.js';

export const HTTP_STAGE_STEPS: StepList<HttpContext> = Object.freeze({
  request: Object.freeze([readBody, corsPreflight, route]),
  response: Object.freeze([]),
  error: httpErrorStep,
});

const throttle: Step<HttpRoutedContext> = {
  name: 'throttle',
  run: (ctx) => throttleRequest(ctx, ctx.plan.throttle),
};

const notFound: Step<HttpRoutedContext> = {
  name: 'route-without-target',
  run() {
    throw new RouteNotFoundError('the route has no target');
  },
};

function failing(reason: string): Step<HttpRoutedContext> {
  return {
    name: 'configuration-error',
    run() {
      throw new ApiConfigurationError(undefined, { reason });
    },
  };
}

/** What authorizes a route (AWS checks who calls before throttling, as for REST methods). */
function authorizerSteps(route: CompiledHttpRoute): Step<HttpRoutedContext>[] {
  switch (route.authorizationType) {
    case 'NONE':
      return [];
    case 'AWS_IAM':
      return [iamRouteAuthorizer];
    case 'JWT':
      return [jwtRouteAuthorizer];
    case 'CUSTOM':
      // Fail closed: a protected route is never served unchecked.
      return route.lambdaAuthorizer === undefined ? [failing('the route\'s Lambda authorizer does not exist')] : [httpLambdaAuthorizer(route.lambdaAuthorizer)];
  }
}

/** A route's steps in AWS's order, only those it needs. */
export function planRouteSteps(route: CompiledHttpRoute): StepList<HttpRoutedContext> {
  const integration = route.integration;
  const response: Step<HttpRoutedContext>[] = [];
  let request: Step<HttpRoutedContext>[];
  if (integration === undefined && route.target === undefined) {
    // A route without a target is not served: Not Found (as LocalStack answers; unverified against AWS).
    request = [notFound];
  } else if (route.configurationError !== undefined || integration === undefined) {
    request = [failing(route.configurationError ?? 'No integration defined for route')];
  } else if (integration.type === 'AWS_PROXY') {
    request = [...authorizerSteps(route), throttle, lambdaRequest, invokeIntegration];
    response.push(lambdaResponse);
  } else {
    request = [...authorizerSteps(route), throttle, httpProxyRequest, invokeIntegration];
    response.push(httpProxyResponse);
  }
  response.push(corsHeaders);
  // The runner goes on from the step after `route`: a route's list repeats the stage's first.
  request.unshift(...HTTP_STAGE_STEPS.request);
  return Object.freeze({ request: Object.freeze(request), response: Object.freeze(response), error: httpErrorStep as StepList<HttpRoutedContext>['error'] });
}
