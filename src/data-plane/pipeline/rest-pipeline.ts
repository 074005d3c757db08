// The REST API pipeline in AWS's order (docs/architecture.md). A stage runs parse and route;
// route then hands the request to the matched method's plan, whose steps are chosen once, when
// the stage is compiled, from the candidates below: each is in the plan only if its predicate
// holds for (stage settings, method, integration), so what a method does not use costs nothing.
// The error step renders failures as gateway responses; the finalizers belong to the caller
// (the DataPlane's request log; TestInvokeMethod has none).
import type { MethodSetting } from '../../model/rest-api.js';
import type { CompiledMethod, IntegrationPlan } from '../../compiler/types.js';
import type { Step, StepList } from './step.js';
import type { RestContext, RestRoutedContext } from './rest-context.js';
import { parse } from '../steps/parse.js';
import { route } from '../steps/route.js';
import { httpProxyRequest, httpRequest, requestParameters, requestTemplate } from '../steps/integration-request.js';
import { integration, mockIntegration } from '../steps/integration.js';
import { integrationResponse, proxyIntegrationResponse } from '../steps/integration-response.js';
import { methodResponse } from '../steps/method-response.js';
import { lambdaProxyRequest, lambdaProxyResponse, lambdaRequest } from '../steps/lambda.js';
import { renderError } from '../steps/error.js';
import { validateRequest } from '../steps/validate-request.js';
import { usagePlan } from '../steps/usage-plan.js';
import { throttle } from '../steps/throttle.js';
import { resourcePolicy } from '../steps/resource-policy.js';
import { lambdaAuthorizer } from '../steps/lambda-authorizer.js';
import { cognitoAuthorizer } from '../steps/cognito-authorizer.js';
import { iamAuthorizer } from '../steps/iam-authorizer.js';
import { ApiConfigurationError } from '../errors/gateway-error.js';

/** What decides whether a method needs a step. */
interface PlanInput {
  readonly settings: Readonly<MethodSetting>;
  /** The API has a resource policy. */
  readonly resourcePolicy: boolean;
  readonly method: CompiledMethod;
  readonly integration: IntegrationPlan;
}

interface Candidate {
  readonly step: Step<RestRoutedContext>;
  readonly when: (input: PlanInput) => boolean;
}

const always = () => true;
/** AWS_IAM methods combine the resource policy with the caller's identity in one step. */
const iam = ({ method }: PlanInput) => method.method.authorizationType === 'AWS_IAM';
const type = (...types: IntegrationPlan['type'][]) => ({ integration }: PlanInput) => types.includes(integration.type);
/** Parameter mapping and templates apply to every type but Lambda proxy (AWS Developer Guide "Set up Lambda proxy integrations"). */
const mapped = ({ integration }: PlanInput) => integration.type !== 'AWS_PROXY' && integration.requestParameters.length > 0;
const templated = ({ integration }: PlanInput) => integration.type !== 'HTTP_PROXY' && integration.type !== 'AWS_PROXY'
  && (integration.requestTemplates !== undefined || integration.passthroughBehavior === 'NEVER' || integration.contentHandling !== undefined);

const REQUEST_STEPS = [
  { step: parse, when: always }, //                              method override, body (413)
  { step: route, when: always }, //                              resource + method (403 Missing Authentication Token)
  { step: iamAuthorizer, when: iam }, //                          AWS_IAM: SigV4 (403), identity + resource policy (403 AccessDeniedException)
  { step: cognitoAuthorizer, when: ({ method }) => method.method.authorizationType === 'COGNITO_USER_POOLS' }, // the token first (401)
  { step: resourcePolicy, when: (input) => input.resourcePolicy && !iam(input) }, //  403 AccessDeniedException
  { step: lambdaAuthorizer, when: ({ method }) => method.method.authorizationType === 'CUSTOM' }, // 401, 403, 500
  { step: usagePlan, when: ({ method }) => method.method.apiKeyRequired }, // API key (403), plan throttle and quota (429)
  { step: throttle, when: always }, //                           stage method and account throttles (429)
  { step: validateRequest, when: ({ method }) => method.validation !== undefined }, // 400 BAD_REQUEST_PARAMETERS / _BODY
  // cache: a later issue
  { step: requestParameters, when: mapped }, //                  integration.request.* ← method request
  { step: requestTemplate, when: templated }, //                 template / passthrough (415), content handling
  { step: httpRequest, when: type('HTTP') }, //                  the integration request
  { step: httpProxyRequest, when: type('HTTP_PROXY') },
  { step: lambdaRequest, when: type('AWS') },
  { step: lambdaProxyRequest, when: type('AWS_PROXY') },
  { step: mockIntegration, when: type('MOCK') }, //              the integration
  { step: integration, when: type('HTTP', 'HTTP_PROXY', 'AWS', 'AWS_PROXY') },
] as const satisfies readonly Candidate[];

const RESPONSE_STEPS = [
  { step: proxyIntegrationResponse, when: type('HTTP_PROXY') }, // integration response
  { step: lambdaProxyResponse, when: type('AWS_PROXY') },
  { step: integrationResponse, when: type('HTTP', 'MOCK', 'AWS') },
  { step: methodResponse, when: type('HTTP', 'MOCK', 'AWS') }, //  method response
] as const satisfies readonly Candidate[];

/** What a stage runs before a method is known. */
export const REST_STAGE_STEPS: StepList<RestContext> = Object.freeze({
  request: Object.freeze([parse, route]),
  response: Object.freeze([]),
  error: renderError,
});

/** The steps of one method in one stage. */
export function planMethodSteps(method: CompiledMethod, settings: Readonly<MethodSetting>, hasResourcePolicy = false): StepList<RestRoutedContext> {
  const problem = configurationError(method.integration) ?? authorizerProblem(method);
  if (problem !== undefined || method.integration === undefined) {
    const request = [parse, route, failing(problem ?? 'No integration defined for method')];
    return Object.freeze({ request: Object.freeze(request), response: Object.freeze([]), error: renderError });
  }
  const input: PlanInput = { settings, method, integration: method.integration, resourcePolicy: hasResourcePolicy };
  return Object.freeze({
    request: chosen(REQUEST_STEPS, input),
    response: chosen(RESPONSE_STEPS, input),
    error: renderError,
  });
}

function chosen(candidates: readonly Candidate[], input: PlanInput): readonly Step<RestRoutedContext>[] {
  return Object.freeze(candidates.filter((candidate) => candidate.when(input)).map((candidate) => candidate.step));
}

/** A method the deployment cannot serve: a 500 API_CONFIGURATION_ERROR with this reason in the request log. */
function configurationError(integration: IntegrationPlan | undefined): string | undefined {
  if (integration === undefined) return 'No integration defined for method';
  switch (integration.type) {
    case 'HTTP':
    case 'HTTP_PROXY':
      if (integration.uri === undefined) return `${integration.type} integration has no uri`;
      break;
    case 'AWS_PROXY':
      if (integration.functionRef === undefined) return 'AWS_PROXY integrations other than Lambda are not supported yet';
      // Lambda is invoked with POST; LocalStack answers other verbs with 500 (AWS unverified).
      if (integration.httpMethod !== 'POST') return `Lambda proxy integrations must use POST, not ${integration.httpMethod ?? 'no method'}`;
      break;
    case 'AWS':
      if (integration.functionRef === undefined) return 'AWS service integrations other than Lambda are not supported yet';
      break;
    case 'MOCK':
      break;
    default:
      return `integration type ${integration.type as string} is not supported yet`;
  }
  return undefined;
}

/** A CUSTOM method must name a Lambda authorizer of its API (PutMethod checks; an import may not). */
function authorizerProblem(method: CompiledMethod): string | undefined {
  if (method.method.authorizationType !== 'CUSTOM' || method.lambdaAuthorizer !== undefined) return undefined;
  return `CUSTOM authorization needs a TOKEN or REQUEST authorizer; ${method.method.authorizerId ?? 'none'} is not one`;
}

function failing(reason: string): Step<RestRoutedContext> {
  return {
    name: 'configuration-error',
    run() {
      throw new ApiConfigurationError(undefined, { reason });
    },
  };
}
