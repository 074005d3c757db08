// The REST API part of the invocation context: the API Gateway stage, the matched method's
// plan, and what the REST steps hand each other (mapped parameters, the integration request,
// the endpoint response, the method response). `RestRoutedContext` is what the route step
// guarantees to the steps after it.
import type { CompiledStage, IntegrationPlan, MethodPlan } from '../../compiler/types.js';
import { mediaTypeOf } from '../../compiler/binary-media-types.js';
import type { MappingSources, TemplateInput, TemplateResult } from '../../vtl/index.js';
import type { EndpointResponse, IntegrationRequest } from '../../integrations/types.js';
import { errorContext, type GatewayResponseSources } from '../errors/render.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { InvocationContext, type MatchedResource, type MethodRequestInit, type PipelineServices } from './context.js';
import { EMPTY_RECORD } from './request-views.js';
import type { GatewayOutput } from './response.js';
import type { StepList } from './step.js';
import type { Decision } from '../../auth/policy-document.js';
import type { AuthorizerAnswer } from '../../auth/authorizer-answer.js';

export interface MappedParameters {
  path: Record<string, string>;
  querystring: Record<string, string | string[]>;
  header: Record<string, string | string[]>;
}

export class RestContext extends InvocationContext implements GatewayResponseSources {
  readonly stage: CompiledStage;
  declare steps: StepList<RestContext>;

  /** Set by `route`: the plan of the matched method in this stage, and its path parameters. */
  plan: MethodPlan | undefined = undefined;
  pathParams: Record<string, string> | undefined = undefined;

  /** The resource policy's decision for a CUSTOM method, which the authorizer's policy is combined with. */
  resourcePolicyDecision: Decision | undefined = undefined;
  /** The Lambda authorizer's answer for this request (TestInvokeAuthorizer reports it). */
  authorizerAnswer: AuthorizerAnswer | undefined = undefined;
  /** The API key a Lambda authorizer returned (`usageIdentifierKey`), used when the API's key source is AUTHORIZER. */
  usageIdentifierKey: string | undefined = undefined;

  /** `integration.request.*` values from parameter mapping, then template overrides. */
  mapped: MappedParameters | undefined = undefined;
  /** The integration request body after template/passthrough; undefined → the method body. */
  integrationBody: Buffer | undefined = undefined;
  /** Whether a request template produced `integrationBody`. */
  templateApplied = false;
  /** The request template's output as text (MOCK parses it without re-decoding). */
  integrationText: string | undefined = undefined;
  /** `$context.responseOverride` set by a MOCK integration's request template: applies to the final response. */
  responseOverride: TemplateResult['responseOverride'] | undefined = undefined;
  integrationRequest: IntegrationRequest | undefined = undefined;
  endpointResponse: EndpointResponse | undefined = undefined;
  /** Built by the integration-response step, checked and completed by method-response. */
  methodResponse: GatewayOutput | undefined = undefined;
  /** The integration response's status code (the key of its MethodResponse). */
  selectedStatusCode: string | undefined = undefined;

  #sources: MappingSources | undefined;

  constructor(init: MethodRequestInit, stage: CompiledStage, services: PipelineServices) {
    super(init, stage, stage.steps, services);
    this.stage = stage;
  }

  override get resource(): MatchedResource | undefined {
    return this.plan;
  }

  /** Called by `route`: records the match and continues with the method's steps. */
  setRoute(plan: MethodPlan, pathParams: Record<string, string>): void {
    this.plan = plan;
    this.pathParams = pathParams;
    this.steps = plan.steps;
    this.routed(plan);
  }

  /** The body as templates see it: text, or base64 when the Content-Type is binary. */
  get bodyText(): string {
    if (this.body.length === 0) return '';
    return this.stage.deployment.binaryMediaTypes.matches(mediaTypeOf(this.header('content-type')))
      ? this.body.toString('base64')
      : this.body.toString('utf8');
  }

  /**
   * Sources for parameter mapping (`method.request.*`, `context.*`, `stageVariables.*`). Each
   * part is a getter computed on first read, so `method.request.path.proxy` builds no $context.
   */
  get mappingSources(): MappingSources {
    return (this.#sources ??= lazySources(this));
  }

  templateInput(body: string): TemplateInput {
    return {
      body,
      // Header names as the client sent them: API Gateway maps headers case-sensitively.
      params: { path: this.pathParams ?? EMPTY_RECORD, querystring: this.query.single, header: this.headers.single },
      context: this.contextVariables,
      stageVariables: this.stage.variables,
    };
  }

  /** GatewayResponseSources: `$context.error.*` set for the error being rendered. */
  sourcesFor(error: GatewayError): MappingSources {
    this.contextVariables.error = errorContext(error);
    return this.mappingSources;
  }
}

/** After `route`: the matched method's plan (with its integration) and path parameters. */
export type RestRoutedContext = RestContext & {
  readonly plan: MethodPlan & { readonly integration: IntegrationPlan };
  readonly pathParams: Record<string, string>;
};

function lazySources(ctx: RestContext): MappingSources {
  let methodRequest: MappingSources['methodRequest'];
  return {
    get methodRequest() {
      return (methodRequest ??= lazyMethodRequest(ctx));
    },
    get context() {
      return ctx.contextVariables;
    },
    stageVariables: ctx.stage.variables,
  };
}

/** `method.request.header.X` looks X up case-sensitively, as the client spelled it, as AWS does. */
function lazyMethodRequest(ctx: RestContext): NonNullable<MappingSources['methodRequest']> {
  let body: string | undefined;
  return {
    get path() {
      return ctx.pathParams ?? EMPTY_RECORD;
    },
    get querystring() {
      return ctx.query.single;
    },
    get multivaluequerystring() {
      return ctx.query.multi;
    },
    get header() {
      return ctx.headers.single;
    },
    get multivalueheader() {
      return ctx.headers.multi;
    },
    get body() {
      return (body ??= ctx.bodyText);
    },
  };
}
