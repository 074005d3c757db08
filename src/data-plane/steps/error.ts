// The error step: every failure becomes a gateway response rendered through the deployment's
// compiled gateway responses (one renderer, errors/render.ts). An exception that is not a
// GatewayError is a bug: logged, answered as a 500. Rendering itself failing (a customised
// template that throws) falls back to the built-in 500.
import type { RestContext } from '../pipeline/rest-context.js';
import type { InvocationContext } from '../pipeline/context.js';
import { GatewayError, InternalServerError } from '../errors/gateway-error.js';
import { renderGatewayResponse, type GatewayResponseSources } from '../errors/render.js';
import type { CompiledGatewayResponses } from '../../compiler/gateway-responses.js';
import { trace } from '../pipeline/trace.js';

/** REST: through the stage's deployment's gateway responses, with `$context` and the method request as sources. */
export function renderError(ctx: RestContext, thrown: unknown): void {
  // A backend stream that was opened but will not be sent must not leak its connection.
  const pending = ctx.endpointResponse?.body;
  if (pending !== undefined && !Buffer.isBuffer(pending)) pending.destroy();
  ctx.endpointResponse = undefined;
  render(ctx, thrown, ctx.stage.deployment.gatewayResponses, ctx);
}

/** Before a stage is known (unknown API or stage): the built-in gateway responses. */
export function renderBuiltInError(ctx: InvocationContext, thrown: unknown): void {
  render(ctx, thrown, undefined, undefined);
}

function render(ctx: InvocationContext, thrown: unknown, responses: CompiledGatewayResponses | undefined, sources: GatewayResponseSources | undefined): void {
  let error: GatewayError;
  if (thrown instanceof GatewayError) {
    error = thrown;
  } else {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    ctx.services.log.error({ err: thrown, requestId: ctx.requestId }, 'unexpected error in the data-plane pipeline');
    error = new InternalServerError(undefined, { reason: `internal error: ${message}`, cause: thrown });
  }
  ctx.error = error;
  try {
    ctx.response = renderGatewayResponse(error, responses, sources);
  } catch (renderFailure) {
    ctx.services.log.error({ err: renderFailure }, 'gateway response rendering failed');
    ctx.response = renderGatewayResponse(new InternalServerError());
    ctx.failureReason = `gateway response rendering failed: ${(renderFailure as Error).message}`;
    return;
  }
  if (ctx.response.statusCode >= 500) ctx.failureReason = error.reason ?? error.errorMessage ?? error.responseType;
  if (ctx.trace !== undefined) {
    trace(ctx, `Execution failed: ${error.reason ?? error.errorMessage}`);
    trace(ctx, `Method completed with status: ${ctx.response.statusCode}`);
  }
}
