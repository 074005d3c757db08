// Answers before any stage's steps: an unknown API → 404, a known API
// with an unknown or missing stage (or its default endpoint disabled) → 403, as on AWS; and a
// body declared over the payload limit with `Expect: 100-continue` → 413 at once. Each is a
// one-step list, so these answers go through the same delivery and finalizers as any other.
import type { InvocationContext } from '../pipeline/context.js';
import type { Step, StepList } from '../pipeline/step.js';
import type { BufferedOutput } from '../pipeline/response.js';
import { RequestTooLargeError } from '../errors/gateway-error.js';
import { renderBuiltInError } from './error.js';

function plain(statusCode: number, errorType: string, message: string): BufferedOutput {
  return {
    statusCode,
    headers: ['Content-Type', 'application/json', 'x-amzn-ErrorType', errorType],
    body: Buffer.from(`{"message":${JSON.stringify(message)}}`),
  };
}

const unknownApi: Step<InvocationContext> = {
  name: 'unknown-api',
  run(ctx) {
    ctx.response = plain(404, 'NotFoundException', `The API id '${ctx.apiId}' does not correspond to a deployed API Gateway API`);
  },
};

const forbidden: Step<InvocationContext> = {
  name: 'unknown-stage',
  run(ctx) {
    ctx.response = plain(403, 'ForbiddenException', 'Forbidden');
  },
};

const tooLarge: Step<InvocationContext> = {
  name: 'request-too-large',
  run(ctx) {
    const error = new RequestTooLargeError(`HTTP content length exceeded ${ctx.services.env.limits.maxRequestBodyBytes} bytes.`);
    // The client may or may not send the body it announced.
    error.closeConnection = true;
    throw error;
  },
};

const only = (step: Step<InvocationContext>): StepList<InvocationContext> =>
  Object.freeze({ request: Object.freeze([step]), response: Object.freeze([]), error: renderBuiltInError });

export const UNKNOWN_API_STEPS = only(unknownApi);
export const FORBIDDEN_STEPS = only(forbidden);
export const TOO_LARGE_STEPS = only(tooLarge);
