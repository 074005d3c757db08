// A deployment's Lambda authorizers (TOKEN, REQUEST), compiled once
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html):
// the function from `authorizerUri`, the identity sources, the TOKEN validation expression (a Java
// regex matched against the whole token), the cache TTL, and the Lambda dispatcher that calls it.
import type { Authorizer } from '../model/rest-api.js';
import type { Integration } from '../integrations/types.js';
import type { IntegrationRegistry } from '../integrations/index.js';
import { FunctionReference, functionOfIntegrationUri } from '../functions/arn.js';
import { parseIdentitySources, type IdentitySource } from '../auth/identity-sources.js';
import { compileSelectionPattern, type SelectionPattern } from './selection-pattern.js';

/** A Lambda authorizer's result TTL when none is given (AWS's documented default), in seconds. */
export const DEFAULT_TTL_SECONDS = 300;

export interface CompiledLambdaAuthorizer {
  readonly id: string;
  readonly name: string;
  readonly type: 'TOKEN' | 'REQUEST';
  /** The function (`${stageVariables.x}` resolved per request); undefined → the URI names none (500). */
  readonly functionRef: FunctionReference | undefined;
  readonly identitySources: readonly IdentitySource[];
  /** TOKEN: `identityValidationExpression`; a token it does not match is refused (401) without a call. */
  readonly validation: SelectionPattern | undefined;
  /** How long an answer is reused for the same identity; 0: never cached. */
  readonly ttlMs: number;
  readonly dispatcher: Integration | undefined;
}

export function compileLambdaAuthorizer(authorizer: Authorizer, integrations: IntegrationRegistry | undefined): CompiledLambdaAuthorizer {
  const arn = authorizer.authorizerUri === undefined ? undefined : functionOfIntegrationUri(authorizer.authorizerUri);
  const expression = authorizer.type === 'TOKEN' ? authorizer.identityValidationExpression : undefined;
  return Object.freeze({
    id: authorizer.id,
    name: authorizer.name,
    type: authorizer.type === 'TOKEN' ? 'TOKEN' : 'REQUEST',
    functionRef: arn === undefined ? undefined : FunctionReference.compile(arn),
    identitySources: Object.freeze(parseIdentitySources(authorizer.identitySource)),
    // An expression that does not compile matches nothing: every token is refused (AWS unverified).
    validation: expression === undefined || expression === '' ? undefined : compileSelectionPattern(expression) ?? { test: () => false },
    ttlMs: (authorizer.authorizerResultTtlInSeconds ?? DEFAULT_TTL_SECONDS) * 1000,
    dispatcher: integrations?.dispatcherFor('AWS', { insecureTls: false }),
  });
}
