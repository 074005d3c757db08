// API keys and usage plans on methods with `apiKeyRequired`
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html):
// the key from `x-api-key` (apiKeySource HEADER) or the Lambda authorizer's `usageIdentifierKey`
// (AUTHORIZER; https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html) must
// exist, be enabled and belong to a usage plan covering this API stage, else 403 Forbidden
// (INVALID_API_KEY). Then the plan's throttle for this method (its per-method override, else the
// plan's), 429 Too Many Requests, and its quota, 429 Limit Exceeded. The plan-wide bucket and the
// counter are per plan and key, across the plan's stages; a per-method bucket is per API stage too. TestInvokeMethod is not metered (unverified).
import type { Step, StepResult } from '../pipeline/step.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import type { QuotaResult, TokenBucketLimits } from '../../state/index.js';
import { InvalidApiKeyError, QuotaExceededError, ThrottledError } from '../errors/gateway-error.js';
import { admitted, stateFailure } from './metering-results.js';

export const usagePlan: Step<RestRoutedContext> = {
  name: 'api-key',
  run(ctx): StepResult {
    if (ctx.trace !== undefined) return;
    const metering = ctx.services.metering;
    const value = ctx.stage.deployment.api.apiKeySource === 'AUTHORIZER' ? ctx.usageIdentifierKey : ctx.header('x-api-key');
    const key = value === undefined ? undefined : metering.usagePlans.keyOf(value);
    const plan = key?.enabled === true ? key.plans.get(ctx.stage.apiStage) : undefined;
    if (key === undefined || plan === undefined) throw new InvalidApiKeyError();
    ctx.admitApiKey(key.id, key.value);

    // A per-method override: the method as declared (`/pets/ANY`), else as called (`/pets/GET`).
    let method: string | undefined;
    let methodLimits: TokenBucketLimits | undefined;
    if (plan.methodThrottles.size > 0) {
      const { resourcePath, httpMethod } = ctx.plan;
      for (const candidate of [`${resourcePath}/${httpMethod}`, `${resourcePath}/${ctx.httpMethod}`]) {
        methodLimits = plan.methodThrottles.get(candidate);
        if (methodLimits !== undefined) {
          method = candidate;
          break;
        }
      }
    }
    const limits = methodLimits ?? plan.throttle;
    const quota = plan.quota;
    const checkQuota = (): StepResult => {
      if (quota === undefined) return;
      return admitted(metering.quotaCounter.consume(plan.counter, quota), (result: QuotaResult) => {
        if (!result.allowed) throw new QuotaExceededError();
      });
    };
    if (limits === undefined) return stateFailure(checkQuota);
    return stateFailure(() => admitted(metering.rateLimiter.take(method === undefined ? plan.bucket : `${plan.bucket}:${ctx.stage.apiStage}:${method}`, limits), (allowed: boolean) => {
      if (!allowed) throw new ThrottledError();
      return checkQuota();
    }));
  },
};
