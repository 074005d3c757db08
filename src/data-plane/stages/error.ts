// The error stage: every failure becomes a gateway response rendered through the deployment's
// compiled gateway responses (one renderer, errors/render.ts). An exception that is not a
// GatewayError is a bug: logged, answered as a 500.
import type { InvocationContext } from '../pipeline/context.js';
import { GatewayError, InternalServerError } from '../errors/gateway-error.js';
import { renderGatewayResponse } from '../errors/render.js';
import { trace } from '../pipeline/trace.js';

export function renderError(ctx: InvocationContext, thrown: unknown): void {
  let error: GatewayError;
  if (thrown instanceof GatewayError) {
    error = thrown;
  } else {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    ctx.services.log.error({ err: thrown, requestId: ctx.requestId }, 'unexpected error in the data-plane pipeline');
    error = new InternalServerError(undefined, { reason: `internal error: ${message}`, cause: thrown });
  }
  // A backend stream that was opened but will not be sent must not leak its connection.
  const pending = ctx.endpointResponse?.body;
  if (pending !== undefined && !Buffer.isBuffer(pending)) pending.destroy();
  ctx.endpointResponse = undefined;
  ctx.error = error;
  ctx.response = renderGatewayResponse(error, ctx.stage.deployment.gatewayResponses, ctx);
  if (ctx.response.statusCode >= 500) ctx.failureReason = error.reason ?? error.errorMessage ?? error.responseType;
  if (ctx.trace !== undefined) {
    trace(ctx, `Execution failed: ${error.reason ?? error.errorMessage}`);
    trace(ctx, `Method completed with status: ${ctx.response.statusCode}`);
  }
}
