// HTTP API errors (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
// and the quotas page): HTTP APIs have no gateway responses to customise; every failure is a
// `{"message": …}` body with HTTP API's own wording — `Not Found`, `Unauthorized`, `Forbidden`,
// `Too Many Requests`, `Request Entity Too Large`, `Service Unavailable` (integration timeout)
// and `Internal Server Error` with a capital S (unlike REST). CORS headers are added here too,
// since AWS adds them to every answer of an API with a CORS configuration.
import type { GatewayResponseType } from '../../model/rest-api.js';
import { GatewayError, InternalServerError } from '../errors/gateway-error.js';
import type { BufferedOutput } from '../pipeline/response.js';
import type { Step, StepList } from '../pipeline/step.js';
import type { InvocationContext } from '../pipeline/context.js';
import type { HttpContext } from './http-context.js';
import { TOO_LARGE_STEPS } from '../steps/unresolved.js';

const body = (message: string) => Buffer.from(`{"message":${JSON.stringify(message)}}`);

/** Status and message per failure (the gateway error types the shared steps throw). */
const ANSWERS: Partial<Record<GatewayResponseType, readonly [number, string]>> = {
  UNAUTHORIZED: [401, 'Unauthorized'],
  ACCESS_DENIED: [403, 'Forbidden'],
  AUTHORIZER_FAILURE: [500, 'Internal Server Error'],
  AUTHORIZER_CONFIGURATION_ERROR: [500, 'Internal Server Error'],
  MISSING_AUTHENTICATION_TOKEN: [403, 'Forbidden'],
  INVALID_SIGNATURE: [403, 'Forbidden'],
  EXPIRED_TOKEN: [403, 'Forbidden'],
  RESOURCE_NOT_FOUND: [404, 'Not Found'],
  THROTTLED: [429, 'Too Many Requests'],
  QUOTA_EXCEEDED: [429, 'Too Many Requests'],
  REQUEST_TOO_LARGE: [413, 'Request Entity Too Large'],
  INTEGRATION_TIMEOUT: [503, 'Service Unavailable'],
  INTEGRATION_FAILURE: [500, 'Internal Server Error'], // unverified: an unreachable backend
};

/** `{"message":"Not Found"}`: no route, no stage, or the default endpoint disabled. */
export class RouteNotFoundError extends GatewayError {
  readonly responseType = 'RESOURCE_NOT_FOUND';
  override readonly name = 'RouteNotFoundError';
  constructor(reason?: string) {
    super('Not Found', { reason });
  }
}

/** Renders a failure as HTTP API's answer; an exception that is not a GatewayError is a logged 500. */
export function renderHttpError(ctx: InvocationContext, thrown: unknown): void {
  let error: GatewayError;
  if (thrown instanceof GatewayError) error = thrown;
  else {
    ctx.services.log.error({ err: thrown, requestId: ctx.requestId }, 'unexpected error in the data-plane pipeline');
    error = new InternalServerError(undefined, { reason: `internal error: ${thrown instanceof Error ? thrown.message : String(thrown)}`, cause: thrown });
  }
  ctx.error = error;
  const answer = ANSWERS[error.responseType];
  // Refusals of the body reader keep their own status (408, 503); the rest default to 500.
  const [statusCode, message] = answer ?? (error.statusOverride !== undefined && error.statusOverride < 500 ? [error.statusOverride, error.errorMessage ?? 'Bad Request'] : [500, 'Internal Server Error']);
  const out: BufferedOutput = { statusCode, headers: ['Content-Type', 'application/json'], body: body(message) };
  if (error instanceof HttpAnswerError) out.headers.push(...error.headers);
  ctx.response = out;
  if (statusCode >= 500) ctx.failureReason = error.reason ?? error.errorMessage ?? error.responseType;
}

/** An HTTP API refusal that carries headers of its own (a JWT authorizer's `www-authenticate`). */
export class HttpAnswerError extends GatewayError {
  override readonly name = 'HttpAnswerError';
  constructor(readonly responseType: GatewayResponseType, readonly headers: readonly string[], reason: string) {
    super(null, { reason });
  }
}

/** The error step of HTTP API stages and routes: the answer, then CORS headers when configured. */
export function httpErrorStep(ctx: HttpContext, thrown: unknown): void {
  const pending = ctx.endpointResponse?.body;
  if (pending !== undefined && !Buffer.isBuffer(pending)) pending.destroy();
  ctx.endpointResponse = undefined;
  renderHttpError(ctx, thrown);
  const cors = ctx.stage.deployment.cors;
  if (cors !== undefined && ctx.response !== undefined) cors.decorate(ctx.header('origin'), ctx.response.headers);
}

const notFound: Step<InvocationContext> = {
  name: 'not-found',
  run() {
    throw new RouteNotFoundError();
  },
};

/** An HTTP API with no stage for the URL (or its default endpoint disabled). */
export const HTTP_NOT_FOUND_STEPS: StepList<InvocationContext> = Object.freeze({
  request: Object.freeze([notFound]),
  response: Object.freeze([]),
  error: renderHttpError,
});


/** A declared body over the payload limit (`Expect: 100-continue`): REST's step, HTTP API's body. */
export const HTTP_TOO_LARGE_STEPS: StepList<InvocationContext> = Object.freeze({
  request: TOO_LARGE_STEPS.request,
  response: Object.freeze([]),
  error: renderHttpError,
});
