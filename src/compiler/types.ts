// What the compiler produces: a frozen CompiledDeployment per deployment snapshot and a cheap
// CompiledStage wrapper per stage (DESIGN.md §3). Nothing here is parsed again per request.
import type {
  ContentHandling, IntegrationType, Method, MethodResponse, MethodSetting, PassthroughBehavior, RestApi,
} from '../model/rest-api.js';
import type { RestRouter } from '../routing/rest-router.js';
import type { Stage } from '../data-plane/pipeline/stage.js';
import type { RoutedContext } from '../data-plane/pipeline/context.js';
import type { BinaryMediaTypes } from './binary-media-types.js';
import type { CompiledGatewayResponses } from './gateway-responses.js';
import type { CompiledHeaderParameter, CompiledRequestParameter } from './parameter-mapping.js';
import type { TemplateSet } from './templates.js';
import type { UriTemplate } from './uri-template.js';
import type { FunctionReference } from '../functions/arn.js';

export interface CompiledIntegrationResponse {
  readonly statusCode: string;
  /** Full-match selection pattern; undefined for the default response. */
  readonly pattern: RegExp | undefined;
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
}

export interface MethodPlan {
  readonly resourceId: string;
  readonly resourcePath: string;
  /** As declared: a verb or `ANY`. */
  readonly httpMethod: string;
  readonly method: Readonly<Method>;
  readonly integration: IntegrationPlan | undefined;
  /** The stages this method needs after routing, in AWS order. */
  readonly stages: readonly Stage<RoutedContext>[];
}

export interface CompiledDeployment {
  readonly restApiId: string;
  readonly deploymentId: string;
  readonly api: Readonly<RestApi>;
  readonly router: RestRouter<MethodPlan>;
  /** resourceId → verb → plan (TestInvokeMethod addresses methods this way). */
  readonly methods: ReadonlyMap<string, Readonly<Record<string, MethodPlan>>>;
  readonly gatewayResponses: CompiledGatewayResponses;
  readonly binaryMediaTypes: BinaryMediaTypes;
}

/** A stage: the compiled deployment it points at plus what the stage itself sets. */
export interface CompiledStage {
  readonly restApiId: string;
  readonly stageName: string;
  readonly deploymentId: string;
  readonly deployment: CompiledDeployment;
  readonly variables: Readonly<Record<string, string>>;
  readonly methodSettings: Readonly<Record<string, MethodSetting>>;
  readonly tracingEnabled: boolean;
}
