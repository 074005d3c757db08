// Integration request and response for Lambda
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html).
// AWS_PROXY: the event built from the method request, the function's answer parsed as a proxy
// response, and 502 {"message": "Internal server error"} for a function error or a malformed
// answer. AWS (non-proxy): the template output or the passed-through body is the payload, invoked
// asynchronously when `X-Amz-Invocation-Type: Event` is mapped in; the function's answer (or its
// error object) is the endpoint response that integration responses select from by `errorMessage`.
// API Gateway calls as `apigateway.amazonaws.com` with the method's ARN as source, for the
// function's resource policy.
import type { Step } from '../pipeline/step.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import type { FunctionReference } from '../../functions/arn.js';
import type { InvocationType } from '../../functions/local-runtime.js';
import { APIGATEWAY_PRINCIPAL, type InvokeCaller } from '../../functions/policy.js';
import type { FunctionRequest } from '../../integrations/types.js';
import { ApiConfigurationError, InternalServerError } from '../errors/gateway-error.js';
import { headerValue } from '../pipeline/response.js';
import { trace } from '../pipeline/trace.js';
import { buildProxyEvent, parseProxyResponse } from '../../integrations/lambda-proxy-event.js';

/** A Lambda method: the plan has these steps only when the integration URI names a function. */
type LambdaContext = RestRoutedContext & { readonly plan: { readonly integration: { readonly functionRef: FunctionReference } } };


function functionRequest(ctx: LambdaContext, payload: string, invocationType: InvocationType): FunctionRequest {
  const integration = ctx.plan.integration;
  return {
    kind: 'function',
    functionName: integration.functionRef.resolve(ctx.stage.variables),
    invocationType,
    caller: callerOf(ctx),
    payload,
    timeoutMs: integration.timeoutMs,
    signal: ctx,
  };
}

export const lambdaProxyRequest: Step<LambdaContext> = {
  name: 'integration-request.lambda-proxy',
  run(ctx) {
    const payload = buildProxyEvent(ctx);
    ctx.integrationRequest = functionRequest(ctx, payload, 'RequestResponse');
    if (ctx.trace !== undefined) trace(ctx, `Endpoint request body after transformations: ${payload}`);
  },
};

export const lambdaRequest: Step<LambdaContext> = {
  name: 'integration-request.lambda',
  run(ctx) {
    let payload = ctx.templateApplied && ctx.integrationText !== undefined ? ctx.integrationText : (ctx.integrationBody ?? ctx.body).toString('utf8');
    // Lambda takes JSON; an empty body reaches the function as {} (as Invoke does).
    if (payload.trim() === '') payload = '{}';
    else {
      try {
        JSON.parse(payload);
      } catch {
        throw new ApiConfigurationError(undefined, { reason: 'Execution failed due to configuration error: the Lambda payload is not JSON (Could not parse request body into json)' });
      }
    }
    ctx.integrationRequest = functionRequest(ctx, payload, invocationTypeOf(ctx));
    if (ctx.trace !== undefined) trace(ctx, `Endpoint request body after transformations: ${payload}`);
  },
};

/** `X-Amz-Invocation-Type` mapped in by requestParameters ('Event' makes AWS integrations asynchronous). */
function invocationTypeOf(ctx: RestRoutedContext): InvocationType {
  const mapped = ctx.mapped?.header;
  if (mapped === undefined) return 'RequestResponse';
  for (const name in mapped) {
    if (name.toLowerCase() !== 'x-amz-invocation-type') continue;
    const value = mapped[name];
    const type = (Array.isArray(value) ? value[0] : value)?.trim();
    if (type === 'Event' || type === 'DryRun') return type;
  }
  return 'RequestResponse';
}

/** Who is calling, for function policies: API Gateway, from the method's ARN (resource template path; unverified which path form AWS uses). */
function callerOf(ctx: RestRoutedContext): InvokeCaller {
  return {
    principal: APIGATEWAY_PRINCIPAL,
    get sourceArn() {
      const env = ctx.services.env;
      return `arn:aws:execute-api:${env.region}:${env.accountId}:${ctx.apiId}/${ctx.stage.stageName}/${ctx.httpMethod}${ctx.plan.resourcePath}`;
    },
    sourceAccount: ctx.services.env.accountId,
  };
}

/** A Lambda proxy failure: 502 with the 5xx body, through DEFAULT_5XX customisations (unverified that AWS applies them). */
function badGateway(reason: string): InternalServerError {
  return new InternalServerError(undefined, { statusOverride: 502, errorTypeOverride: 'InternalServerErrorException', reason });
}

export const lambdaProxyResponse: Step<RestRoutedContext> = {
  name: 'integration-response.lambda-proxy',
  run(ctx) {
    const endpoint = ctx.endpointResponse;
    // The request ended before the function answered: nothing to parse.
    if (endpoint === undefined) return;
    const payload = (endpoint.body as Buffer).toString('utf8');
    if (headerValue(endpoint.headers, 'x-amz-function-error') !== undefined) {
      throw badGateway(`Lambda function error: ${endpoint.selectionValue || payload.slice(0, 200)}`);
    }
    const binaryMediaTypes = ctx.stage.deployment.binaryMediaTypes;
    const parsed = parseProxyResponse(payload, !binaryMediaTypes.empty && binaryMediaTypes.matches(ctx.accept));
    if ('malformed' in parsed) {
      if (ctx.trace !== undefined) trace(ctx, 'Execution failed due to configuration error: Malformed Lambda proxy response');
      throw badGateway(`Malformed Lambda proxy response: ${parsed.malformed}`);
    }
    ctx.response = parsed;
    if (ctx.trace !== undefined) {
      trace(ctx, `Method response body after transformations: ${parsed.body.toString('utf8')}`);
      trace(ctx, `Method completed with status: ${parsed.statusCode}`);
    }
  },
};
