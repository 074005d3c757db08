// Parse (the first pipeline step, docs/architecture.md): the method as the client means it and the
// body, read up to the payload limit. Resolving the API and stage happens before the pipeline
// (DataPlane).
import type { Step, StepResult } from '../pipeline/step.js';
import type { InvocationContext } from '../pipeline/context.js';
import { BodiesOverBudgetError, BodyTimeoutError, PayloadTooLargeError } from '../../request-body.js';
import { RequestRefusedError, RequestTooLargeError } from '../errors/gateway-error.js';

const VERBS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);

export const parse: Step<InvocationContext> = {
  name: 'parse',
  run(ctx): StepResult {
    // X-HTTP-Method-Override replaces the method for routing, as in API Gateway.
    const override = ctx.header('x-http-method-override');
    if (override !== undefined) {
      const verb = override.trim().toUpperCase();
      if (VERBS.has(verb)) ctx.httpMethod = verb;
    }
    return readBody.run(ctx);
  },
};

/** The body, read within the payload limit (HTTP APIs run this without REST's method override). */
export const readBody: Step<InvocationContext> = {
  name: 'read-body',
  run(ctx): StepResult {
    const incoming = ctx.incoming;
    if (incoming === undefined) return;
    ctx.incoming = undefined;
    let body: Buffer | Promise<Buffer>;
    try {
      body = ctx.services.bodies.read(incoming, ctx.services.env.limits.maxRequestBodyBytes);
    } catch (error) {
      throw bodyError(error);
    }
    if (Buffer.isBuffer(body)) {
      ctx.body = body;
      return;
    }
    return body.then(
      (buffer) => {
        ctx.body = buffer;
      },
      (error: unknown) => {
        throw bodyError(error);
      },
    );
  },
};

/** The reader's refusals as gateway errors (413, 408, 503); anything else as is. */
function bodyError(error: unknown): unknown {
  if (error instanceof BodyTimeoutError) return new RequestRefusedError(408, 'Request Timeout', { reason: error.message, closeConnection: true });
  if (error instanceof BodiesOverBudgetError) return new RequestRefusedError(503, 'Service Unavailable', { reason: error.message, closeConnection: true });
  if (!(error instanceof PayloadTooLargeError)) return error;
  const gatewayError = new RequestTooLargeError(error.message);
  gatewayError.closeConnection = error.closeConnection;
  return gatewayError;
}
