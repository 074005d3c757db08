// Lambda (REQUEST) authorizers of HTTP APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html):
// the identity sources read (`$request.header.X` case-insensitively, `$request.querystring.X`,
// `$context.X`, `$stageVariables.X`; one missing or empty → 401 without a call), the answer
// taken from the cache (by identity values, for `authorizerResultTtlInSeconds`; one shared call
// for requests arriving together on a cold cache) or from the function, called as
// `apigateway.amazonaws.com` with `…/authorizers/{id}` as source ARN within the authorizer
// timeout (10 s). The event is the authorizer's payload format: 2.0 (`routeArn`, identity values
// as a list, the 2.0 request without its body) or 1.0 (the REST REQUEST event with `methodArn`,
// the values comma-joined, HTTP API's requestContext). The answer: with simple responses
// `{isAuthorized, context?}` (false → 403); otherwise an IAM policy answer evaluated for
// `execute-api:Invoke` on the route ARN, a cached one again per route (no Allow → 403). A
// failing call, a function error or a malformed answer → 500. The context reaches the
// integration as `requestContext.authorizer.lambda`.
import { APIGATEWAY_PRINCIPAL } from '../../functions/policy.js';
import type { Step, StepResult } from '../pipeline/step.js';
import type { EndpointResponse, Integration, IntegrationRegistry } from '../../integrations/index.js';
import type { HttpAuthorizer, PayloadFormatVersion } from '../../model/http-api.js';
import { FunctionReference, functionOfIntegrationUri } from '../../functions/arn.js';
import { identityDigest, identityValues, parseSelectionIdentitySources, type IdentityReader, type IdentitySource } from '../../auth/identity-sources.js';
import { answerObject, parsePolicyAnswer, type PolicyAnswer } from '../../auth/authorizer-answer.js';
import { buildHttpEventV1, buildHttpEventV2, type HttpEventSource } from '../../integrations/lambda-http-event.js';
import { AccessDeniedError, AuthorizerConfigurationError, GatewayError, UnauthorizedError } from '../errors/gateway-error.js';
import { EMPTY_BODY, headerValue } from '../pipeline/response.js';
import { rawHeader } from '../pipeline/request-views.js';
import { conditionContext } from '../steps/resource-policy.js';
import type { HttpRoutedContext } from './http-context.js';
import { eventSource } from './lambda.js';
import { routeArn } from './iam-authorizer.js';
import { httpContextVariable } from './mapping-sources.js';

/** Longer answers are served but not cached (Archway's bound, as for REST: 10 000 entries stay within ~80 MB). */
const MAX_CACHED_ANSWER_CHARS = 8192;

/** A REQUEST authorizer of a deployment, compiled once. */
export interface CompiledHttpLambdaAuthorizer {
  readonly id: string;
  readonly name: string;
  /** The function (`${stageVariables.x}` resolved per request); undefined → the URI names none (500). */
  readonly functionRef: FunctionReference | undefined;
  readonly identitySources: readonly IdentitySource[];
  /** The event sent and the answer read. */
  readonly payloadFormatVersion: PayloadFormatVersion;
  /** `enableSimpleResponses`: the answer is `{isAuthorized, context?}` instead of an IAM policy. */
  readonly simpleResponses: boolean;
  /** How long an answer is reused for the same identity values; 0: never cached. */
  readonly ttlMs: number;
  /** The Lambda dispatcher (AWS_PROXY) that calls the function. */
  readonly dispatcher: Integration | undefined;
}

export function compileHttpLambdaAuthorizer(authorizer: Readonly<HttpAuthorizer>, integrations: IntegrationRegistry | undefined): CompiledHttpLambdaAuthorizer {
  const arn = authorizer.authorizerUri === undefined ? undefined : functionOfIntegrationUri(authorizer.authorizerUri);
  return Object.freeze({
    id: authorizer.authorizerId,
    name: authorizer.name,
    functionRef: arn === undefined ? undefined : FunctionReference.compile(arn),
    identitySources: Object.freeze(parseSelectionIdentitySources(authorizer.identitySource)),
    // The control plane requires a version for REQUEST authorizers; an import without one is taken as 2.0 (unverified).
    payloadFormatVersion: authorizer.authorizerPayloadFormatVersion ?? '2.0',
    simpleResponses: authorizer.enableSimpleResponses === true,
    // AWS's CreateAuthorizer leaves caching off when no TTL is given.
    ttlMs: (authorizer.authorizerResultTtlInSeconds ?? 0) * 1000,
    dispatcher: integrations?.dispatcherFor('AWS_PROXY', { insecureTls: false }),
  });
}

/**
 * The authorizer event as JSON text. The request's parts come from the integration events'
 * builders, given no body (an authorizer sees none, so none is encoded) and parsed back to put
 * the authorizer's fields first and the body's real Content-Length in. Only a call (a cache
 * miss) builds one.
 */
export function httpAuthorizerEvent(source: HttpEventSource, version: PayloadFormatVersion, identity: readonly string[], arn: string): string {
  const request = { ...source, body: EMPTY_BODY };
  const length = String(source.body.length);
  if (version === '2.0') {
    const { version: _version, body: _body, isBase64Encoded: _isBase64Encoded, ...event } = JSON.parse(buildHttpEventV2(request)) as V2Event;
    event.headers['content-length'] = length;
    return JSON.stringify({ version, type: 'REQUEST', routeArn: arn, identitySource: identity, ...event });
  }
  const { version: _version, body: _body, isBase64Encoded: _isBase64Encoded, ...event } = JSON.parse(buildHttpEventV1(request)) as V1Event;
  event.headers['Content-Length'] = length;
  event.multiValueHeaders['Content-Length'] = [length];
  const joined = identity.join(',');
  return JSON.stringify({ version, type: 'REQUEST', methodArn: arn, identitySource: joined, authorizationToken: joined, ...event });
}

interface V2Event {
  version: string;
  body?: unknown;
  isBase64Encoded: boolean;
  headers: Record<string, string>;
}

interface V1Event extends V2Event {
  multiValueHeaders: Record<string, string[]>;
}

/**
 * A well-formed answer. Simple: `isAuthorized`, the verdict for every route. IAM policy: the
 * policy, decided per route ARN. The context is passed on as returned — HTTP APIs take any JSON
 * values (the doc's examples return lists and maps); principalId is not added to it (unverified:
 * users report adding it to the context themselves to see it in the integration).
 */
export type HttpAuthorizerAnswer =
  | { readonly isAuthorized: boolean; readonly policy?: undefined; readonly context: Readonly<Record<string, unknown>> }
  | { readonly isAuthorized?: undefined; readonly policy: PolicyAnswer; readonly context: Readonly<Record<string, unknown>> };

/**
 * The function's answer read as the authorizer's response format says; `{ malformed }` (a 500)
 * says why not. A context that is not an object, and an `isAuthorized` that is not a boolean,
 * are malformed (unverified); an absent or null context is an empty one.
 */
export function parseHttpAuthorizerAnswer(text: string, simpleResponses: boolean): HttpAuthorizerAnswer | { readonly malformed: string } {
  const parsed = answerObject(text);
  if ('malformed' in parsed) return parsed;
  const answer = parsed.object;
  const returned = answer.context;
  if (returned !== undefined && returned !== null && (typeof returned !== 'object' || Array.isArray(returned))) return { malformed: 'context is not an object' };
  // Prototype-less: the function chooses the keys, which `$context.authorizer.<key>` then reads.
  const context = Object.freeze(Object.assign(Object.create(null) as Record<string, unknown>, returned));
  if (simpleResponses) {
    if (typeof answer.isAuthorized !== 'boolean') return { malformed: 'isAuthorized is not a boolean' };
    return Object.freeze({ isAuthorized: answer.isAuthorized, context });
  }
  const policy = parsePolicyAnswer(answer);
  if ('malformed' in policy) return policy;
  return Object.freeze({ policy, context });
}

/** A cached answer's text back into an answer (only well-formed answers are cached). */
function decoder(simpleResponses: boolean): (text: string) => HttpAuthorizerAnswer {
  return (text) => {
    const answer = parseHttpAuthorizerAnswer(text, simpleResponses);
    if ('malformed' in answer) throw new Error(answer.malformed);
    return answer;
  };
}

/** The step of the routes an authorizer protects (`authorizationType: CUSTOM`). */
export function httpLambdaAuthorizer(authorizer: CompiledHttpLambdaAuthorizer): Step<HttpRoutedContext> {
  const decode = decoder(authorizer.simpleResponses);
  return {
    name: 'authorizer',
    run(ctx): StepResult {
      const values = identityValues(authorizer.identitySources, new HttpIdentityReader(ctx));
      if (values === undefined) throw new UnauthorizedError(undefined, { reason: 'an identity source of the authorizer is missing or empty' });
      const arn = routeArn(ctx);
      // Without identity sources there is no key to cache by (the control plane requires one for a TTL).
      if (authorizer.ttlMs === 0 || values.length === 0) return call(ctx, authorizer, values, arn, undefined);
      const key = `http/${ctx.apiId}/${ctx.stage.stageName}/${ctx.stage.deploymentId}/${authorizer.id}/${identityDigest(values)}`;
      const cached = ctx.services.authorizerCache.get(key, decode);
      if (cached instanceof Promise) return cached.then((answer) => (answer === undefined ? call(ctx, authorizer, values, arn, key) : admit(ctx, answer, arn)));
      return cached === undefined ? call(ctx, authorizer, values, arn, key) : admit(ctx, cached, arn);
    },
  };
}

/** Calls in flight per cache key: requests with one identity arriving together share one call. */
const inFlight = new Map<string, Promise<HttpAuthorizerAnswer>>();

function call(ctx: HttpRoutedContext, authorizer: CompiledHttpLambdaAuthorizer, values: readonly string[], arn: string, cacheKey: string | undefined): Promise<void> {
  let answer = cacheKey === undefined ? undefined : inFlight.get(cacheKey);
  if (answer === undefined) {
    answer = invoke(ctx, authorizer, values, arn, cacheKey);
    if (cacheKey !== undefined) {
      inFlight.set(cacheKey, answer);
      const settled = () => inFlight.delete(cacheKey);
      answer.then(settled, settled);
    }
  }
  return answer.then((answered) => admit(ctx, answered, arn));
}

function invoke(ctx: HttpRoutedContext, authorizer: CompiledHttpLambdaAuthorizer, values: readonly string[], arn: string, cacheKey: string | undefined): Promise<HttpAuthorizerAnswer> {
  const { dispatcher, functionRef } = authorizer;
  if (dispatcher === undefined || functionRef === undefined) {
    return Promise.reject(new AuthorizerConfigurationError(null, { reason: `authorizer ${authorizer.name} has no Lambda function to call` }));
  }
  const env = ctx.services.env;
  const result = dispatcher.invoke({
    kind: 'function',
    functionName: functionRef.resolve(ctx.stage.variables),
    invocationType: 'RequestResponse',
    // The source ARN AWS's doc grants in the function's policy: …:{apiId}/authorizers/{authorizerId}.
    caller: { principal: APIGATEWAY_PRINCIPAL, sourceArn: `arn:aws:execute-api:${env.region}:${env.accountId}:${ctx.apiId}/authorizers/${authorizer.id}`, sourceAccount: env.accountId },
    payload: httpAuthorizerEvent(eventSource(ctx), authorizer.payloadFormatVersion, values, arn),
    timeoutMs: env.limits.authorizerTimeoutMs,
    // A shared call outlives the request that started it: that client leaving does not cancel it.
    signal: cacheKey === undefined ? ctx : { pending: undefined },
  });
  return Promise.resolve(result).then(
    (response) => answered(ctx, authorizer, response, cacheKey),
    (error: unknown) => {
      const reason = error instanceof GatewayError ? error.reason ?? error.message : (error as Error)?.message;
      throw new AuthorizerConfigurationError(null, { reason: `authorizer ${authorizer.name} failed: ${reason ?? String(error)}`, cause: error });
    },
  );
}

function answered(ctx: HttpRoutedContext, authorizer: CompiledHttpLambdaAuthorizer, response: EndpointResponse, cacheKey: string | undefined): HttpAuthorizerAnswer {
  const text = (response.body as Buffer).toString('utf8');
  if (headerValue(response.headers, 'x-amz-function-error') !== undefined) {
    // As for REST authorizers, a function failing with exactly "Unauthorized" is a 401 (unverified for HTTP APIs).
    if (response.selectionValue === 'Unauthorized') throw new UnauthorizedError(undefined, { reason: `authorizer ${authorizer.name} answered Unauthorized` });
    throw new AuthorizerConfigurationError(null, { reason: `authorizer ${authorizer.name} failed: ${response.selectionValue || text.slice(0, 200)}` });
  }
  const answer = parseHttpAuthorizerAnswer(text, authorizer.simpleResponses);
  if ('malformed' in answer) throw new AuthorizerConfigurationError(null, { reason: `authorizer ${authorizer.name} answered a malformed response: ${answer.malformed}` });
  if (cacheKey !== undefined && text.length <= MAX_CACHED_ANSWER_CHARS) ctx.services.authorizerCache.set(cacheKey, answer, text, authorizer.ttlMs);
  return answer;
}

/** The answer's verdict for this route; what an admitted request's integration sees. */
function admit(ctx: HttpRoutedContext, answer: HttpAuthorizerAnswer, arn: string): void {
  const policy = answer.policy;
  if (policy === undefined) {
    if (!answer.isAuthorized) throw new AccessDeniedError(undefined, { reason: 'the authorizer answered isAuthorized: false' });
  } else {
    // HTTP APIs have no resource policy: only an Allow admits.
    const decision = policy.decide(arn, () => conditionContext(ctx, policy.policy.conditionKeys));
    if (decision !== 'allow') throw new AccessDeniedError(undefined, { reason: `the authorizer's policy ${decision === 'deny' ? 'denies' : 'does not allow'} ${arn}` });
  }
  ctx.authorize({ lambda: answer.context });
}

/** The HTTP API request as identity sources read it: repeated headers and query parameters comma-joined, as the 2.0 event shows them. */
class HttpIdentityReader implements IdentityReader {
  constructor(private readonly ctx: HttpRoutedContext) {}

  header(name: string): string | undefined {
    return rawHeader(this.ctx.rawHeaders, name, true);
  }

  // HTTP APIs have no multivalue sources; these serve the interface.
  headerValues(name: string): readonly string[] | undefined {
    const value = this.header(name);
    return value === undefined ? undefined : [value];
  }

  querystring(name: string): string | undefined {
    return this.ctx.query.multi[name]?.join(',');
  }

  querystringValues(name: string): readonly string[] | undefined {
    return this.ctx.query.multi[name];
  }

  stageVariable(name: string): string | undefined {
    return this.ctx.stage.variables[name];
  }

  context(path: string): unknown {
    return httpContextVariable(this.ctx, path);
  }
}
