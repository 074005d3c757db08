// `AWS_IAM` methods (https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html):
// the request's SigV4 signature for service `execute-api` verified against the IAM callers (header
// or presigned form, session token, 5-minute skew), then the caller's identity policies combined
// with the API's resource policy (auth/iam-authorization.ts, Table A) for `execute-api:Invoke` on
// the method ARN. Refusals as AWS answers them: 403 MISSING_AUTHENTICATION_TOKEN (nothing
// signed), INVALID_SIGNATURE (with AWS's exception name: IncompleteSignatureException,
// UnrecognizedClientException, InvalidSignatureException), ACCESS_DENIED
// `{"Message":"User: arn:aws:iam::…:user/alice is not authorized …"}`. The caller then fills
// `$context.identity`. TestInvokeMethod is not signed for execute-api: it runs as its own caller,
// the control plane's (the account root), as the console's test runs as the console user.
import type { Step } from '../pipeline/step.js';
import type { InvocationContext } from '../pipeline/context.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import {
  AccessDeniedError, InvalidSignatureError, MissingAuthenticationTokenError,
} from '../errors/gateway-error.js';
import { AwsServiceError } from '../../aws/errors.js';
import { verifySignature, type CredentialScopeRule } from '../../aws/sigv4.js';
import { deniedMessage } from '../../auth/resource-policy.js';
import { authorizeIam } from '../../auth/iam-authorization.js';
import { rememberedDecisions } from '../../auth/remembered-decisions.js';
import type { Decision, PolicyDocument } from '../../auth/policy-document.js';
import type { IamCaller } from '../auth/iam-callers.js';
import { authorizedMethodArn, conditionContext, resourcePolicyOf } from './resource-policy.js';
import { rawHeader } from '../pipeline/request-views.js';

/** execute-api signatures name the service, and the region Archway serves. */
const scopes = new Map<string, CredentialScopeRule>();
function scopeFor(region: string): CredentialScopeRule {
  let rule = scopes.get(region);
  if (rule === undefined) scopes.set(region, (rule = { service: 'execute-api', region: (scoped) => scoped === region }));
  return rule;
}

/** AWS's signature refusals as the gateway responses that render them. */
function signatureError(error: unknown): unknown {
  if (!(error instanceof AwsServiceError)) return error;
  switch (error.type) {
    case 'MissingAuthenticationTokenException':
      return new MissingAuthenticationTokenError();
    case 'AccessDeniedException':
      return new AccessDeniedError(error.message);
    case 'InvalidSignatureException':
      return new InvalidSignatureError(error.message);
    default: // IncompleteSignatureException, UnrecognizedClientException (gateway response type unverified)
      return new InvalidSignatureError(error.message, { errorTypeOverride: error.type });
  }
}

function authenticate(ctx: InvocationContext): IamCaller {
  const { iam, env } = ctx.services;
  try {
    const request = { method: ctx.httpMethod, path: ctx.requestPath, rawQuery: ctx.rawQuery, headers: (name: string) => rawHeader(ctx.rawHeaders, name, true), body: ctx.body };
    return verifySignature(request, (accessKeyId) => iam.callerOf(accessKeyId), Date.now(), scopeFor(env.region)).credential;
  } catch (error) {
    throw signatureError(error);
  }
}

/** The condition keys the resource policy and the caller's policies read, with the caller's own values. */
function conditionsFor(ctx: InvocationContext, caller: IamCaller, policyKeys: ReadonlySet<string> | undefined): Record<string, string | undefined> {
  const keys = policyKeys === undefined || policyKeys.size === 0 ? caller.conditionKeys : caller.conditionKeys.size === 0 ? policyKeys : new Set([...policyKeys, ...caller.conditionKeys]);
  const context = conditionContext(ctx, keys);
  for (const key of keys) if (Object.hasOwn(caller.conditionValues, key)) context[key] = caller.conditionValues[key];
  return context;
}

/**
 * Per resource policy (or none), per caller: decisions remembered by method ARN while neither
 * reads a condition key. A redeployment's policy and an IAM change's callers are new objects, so
 * what they decide is asked afresh.
 */
const memos = new WeakMap<PolicyDocument | typeof NO_RESOURCE_POLICY, WeakMap<IamCaller, (methodArn: string) => Decision>>();
const NO_RESOURCE_POLICY = Object.freeze({});

function decide(ctx: InvocationContext, caller: IamCaller, policy: PolicyDocument | undefined, arn: string): Decision {
  if (caller.conditionKeys.size > 0 || (policy !== undefined && policy.conditionKeys.size > 0)) {
    return authorizeIam(caller, { resource: arn, context: conditionsFor(ctx, caller, policy?.conditionKeys) }, policy);
  }
  let byCaller = memos.get(policy ?? NO_RESOURCE_POLICY);
  if (byCaller === undefined) memos.set(policy ?? NO_RESOURCE_POLICY, (byCaller = new WeakMap()));
  let remembered = byCaller.get(caller);
  if (remembered === undefined) byCaller.set(caller, (remembered = rememberedDecisions((resource) => authorizeIam(caller, { resource, context: {} }, policy))));
  return remembered(arn);
}

export const iamAuthorizer: Step<RestRoutedContext> = {
  name: 'iam-authorizer',
  run(ctx) {
    if (ctx.trace !== undefined) {
      ctx.identify(ctx.services.iam.root.identity);
      return;
    }
    authorizeIamCaller(ctx, () => ({ policy: resourcePolicyOf(ctx), arn: authorizedMethodArn(ctx) }));
  },
};

/**
 * The signed caller, verified, then allowed `execute-api:Invoke` on the target's ARN by its
 * identity policies and the resource policy (none for HTTP APIs), recorded on the context;
 * refused otherwise.
 */
export function authorizeIamCaller(ctx: InvocationContext, target: () => { policy: PolicyDocument | undefined; arn: string }): void {
  // The signature first: an unsigned caller learns nothing about the policy or the ARN.
  const caller = authenticate(ctx);
  const { policy, arn } = target();
  const decision = decide(ctx, caller, policy, arn);
  if (decision !== 'allow') throw new AccessDeniedError(deniedMessage(arn, decision === 'deny', caller.identity.userArn), { messageKey: 'Message' });
  ctx.identify(caller.identity);
}

