// An IAM caller's request to `execute-api:Invoke`, decided as API Gateway does: the caller's
// identity policies combined with the API's resource policy
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html,
// "Table A": an explicit Deny in either wins; otherwise an Allow in either allows; otherwise an
// implicit deny). Archway's callers all belong to its one account, so the cross-account table
// (both must allow) never applies: a Principal naming another account simply matches no caller.
// The account root (Archway's admin credentials) has no identity policies: it is allowed
// everything, and only an explicit Deny in the resource policy refuses it.
import type { Decision, PolicyDocument, Principal } from './policy-document.js';

export const INVOKE = 'execute-api:Invoke';

export interface IamPrincipal {
  readonly principal: Principal;
  /** Its identity policies; undefined for the account root, which needs none. */
  readonly policies: readonly PolicyDocument[] | undefined;
}

export interface IamRequest {
  /** The method ARN. */
  readonly resource: string;
  /** Condition keys → the request's values (the caller's `aws:Principal*` keys among them). */
  readonly context: Readonly<Record<string, string | undefined>>;
}

/** The identity policies' decision: a Deny in any wins, an Allow in any allows. */
export function identityDecision(caller: IamPrincipal, request: IamRequest): Decision {
  if (caller.policies === undefined) return 'allow';
  let decision: Decision = 'silent';
  for (const policy of caller.policies) {
    const outcome = policy.evaluate({ action: INVOKE, resource: request.resource, context: request.context });
    if (outcome === 'deny') return 'deny';
    if (outcome === 'allow') decision = 'allow';
  }
  return decision;
}

/**
 * Table A: `allow`, or a `deny` (explicit) or `silent` (implicit) refusal. Without an identity
 * Allow, the resource policy's Allow must name the caller itself (its ARN, or `*`): a statement
 * naming only its account delegates to the account's identity policies, as IAM evaluates
 * same-account access (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 */
export function authorizeIam(caller: IamPrincipal, request: IamRequest, resourcePolicy: PolicyDocument | undefined): Decision {
  const identity = identityDecision(caller, request);
  if (identity === 'deny') return 'deny';
  if (resourcePolicy === undefined) return identity;
  const evaluate = (principal: Principal) => resourcePolicy.evaluate({ action: INVOKE, resource: request.resource, principal, context: request.context });
  const resource = evaluate(caller.principal);
  if (resource === 'deny') return 'deny';
  if (identity === 'allow') return 'allow';
  if (resource === 'silent') return 'silent';
  // The Allow may have named only the account: ask again as the caller alone.
  const named = caller.principal.kind === 'aws' ? evaluate({ kind: 'aws', arn: caller.principal.arn, account: '' }) : resource;
  return named === 'allow' ? 'allow' : 'silent';
}
