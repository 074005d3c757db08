// Integration (AWS Developer Guide "Integrations for REST APIs"): hands the integration request
// the earlier steps built to the dispatcher chosen when the deployment was compiled, and keeps
// its endpoint response. MOCK has no request step: its request is the template output (or the
// body).
import type { Step, StepResult } from '../pipeline/step.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import type { EndpointResponse, IntegrationRequest } from '../../integrations/types.js';
import { ApiConfigurationError } from '../errors/gateway-error.js';
import { javaMap, trace } from '../pipeline/trace.js';
import { record } from '../pipeline/request-views.js';

export const integration: Step<RestRoutedContext> = {
  name: 'integration',
  run(ctx) {
    const request = ctx.integrationRequest;
    if (request === undefined) throw new Error('no integration request was built');
    return dispatch(ctx, request);
  },
};

export const mockIntegration: Step<RestRoutedContext> = {
  name: 'integration',
  run(ctx) {
    const request: IntegrationRequest = {
      kind: 'mock', text: ctx.integrationText, body: ctx.integrationBody ?? ctx.body, timeoutMs: ctx.plan.integration.timeoutMs, signal: ctx,
    };
    ctx.integrationRequest = request;
    return dispatch(ctx, request);
  },
};

function dispatch(ctx: RestRoutedContext, request: IntegrationRequest): StepResult {
  const dispatcher = ctx.plan.integration.dispatcher;
  if (dispatcher === undefined) throw new ApiConfigurationError(undefined, { reason: `integration type ${ctx.plan.integration.type} is not supported` });
  if (ctx.trace !== undefined) traceSending(ctx, request);
  const result = dispatcher.invoke(request);
  if (!(result instanceof Promise)) {
    received(ctx, result);
    return;
  }
  return result.then((response) => received(ctx, response));
}

function received(ctx: RestRoutedContext, response: EndpointResponse): void {
  ctx.endpointResponse = response;
  if (ctx.trace !== undefined) traceReceived(ctx, response);
}

function traceSending(ctx: RestRoutedContext, request: IntegrationRequest): void {
  if (request.kind === 'http') trace(ctx, `Sending request to ${request.origin}${request.path}`);
  else if (request.kind === 'function') {
    trace(ctx, `Sending request to https://lambda.${ctx.services.env.region}.amazonaws.com/2015-03-31/functions/${request.functionName}/invocations`);
  }
}

function traceReceived(ctx: RestRoutedContext, response: EndpointResponse): void {
  const request = ctx.integrationRequest;
  if (request === undefined || request.kind === 'mock') return;
  trace(ctx, `Received response. Status: ${response.statusCode}, Integration latency: ${Math.round(performance.now() - ctx.startTime)} ms`);
  if (request.kind === 'http') {
    const headers = record<string>();
    for (let i = 0; i < response.headers.length; i += 2) headers[response.headers[i]] = response.headers[i + 1];
    trace(ctx, `Endpoint response headers: ${javaMap(headers)}`);
  }
  if (Buffer.isBuffer(response.body)) trace(ctx, `Endpoint response body before transformations: ${response.body.toString('utf8')}`);
}
