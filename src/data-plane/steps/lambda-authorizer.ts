// Lambda authorizers (CUSTOM methods, TOKEN and REQUEST;
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html):
// the identity sources read (missing or empty, or a TOKEN failing its validation expression: 401
// without a call), the answer taken from the cache or from the function (requests with one
// identity arriving together on a cold cache share one call), and its policy evaluated
// against this request's method ARN — a cached answer too, so a policy allowing one method denies
// another. Combined with the resource policy as AWS's table says (an authorizer Allow, or its
// silence with a resource-policy Allow, admits; the resource policy's explicit Deny was answered
// before the call). `principalId` and the context reach `$context.authorizer`, the Lambda proxy
// event and mappings; `usageIdentifierKey` is the API key when the key source is AUTHORIZER.
// Outcomes (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html):
// the function failing with "Unauthorized" → 401; a Deny → 403 "User is not authorized to access
// this resource with an explicit deny in an identity-based policy" (AWS's current text); no
// matching statement → 403 "User is not authorized to access this resource" (both with AWS's
// capital `Message`, as captured from AWS); any other failure, a timeout or a malformed answer →
// 500 AuthorizerConfigurationException `{"message": null}`.
import { APIGATEWAY_PRINCIPAL } from '../../functions/policy.js';
import type { Step, StepResult } from '../pipeline/step.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import type { CompiledLambdaAuthorizer } from '../../compiler/authorizers.js';
import type { EndpointResponse } from '../../integrations/types.js';
import { identityDigest, identityValues, type IdentityReader } from '../../auth/identity-sources.js';
import { parseAuthorizerAnswer, type AuthorizerAnswer } from '../../auth/authorizer-answer.js';
import { authorizerEvent } from '../../integrations/lambda-authorizer-event.js';
import { AccessDeniedError, AuthorizerConfigurationError, GatewayError, UnauthorizedError } from '../errors/gateway-error.js';
import { headerValue } from '../pipeline/response.js';
import { trace } from '../pipeline/trace.js';
import { authorizedMethodArn, conditionContext } from './resource-policy.js';

/** Answers cached at most this long (AWS caps WebSocket authorizer results at 8 KB; REST ones may be larger). */
const MAX_CACHED_ANSWER_CHARS = 8192;
const EXPLICIT_DENY = 'User is not authorized to access this resource with an explicit deny in an identity-based policy';
const NOT_ALLOWED = 'User is not authorized to access this resource';

type AuthorizedContext = RestRoutedContext & { readonly plan: { readonly lambdaAuthorizer: CompiledLambdaAuthorizer } };

export const lambdaAuthorizer: Step<AuthorizedContext> = {
  name: 'authorizer',
  run(ctx): StepResult {
    const authorizer = ctx.plan.lambdaAuthorizer;
    const values = identityValues(authorizer.identitySources, new RestIdentityReader(ctx));
    if (values === undefined) throw new UnauthorizedError(undefined, { reason: 'an identity source of the authorizer is missing or empty' });
    if (authorizer.type === 'TOKEN' && authorizer.validation !== undefined && !authorizer.validation.test(values[0] ?? '')) {
      throw new UnauthorizedError(undefined, { reason: 'the token does not match the identityValidationExpression' });
    }
    const arn = authorizedMethodArn(ctx);
    // TestInvokeMethod always calls the function (nothing it does is cached).
    if (authorizer.ttlMs === 0 || ctx.trace !== undefined) return call(ctx, authorizer, values, arn, undefined);
    const key = `${ctx.stage.apiStage}/${ctx.stage.deploymentId}/${authorizer.id}/${identityDigest(values)}`;
    const cached = ctx.services.authorizerCache.get(key, decodeAnswer);
    if (cached instanceof Promise) return cached.then((answer) => (answer === undefined ? call(ctx, authorizer, values, arn, key) : admit(ctx, answer, arn, 0)));
    return cached === undefined ? call(ctx, authorizer, values, arn, key) : admit(ctx, cached, arn, 0);
  },
};

/** A cached answer's text back into an answer (only well-formed answers are cached). */
function decodeAnswer(text: string): AuthorizerAnswer {
  const answer = parseAuthorizerAnswer(text);
  if ('malformed' in answer) throw new Error(answer.malformed);
  return answer;
}

interface Answered {
  readonly answer: AuthorizerAnswer;
  readonly latency: number;
}

/**
 * Calls in flight per cache key: requests with one identity arriving together on a cold cache
 * share one function call (and its outcome) instead of each starting its own.
 */
const inFlight = new Map<string, Promise<Answered>>();

function call(ctx: AuthorizedContext, authorizer: CompiledLambdaAuthorizer, values: readonly string[], arn: string, cacheKey: string | undefined): Promise<void> {
  let answered = cacheKey === undefined ? undefined : inFlight.get(cacheKey);
  if (answered === undefined) {
    answered = invoke(ctx, authorizer, values, arn, cacheKey);
    if (cacheKey !== undefined) share(cacheKey, answered);
  }
  return answered.then(({ answer, latency }) => admit(ctx, answer, arn, latency));
}

function share(cacheKey: string, answered: Promise<Answered>): void {
  inFlight.set(cacheKey, answered);
  const settled = () => inFlight.delete(cacheKey);
  answered.then(settled, settled);
}

function invoke(ctx: AuthorizedContext, authorizer: CompiledLambdaAuthorizer, values: readonly string[], arn: string, cacheKey: string | undefined): Promise<Answered> {
  const { dispatcher, functionRef } = authorizer;
  if (dispatcher === undefined || functionRef === undefined) {
    throw new AuthorizerConfigurationError(null, { reason: `authorizer ${authorizer.name} has no Lambda function to call` });
  }
  const payload = JSON.stringify(authorizerEvent(ctx, authorizer.type, values, arn));
  if (ctx.trace !== undefined) trace(ctx, `Starting authorizer: ${authorizer.id} for request: ${ctx.requestId}`);
  const started = performance.now();
  const env = ctx.services.env;
  const result = dispatcher.invoke({
    kind: 'function',
    functionName: functionRef.resolve(ctx.stage.variables),
    invocationType: 'RequestResponse',
    caller: { principal: APIGATEWAY_PRINCIPAL, sourceArn: `${ctx.stage.deployment.apiArn}/authorizers/${authorizer.id}`, sourceAccount: env.accountId },
    payload,
    timeoutMs: env.limits.authorizerTimeoutMs,
    // A shared call outlives the request that started it: that client leaving does not cancel it.
    signal: cacheKey === undefined ? ctx : { pending: undefined },
  });
  return Promise.resolve(result).then(
    (response) => answered(ctx, authorizer, response, cacheKey, Math.round(performance.now() - started)),
    (error: unknown) => {
      const reason = error instanceof GatewayError ? error.reason ?? error.message : (error as Error)?.message;
      throw new AuthorizerConfigurationError(null, { reason: `authorizer ${authorizer.name} failed: ${reason ?? String(error)}`, cause: error });
    },
  );
}

function answered(ctx: AuthorizedContext, authorizer: CompiledLambdaAuthorizer, response: EndpointResponse, cacheKey: string | undefined, latency: number): Answered {
  const text = (response.body as Buffer).toString('utf8');
  if (ctx.trace !== undefined) trace(ctx, `Authorizer result body before parsing: ${text}`);
  if (headerValue(response.headers, 'x-amz-function-error') !== undefined) {
    if (response.selectionValue === 'Unauthorized') throw new UnauthorizedError(undefined, { reason: `authorizer ${authorizer.name} answered Unauthorized` });
    throw new AuthorizerConfigurationError(null, { reason: `authorizer ${authorizer.name} failed: ${response.selectionValue || text.slice(0, 200)}` });
  }
  const answer = parseAuthorizerAnswer(text);
  if ('malformed' in answer) throw new AuthorizerConfigurationError(null, { reason: `authorizer ${authorizer.name} answered a malformed response: ${answer.malformed}` });
  // A larger answer is served but not cached (Archway's bound: 10 000 entries stay within ~80 MB).
  if (cacheKey !== undefined && text.length <= MAX_CACHED_ANSWER_CHARS) ctx.services.authorizerCache.set(cacheKey, answer, text, authorizer.ttlMs);
  return { answer, latency };
}

/** The answer's policy for this method, with the resource policy's decision (AWS's Table A). */
function admit(ctx: AuthorizedContext, answer: AuthorizerAnswer, arn: string, latency: number): void {
  ctx.authorizerAnswer = answer;
  const decision = answer.decide(arn, () => conditionContext(ctx, answer.policy.conditionKeys));
  if (decision === 'deny') throw new AccessDeniedError(EXPLICIT_DENY, { messageKey: 'Message', reason: `the authorizer's policy denies ${arn}` });
  if (decision === 'silent' && ctx.resourcePolicyDecision !== 'allow') {
    throw new AccessDeniedError(NOT_ALLOWED, { messageKey: 'Message', reason: `the authorizer's policy does not allow ${arn}` });
  }
  ctx.authorize({ ...answer.context, principalId: answer.principalId, integrationLatency: latency });
  ctx.usageIdentifierKey = answer.usageIdentifierKey;
  if (ctx.trace !== undefined) trace(ctx, `Authorizer result: principalId ${answer.principalId}, policy allows ${arn}`);
}

/** The REST request as identity sources read it. */
class RestIdentityReader implements IdentityReader {
  constructor(private readonly ctx: RestRoutedContext) {}

  header(name: string): string | undefined {
    return this.ctx.header(name);
  }

  headerValues(name: string): readonly string[] | undefined {
    const values: string[] = [];
    const raw = this.ctx.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) values.push(raw[i + 1]);
    return values.length === 0 ? undefined : values;
  }

  querystring(name: string): string | undefined {
    return this.ctx.query.single[name];
  }

  querystringValues(name: string): readonly string[] | undefined {
    return this.ctx.query.multi[name];
  }

  stageVariable(name: string): string | undefined {
    return this.ctx.stage.variables[name];
  }

  context(path: string): unknown {
    let value: unknown = this.ctx.contextVariables;
    for (const part of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    return value;
  }
}
