// What the compiler produces: a frozen CompiledDeployment per deployment snapshot and, per
// stage, a CompiledStage holding each method's plan (effective settings, steps in AWS order).
// Nothing here is parsed again per request (docs/architecture.md).
import type {
  ContentHandling, IntegrationType, Method, MethodResponse, MethodSetting, PassthroughBehavior, RestApi,
} from '../model/rest-api.js';
import type { RestRouter } from '../routing/rest-router.js';
import type { StepList } from '../data-plane/pipeline/step.js';
import type { RestContext, RestRoutedContext } from '../data-plane/pipeline/rest-context.js';
import type { Integration } from '../integrations/types.js';
import type { BinaryMediaTypes } from './binary-media-types.js';
import type { CompiledGatewayResponses } from './gateway-responses.js';
import type { CompiledHeaderParameter, CompiledRequestParameter } from './parameter-mapping.js';
import type { TemplateSet } from './templates.js';
import type { UriTemplate } from './uri-template.js';
import type { SelectionPattern } from './selection-pattern.js';
import type { FunctionReference } from '../functions/arn.js';
import type { RequestValidation } from './request-validation.js';
import type { CompiledResourcePolicy } from '../auth/resource-policy.js';
import type { CompiledLambdaAuthorizer } from './authorizers.js';
import type { CognitoAuthorizerPlan } from './cognito-authorizer.js';

export interface CompiledIntegrationResponse {
  readonly statusCode: string;
  /** Full-match selection pattern; undefined for the default response. */
  readonly pattern: SelectionPattern | undefined;
  readonly headers: readonly CompiledHeaderParameter[];
  readonly templates: TemplateSet | undefined;
  readonly contentHandling: ContentHandling | undefined;
}

export interface IntegrationPlan {
  readonly type: IntegrationType;
  /** The method sent to the endpoint; undefined (or ANY) → the request's method. */
  readonly httpMethod: string | undefined;
  readonly uri: UriTemplate | undefined;
  /** AWS/AWS_PROXY with a Lambda URI: the function ARN, `${stageVariables.x}` resolved per request. */
  readonly functionRef: FunctionReference | undefined;
  readonly requestParameters: readonly CompiledRequestParameter[];
  readonly requestTemplates: TemplateSet | undefined;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly contentHandling: ContentHandling | undefined;
  readonly timeoutMs: number;
  /** Responses with a selection pattern, in status-code order (first match wins). */
  readonly patternResponses: readonly CompiledIntegrationResponse[];
  /** The response with no selection pattern. */
  readonly defaultResponse: CompiledIntegrationResponse | undefined;
  /** tlsConfig.insecureSkipVerification: HTTPS endpoints with untrusted certificates. */
  readonly insecureTls: boolean;
  /** Method responses by status code. */
  readonly methodResponses: ReadonlyMap<string, MethodResponse>;
  /** Who calls the endpoint; undefined when this type is not supported here (a 500). */
  readonly dispatcher: Integration | undefined;
}

/** A method of a deployment, the same in every stage. */
export interface CompiledMethod {
  /** Its position in every CompiledStage's `methods`. */
  readonly index: number;
  readonly resourceId: string;
  readonly resourcePath: string;
  /** As declared: a verb or `ANY`. */
  readonly httpMethod: string;
  readonly method: Readonly<Method>;
  readonly integration: IntegrationPlan | undefined;
  /** What the method's request validator checks; undefined when it validates nothing. */
  readonly validation: RequestValidation | undefined;
  /** A CUSTOM method's Lambda authorizer (TOKEN or REQUEST). */
  readonly lambdaAuthorizer: CompiledLambdaAuthorizer | undefined;
  /** A COGNITO_USER_POOLS method's token check; undefined for other methods. */
  readonly cognito: CognitoAuthorizerPlan | undefined;
}

/** A method as one stage runs it: its effective settings and its steps in AWS order. */
export interface MethodPlan extends CompiledMethod {
  /** The stage's method settings merged for this method, most specific wins. */
  readonly settings: Readonly<MethodSetting>;
  /** This method's throttle in this stage (from `settings`) and the name of its token bucket. */
  readonly stageThrottle: { readonly bucket: string; readonly limits: { readonly rate: number; readonly burst: number } };
  readonly steps: StepList<RestRoutedContext>;
}

export interface CompiledDeployment {
  readonly kind: 'rest';
  readonly apiId: string;
  readonly deploymentId: string;
  readonly api: Readonly<RestApi>;
  readonly router: RestRouter<CompiledMethod>;
  /** resourceId → verb → method (TestInvokeMethod addresses methods this way). */
  readonly methods: ReadonlyMap<string, Readonly<Record<string, CompiledMethod>>>;
  /** How many methods (the length of every CompiledStage's `methods`). */
  readonly methodCount: number;
  readonly gatewayResponses: CompiledGatewayResponses;
  readonly binaryMediaTypes: BinaryMediaTypes;
  /** `arn:aws:execute-api:{region}:{account}:{apiId}`. */
  readonly apiArn: string;
  /** The API's resource policy, when it has one. */
  readonly resourcePolicy: CompiledResourcePolicy | undefined;
}

/** An API Gateway stage: the compiled deployment it points at, what the stage sets, and its method plans. */
export interface CompiledStage {
  readonly kind: 'rest';
  readonly apiId: string;
  readonly stageName: string;
  /** `{apiId}/{stageName}`: how usage plans name this stage. */
  readonly apiStage: string;
  readonly deploymentId: string;
  readonly deployment: CompiledDeployment;
  readonly variables: Readonly<Record<string, string>>;
  readonly methodSettings: Readonly<Record<string, MethodSetting>>;
  readonly tracingEnabled: boolean;
  /** The steps before a method is known (parse, route). */
  readonly steps: StepList<RestContext>;
  /** Each method's plan, by CompiledMethod.index. */
  readonly methods: readonly MethodPlan[];
}
