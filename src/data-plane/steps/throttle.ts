// Stage and account throttling (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html):
// after a usage plan's own throttle, the stage's method settings (`{resourcePath}/{METHOD}`, else
// `*/*`, else AWS's 10 000 rps / 5 000 burst) with a bucket per method of the stage
// (unverified: whether `*/*` is one bucket for the whole stage), then the account's limit across
// every API (`--account-rate-limit`, `--account-burst-limit`). An empty bucket answers 429 Too
// Many Requests. TestInvokeMethod is not throttled.
import type { Step, StepResult } from '../pipeline/step.js';
import type { InvocationContext } from '../pipeline/context.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import { ThrottledError } from '../errors/gateway-error.js';
import { admitted, stateFailure } from './metering-results.js';

const refuseUnless = (allowed: boolean): void => {
  if (!allowed) throw new ThrottledError();
};

export const throttle: Step<RestRoutedContext> = {
  name: 'throttle',
  run(ctx): StepResult {
    if (ctx.trace !== undefined) return;
    return throttleRequest(ctx, ctx.plan.stageThrottle);
  },
};

/** The bucket of the stage's method (or HTTP API route), then the account's; shared by both API kinds. */
export function throttleRequest(ctx: InvocationContext, stageThrottle: { readonly bucket: string; readonly limits: { readonly rate: number; readonly burst: number } }): StepResult {
  const { rateLimiter, account } = ctx.services.metering;
  return stateFailure(() => admitted(rateLimiter.take(stageThrottle.bucket, stageThrottle.limits), (allowed) => {
    refuseUnless(allowed);
    return admitted(rateLimiter.take('account', account), refuseUnless);
  }));
}
