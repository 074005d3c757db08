// The HTTP API part of the invocation context: the stage, the matched route's plan and path
// parameters, the path as the client sent it after the API id (`rawPath`: a named stage's
// segment kept, as AWS shows it), and what the HTTP API steps hand each other. An HTTP API's
// request id is the `apigw-requestid` form (AWS answers it in that header and in
// `requestContext.requestId`). `HttpRoutedContext` is what the route step guarantees.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
import type { CompiledHttpStage, HttpIntegrationPlan, HttpRoutePlan } from '../../compiler/http-api/types.js';
import type { EndpointResponse, IntegrationRequest } from '../../integrations/types.js';
import { InvocationContext, type MatchedResource, type MethodRequestInit, type PipelineServices } from '../pipeline/context.js';
import type { StepList } from '../pipeline/step.js';

export class HttpContext extends InvocationContext {
  readonly stage: CompiledHttpStage;
  /** The raw path after the API id, stage segment included. */
  readonly rawPath: string;
  declare steps: StepList<HttpContext>;

  /** Set by `route`. */
  plan: HttpRoutePlan | undefined = undefined;
  pathParameters: Record<string, string> | undefined = undefined;

  integrationRequest: IntegrationRequest | undefined = undefined;
  endpointResponse: EndpointResponse | undefined = undefined;

  constructor(init: MethodRequestInit, rawPath: string, stage: CompiledHttpStage, services: PipelineServices) {
    init.httpApi = true;
    super(init, stage, stage.steps, services);
    this.stage = stage;
    this.rawPath = rawPath;
  }

  /** `$context.requestId` and `apigw-requestid`. */
  get httpApiRequestId(): string {
    return this.extendedRequestId;
  }

  /** `$context.routeKey`: the matched route's key (`$default` before routing, unverified). */
  get routeKey(): string {
    return this.plan?.routeKey ?? '$default';
  }

  override get resource(): MatchedResource | undefined {
    const plan = this.plan;
    return plan === undefined ? undefined : { resourceId: plan.routeId, resourcePath: plan.routePath };
  }

  /** Called by `route`: records the match and continues with the route's steps. */
  setRoute(plan: HttpRoutePlan, pathParameters: Record<string, string> | undefined): void {
    this.plan = plan;
    this.pathParameters = pathParameters;
    this.steps = plan.steps;
    this.routed({ resourceId: plan.routeId, resourcePath: plan.routePath });
  }
}

/** After `route`: the matched route's plan (with its integration) and path parameters. */
export type HttpRoutedContext = HttpContext & {
  readonly plan: HttpRoutePlan & { readonly integration: HttpIntegrationPlan };
};
