// The REST API's resource policy
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html):
// evaluated for the caller (anonymous: an `AWS_IAM` method's caller is combined with its policy
// by steps/iam-authorizer.ts instead) against the method ARN
// `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{VERB}/{path}`, with the request's condition
// keys. An explicit Deny refuses; with no authorizer an explicit Allow is needed, and so with a
// Cognito authorizer, whose token is checked before this step (cognito-authorizer.ts). A Lambda
// authorizer's method (CUSTOM) is refused here only by an explicit Deny (AWS's first phase); the
// second phase, combining the authorizer's policy with this decision, is the authorizer step's
// (lambda-authorizer.ts). Answers 403 AccessDeniedException, `{"Message":"User: anonymous is not authorized …"}`.
import type { Step } from '../pipeline/step.js';
import type { InvocationContext } from '../pipeline/context.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import { AccessDeniedError, ApiConfigurationError, RequestRefusedError } from '../errors/gateway-error.js';
import { deniedMessage, MAX_METHOD_ARN_BYTES, methodArn } from '../../auth/resource-policy.js';
import type { PolicyDocument, Principal } from '../../auth/policy-document.js';

const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/** The request's values of the condition keys a policy reads (none for most policies). */
export function conditionContext(ctx: InvocationContext, keys: ReadonlySet<string>): Record<string, string | undefined> {
  const context: Record<string, string | undefined> = {};
  if (keys.size === 0) return context;
  const now = Date.now();
  for (const key of keys) {
    switch (key) {
      case 'aws:SourceIp':
        context[key] = ctx.sourceIp;
        break;
      case 'aws:UserAgent':
        context[key] = ctx.header('user-agent');
        break;
      case 'aws:Referer':
        context[key] = ctx.header('referer');
        break;
      case 'aws:CurrentTime':
        context[key] = new Date(now).toISOString();
        break;
      case 'aws:EpochTime':
        context[key] = String(Math.floor(now / 1000));
        break;
      case 'aws:SecureTransport':
        context[key] = String(ctx.secure);
        break;
    }
  }
  return context;
}

/** The API's resource policy, if it has one; one Archway cannot evaluate answers 500 (fail closed). */
export function resourcePolicyOf(ctx: RestRoutedContext): PolicyDocument | undefined {
  const policy = ctx.stage.deployment.resourcePolicy;
  if (policy === undefined) return undefined;
  if (policy.document === undefined) throw new ApiConfigurationError(undefined, { reason: `resource policy cannot be evaluated: ${policy.problem ?? ''}` });
  return policy.document;
}

/** This request's method ARN for an authorizer or IAM; over AWS's 1600 bytes, 414. */
export function authorizedMethodArn(ctx: RestRoutedContext): string {
  const arn = methodArn(ctx.stage.deployment.apiArn, ctx.stage.stageName, ctx.httpMethod, ctx.path);
  if (arn.length * 3 > MAX_METHOD_ARN_BYTES && Buffer.byteLength(arn) > MAX_METHOD_ARN_BYTES) { // UTF-8: at most 3 bytes per UTF-16 unit
    throw new RequestRefusedError(414, 'Request URI too long', { reason: `the method ARN is over ${MAX_METHOD_ARN_BYTES} bytes` }); // body unverified
  }
  return arn;
}

export const resourcePolicy: Step<RestRoutedContext> = {
  name: 'resource-policy',
  run(ctx) {
    // TestInvokeMethod is not subject to the policy (unverified), but a Lambda authorizer's
    // method still combines its authorizer's answer with what the policy says.
    const testing = ctx.trace !== undefined;
    const custom = ctx.plan.method.authorizationType === 'CUSTOM';
    if (testing && !custom) return;
    if (testing && ctx.stage.deployment.resourcePolicy?.document === undefined) return;
    const policy = resourcePolicyOf(ctx)!;
    const arn = methodArn(ctx.stage.deployment.apiArn, ctx.stageName ?? '', ctx.httpMethod, ctx.path);
    const decision = policy.evaluate({
      action: 'execute-api:Invoke',
      resource: arn,
      principal: ANONYMOUS,
      context: conditionContext(ctx, policy.conditionKeys),
    });
    if (custom) {
      // AWS's first phase for a Lambda authorizer: only an explicit Deny refuses before the call;
      // the authorizer step combines its policy with this decision.
      ctx.resourcePolicyDecision = decision;
      if (decision !== 'deny' || testing) return;
    }
    if (decision === 'allow') return;
    throw new AccessDeniedError(deniedMessage(arn, decision === 'deny'), { messageKey: 'Message' });
  },
};
