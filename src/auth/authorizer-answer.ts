// What a Lambda authorizer returns, checked as API Gateway checks it
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html):
// a `principalId`, a `policyDocument` (an IAM policy, evaluated against each method ARN it is
// used for, cached or not), an optional `context` whose values are strings, numbers or booleans
// (they reach `$context.authorizer.*` as strings) and an optional `usageIdentifierKey` (the API
// key when the API's key source is AUTHORIZER). Anything else is a malformed answer: 500
// AuthorizerConfigurationException. Parsed once per function call; a cached answer is reused.
import { PolicyDocument, type Decision } from './policy-document.js';
import { rememberedDecisions } from './remembered-decisions.js';

/** An answer's `principalId` and policy: what every IAM-policy answer (REST, WebSocket, HTTP API) holds. */
export interface PolicyAnswer {
  readonly principalId: string;
  readonly policy: PolicyDocument;
  /**
   * The policy's decision for `execute-api:Invoke` on a method ARN; remembered per ARN when the
   * policy reads no condition keys (the same answer, the same ARN, the same decision).
   */
  decide(methodArn: string, context: () => Readonly<Record<string, string | undefined>>): Decision;
  /** The policy as returned (TestInvokeAuthorizer shows it). */
  readonly policyDocument: unknown;
}

export interface AuthorizerAnswer extends PolicyAnswer {
  /** `principalId` then the context's values as strings: what `$context.authorizer` holds (with `integrationLatency`). */
  readonly context: Readonly<Record<string, string>>;
  readonly usageIdentifierKey: string | undefined;
}

/** Parses the function's answer; `{ malformed }` says why API Gateway would refuse it. */
export function parseAuthorizerAnswer(text: string): AuthorizerAnswer | { readonly malformed: string } {
  const parsed = answerObject(text);
  if ('malformed' in parsed) return parsed;
  const answer = parsed.object;
  const policyAnswer = parsePolicyAnswer(answer);
  if ('malformed' in policyAnswer) return policyAnswer;
  const context: Record<string, string> = Object.create(null) as Record<string, string>;
  const returned = answer.context;
  if (returned !== undefined && returned !== null) {
    if (typeof returned !== 'object' || Array.isArray(returned)) return { malformed: 'context is not an object' };
    for (const [key, value] of Object.entries(returned)) {
      if (value === null) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return { malformed: `context value ${key} is not a string, number or boolean` };
      }
      context[key] = String(value);
    }
  }
  // The answer's own principalId wins over a context key of that name.
  context.principalId = policyAnswer.principalId;
  const key = answer.usageIdentifierKey;
  return Object.freeze({
    ...policyAnswer,
    context: Object.freeze(context),
    usageIdentifierKey: typeof key === 'string' ? key : undefined,
  });
}

/** The function's answer as a JSON object (`{ object }`), or why it is none. */
export function answerObject(text: string): { readonly object: Record<string, unknown> } | { readonly malformed: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { malformed: 'the answer is not JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { malformed: 'the answer is not an object' };
  return { object: parsed as Record<string, unknown> };
}

/** An answer's `principalId` (a string or a number) and `policyDocument`, checked and parsed. */
export function parsePolicyAnswer(answer: Readonly<Record<string, unknown>>): PolicyAnswer | { readonly malformed: string } {
  const principalId = answer.principalId;
  if (typeof principalId !== 'string' && typeof principalId !== 'number') return { malformed: 'principalId is missing' };
  if (answer.policyDocument === undefined || answer.policyDocument === null) return { malformed: 'policyDocument is missing (Could not parse policy)' };
  let policy: PolicyDocument;
  try {
    policy = PolicyDocument.parse(answer.policyDocument);
  } catch (error) {
    return { malformed: `Could not parse policy: ${(error as Error).message}` };
  }
  return Object.freeze({ principalId: String(principalId), policy, decide: decisions(policy), policyDocument: answer.policyDocument });
}

function decisions(policy: PolicyDocument): AuthorizerAnswer['decide'] {
  if (policy.conditionKeys.size > 0) return (resource, context) => policy.evaluate({ action: 'execute-api:Invoke', resource, context: context() });
  return rememberedDecisions((resource) => policy.evaluate({ action: 'execute-api:Invoke', resource }));
}
