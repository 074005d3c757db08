// Lambda (AWS_PROXY) integrations of HTTP APIs
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
// the event in the integration's payload format (2.0, or 1.0 with HTTP API's requestContext),
// the function's answer read by that format's rules (2.0 infers a response from output without
// `statusCode`), and 500 `{"message":"Internal Server Error"}` for a function error or an answer
// that is not a response. API Gateway calls as `apigateway.amazonaws.com` with the route's ARN
// as source, for the function's resource policy.
import type { Step } from '../pipeline/step.js';
import type { FunctionRequest } from '../../integrations/types.js';
import { APIGATEWAY_PRINCIPAL, type InvokeCaller } from '../../functions/policy.js';
import { buildHttpEventV1, buildHttpEventV2, parseHttpResponseV2, type HttpEventSource } from '../../integrations/lambda-http-event.js';
import { parseProxyResponse } from '../../integrations/lambda-proxy-event.js';
import { InternalServerError } from '../errors/gateway-error.js';
import { headerValue } from '../pipeline/response.js';
import type { HttpRoutedContext } from './http-context.js';
import { mapResponse } from './mapping-sources.js';


/** What the event builders read, from the context. */
export function eventSource(ctx: HttpRoutedContext): HttpEventSource {
  return {
    routeKey: ctx.plan.routeKey,
    httpMethod: ctx.httpMethod,
    requestPath: ctx.rawPath,
    rawQuery: ctx.rawQuery,
    rawHeaders: ctx.rawHeaders,
    body: ctx.body,
    pathParameters: ctx.pathParameters,
    stageVariables: ctx.stage.variables,
    stageName: ctx.stage.stageName,
    apiId: ctx.apiId,
    accountId: ctx.services.env.accountId,
    domainName: ctx.domainName,
    requestId: ctx.httpApiRequestId,
    requestTimeEpoch: ctx.requestTimeEpoch,
    sourceIp: ctx.sourceIp,
    protocol: ctx.protocol,
    authorizer: ctx.authorizer,
    identity: ctx.identity,
  };
}

/** Who calls, for function policies: `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}{routePath}`. */
function callerOf(ctx: HttpRoutedContext): InvokeCaller {
  return {
    principal: APIGATEWAY_PRINCIPAL,
    get sourceArn() {
      const env = ctx.services.env;
      const route = ctx.plan.routePath === '$default' ? '$default' : `${ctx.httpMethod}${ctx.plan.routePath}`;
      return `arn:aws:execute-api:${env.region}:${env.accountId}:${ctx.apiId}/${ctx.stage.stageName}/${route}`;
    },
    sourceAccount: ctx.services.env.accountId,
  };
}

export const lambdaRequest: Step<HttpRoutedContext> = {
  name: 'integration-request.lambda',
  run(ctx) {
    const integration = ctx.plan.integration;
    const source = eventSource(ctx);
    const request: FunctionRequest = {
      kind: 'function',
      functionName: (integration.functionRef as NonNullable<typeof integration.functionRef>).resolve(ctx.stage.variables),
      invocationType: 'RequestResponse',
      caller: callerOf(ctx),
      payload: integration.payloadFormatVersion === '2.0' ? buildHttpEventV2(source) : buildHttpEventV1(source),
      timeoutMs: integration.timeoutMs,
      signal: ctx,
    };
    ctx.integrationRequest = request;
  },
};

export const lambdaResponse: Step<HttpRoutedContext> = {
  name: 'integration-response.lambda',
  run(ctx) {
    const endpoint = ctx.endpointResponse;
    // The request ended before the function answered: nothing to read.
    if (endpoint === undefined) return;
    const payload = (endpoint.body as Buffer).toString('utf8');
    if (headerValue(endpoint.headers, 'x-amz-function-error') !== undefined) {
      throw new InternalServerError(undefined, { reason: `Lambda function error: ${endpoint.selectionValue || payload.slice(0, 200)}` });
    }
    const parsed = ctx.plan.integration.payloadFormatVersion === '2.0' ? parseHttpResponseV2(payload) : parseProxyResponse(payload, true);
    if ('malformed' in parsed) throw new InternalServerError(undefined, { reason: `Malformed Lambda proxy response: ${parsed.malformed}` });
    if (ctx.plan.integration.responseMapping !== undefined) parsed.statusCode = mapResponse(ctx, parsed.statusCode, parsed.headers, [...parsed.headers], parsed.body);
    ctx.response = parsed;
  },
};
