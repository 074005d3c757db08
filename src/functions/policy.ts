// Function resource policies (Lambda API reference "AddPermission"; IAM policy evaluation for
// resource-based policies): which principal may invoke a function, optionally only from one
// source ARN. Used when `--enforce-lambda-permissions` makes API Gateway's calls subject to them.
import type { PolicyStatement } from './model.js';

/** The principal API Gateway invokes functions as (methods, routes, authorizers). */
export const APIGATEWAY_PRINCIPAL = 'apigateway.amazonaws.com';

export interface InvokeCaller {
  /** `apigateway.amazonaws.com` for API Gateway. */
  principal: string;
  /** The method ARN API Gateway invokes for: `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{VERB}/{path}`. */
  sourceArn?: string;
  sourceAccount?: string;
}

const INVOKE_ACTIONS = new Set(['lambda:InvokeFunction', 'lambda:*', '*']);

/** True when an Allow statement grants `caller` lambda:InvokeFunction. */
export function allowsInvoke(statements: readonly PolicyStatement[], caller: InvokeCaller): boolean {
  return statements.some((statement) => statement.Effect === 'Allow'
    && INVOKE_ACTIONS.has(statement.Action)
    && principalMatches(statement.Principal, caller.principal)
    && conditionsMatch(statement.Condition, caller));
}

function principalMatches(principal: PolicyStatement['Principal'], caller: string): boolean {
  if (principal === '*') return true;
  if (typeof principal === 'string') return principal === caller;
  if ('Service' in principal) return principal.Service === caller || principal.Service === '*';
  return principal.AWS === '*' || principal.AWS === caller;
}

function conditionsMatch(condition: PolicyStatement['Condition'], caller: InvokeCaller): boolean {
  if (condition === undefined) return true;
  for (const [operator, entries] of Object.entries(condition)) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = key === 'AWS:SourceArn' ? caller.sourceArn : key === 'AWS:SourceAccount' ? caller.sourceAccount : undefined;
      if (actual === undefined) return false;
      if (operator === 'ArnLike' || operator === 'StringLike') {
        if (!wildcard(expected).test(actual)) return false;
      } else if (actual !== expected) return false;
    }
  }
  return true;
}

/** IAM wildcards: `*` any run of characters, `?` one character. */
export function wildcard(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${source}$`);
}
