// A REST API's resource policy
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies.html),
// compiled with its deployment from its stored form (stored-policy.ts; shorthand resources are
// expanded again for policies stored before that form), and the document is parsed once. A policy Archway cannot evaluate (a
// condition operator it does not know) is kept with the reason, and its API refuses every
// call (fail closed) rather than skip the policy.
import { PolicyDocument } from './policy-document.js';
import { expandShorthand, policyText } from './stored-policy.js';

export interface CompiledResourcePolicy {
  readonly document: PolicyDocument | undefined;
  /** Why the policy cannot be evaluated, when it cannot. */
  readonly problem: string | undefined;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}`, the prefix of the API's method ARNs. */
export const apiArn = (region: string, accountId: string, apiId: string): string => `arn:aws:execute-api:${region}:${accountId}:${apiId}`;

/** The method ARN a request is authorized against: `{apiArn}/{stage}/{VERB}{path}` (the root is `…/GET/`). */
export const methodArn = (apiArnPrefix: string, stage: string, verb: string, path: string): string => `${apiArnPrefix}/${stage}/${verb}${path}`;

/**
 * The longest method ARN an authorized method accepts (AWS: 1600 bytes, 414 beyond it,
 * "Amazon API Gateway important notes"); it also bounds what an authorizer's cached answer keeps.
 */
export const MAX_METHOD_ARN_BYTES = 1600;

export function compileResourcePolicy(policy: string | undefined, apiArnPrefix: string): CompiledResourcePolicy | undefined {
  if (policy === undefined || policy === '') return undefined;
  try {
    const parsed = JSON.parse(policyText(policy)) as Record<string, unknown>;
    return { document: PolicyDocument.parse(expandShorthand(parsed, apiArnPrefix)), problem: undefined };
  } catch (error) {
    return { document: undefined, problem: (error as Error).message };
  }
}

/**
 * AWS's denial text, the account id masked as AWS masks it
 * (`arn:aws:execute-api:us-east-1:********1234:abc/dev/GET/`). `user` is the caller's ARN for an
 * IAM caller, whose implicit denial says no identity policy allowed it (security.md §1 table,
 * AWS Knowledge Center "How do I troubleshoot HTTP 403 errors from API Gateway?").
 */
export function deniedMessage(arn: string, explicit: boolean, user = 'anonymous'): string {
  const parts = arn.split(':');
  if (parts.length > 4) parts[4] = `${'*'.repeat(Math.max(0, parts[4].length - 4))}${parts[4].slice(-4)}`;
  const why = explicit ? ' with an explicit deny' : user === 'anonymous' ? '' : ' because no identity-based policy allows the execute-api:Invoke action';
  return `User: ${user} is not authorized to perform: execute-api:Invoke on resource: ${parts.join(':')}${why}`;
}
