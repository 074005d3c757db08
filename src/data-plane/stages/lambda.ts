// Integration request and response for Lambda (lambda-events.md §1, §3, §7;
// mapping-templates.md §6). AWS_PROXY: the event built from the method request, the function's
// answer parsed as a proxy response, and 502 {"message": "Internal server error"} for a function
// error or a malformed answer. AWS (non-proxy): the template output or the passed-through body
// is the payload; the function's answer (or its error object) is the endpoint response that
// integration responses select from by `errorMessage`.
import type { Stage } from '../pipeline/stage.js';
import type { RoutedContext } from '../pipeline/context.js';
import { ApiConfigurationError, InternalServerError } from '../errors/gateway-error.js';
import { headerValue } from '../pipeline/response.js';
import { trace } from '../pipeline/trace.js';
import { buildProxyEvent, parseProxyResponse } from '../../integrations/lambda-proxy-event.js';

export const lambdaProxyRequest: Stage<RoutedContext> = {
  name: 'integration-request.lambda-proxy',
  run(ctx) {
    ctx.integrationText = buildProxyEvent(ctx);
    if (ctx.trace !== undefined) trace(ctx, `Endpoint request body after transformations: ${ctx.integrationText}`);
  },
};

export const lambdaRequest: Stage<RoutedContext> = {
  name: 'integration-request.lambda',
  run(ctx) {
    let payload = ctx.templateApplied ? ctx.integrationText! : (ctx.integrationBody ?? ctx.body).toString('utf8');
    // Lambda takes JSON; an empty body reaches the function as {} (as Invoke does).
    if (payload.trim() === '') payload = '{}';
    else {
      try {
        JSON.parse(payload);
      } catch {
        throw new ApiConfigurationError(undefined, { reason: 'Execution failed due to configuration error: the Lambda payload is not JSON (Could not parse request body into json)' });
      }
    }
    ctx.integrationText = payload;
    if (ctx.trace !== undefined) trace(ctx, `Endpoint request body after transformations: ${payload}`);
  },
};

/** A Lambda proxy failure: 502 with the 5xx body, through DEFAULT_5XX customisations (unverified that AWS applies them). */
function badGateway(reason: string): InternalServerError {
  return new InternalServerError(undefined, { statusOverride: 502, errorTypeOverride: 'InternalServerErrorException', reason });
}

export const lambdaProxyResponse: Stage<RoutedContext> = {
  name: 'integration-response.lambda-proxy',
  run(ctx) {
    const endpoint = ctx.endpointResponse!;
    const payload = (endpoint.body as Buffer).toString('utf8');
    if (headerValue(endpoint.headers, 'x-amz-function-error') !== undefined) {
      throw badGateway(`Lambda function error: ${endpoint.selectionValue || payload.slice(0, 200)}`);
    }
    const parsed = parseProxyResponse(payload, ctx);
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
