// The one context a request carries through the pipeline (DESIGN.md §5). Fields later stages
// rely on are narrowed by type (RoutedContext after `route`); views of the request ($context,
// query maps, header maps, mapping sources) are built lazily, once.
import type { IncomingMessage } from 'node:http';
import type { GatewayEnvironment } from '../../options/gateway-environment.js';
import type { CompiledStage, MethodPlan } from '../../compiler/types.js';
import { mediaTypeOf } from '../../compiler/binary-media-types.js';
import type { MappingSources, TemplateInput } from '../../vtl/index.js';
import type { EndpointResponse, IntegrationRequest, IntegrationRegistry } from '../../integrations/types.js';
import { newRequestId } from '../../aws/ids.js';
import { newExtendedRequestId } from '../../aws/ids.js';
import { errorContext, type GatewayResponseSources } from '../errors/render.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { buildContextVariables } from './context-variables.js';
import { EMPTY_RECORD, headerViews, parseQuery, rawHeader, type HeaderViews, type QueryViews } from './request-views.js';
import { EMPTY_BODY, type GatewayOutput } from './response.js';

export interface DataPlaneLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** An integration call that can be abandoned before it answers. */
export interface PendingIntegration {
  /** Ends the call: its pending result becomes `error`, the backend request is aborted. */
  cancel(error: Error): void;
}

/** What every request shares: process environment, integrations, logger. */
export interface PipelineServices {
  readonly env: GatewayEnvironment;
  readonly integrations: IntegrationRegistry;
  readonly log: DataPlaneLogger;
}

export interface MappedParameters {
  path: Record<string, string>;
  querystring: Record<string, string | string[]>;
  header: Record<string, string | string[]>;
}

export interface MethodRequestInit {
  httpMethod: string;
  /** Raw resource path after the stage ('/' at least), percent-encoding kept. */
  path: string;
  rawQuery: string;
  /** Flat [name, value, …] as the client sent them. */
  rawHeaders: readonly string[];
  sourceIp: string;
  protocol: string;
  /** The Host used, without port; defaults to the Host header. */
  domainName?: string;
  body?: Buffer;
  /** The live request whose body the parse stage reads. */
  incoming?: IncomingMessage;
  requestId?: string;
  extendedRequestId?: string;
  requestTimeEpoch?: number;
}

export class InvocationContext implements GatewayResponseSources {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly requestTimeEpoch: number;
  readonly startTime: number;
  /** The method as routed (X-HTTP-Method-Override applied by the parse stage). */
  httpMethod: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly rawHeaders: readonly string[];
  readonly sourceIp: string;
  readonly protocol: string;
  readonly stage: CompiledStage;
  readonly services: PipelineServices;
  incoming: IncomingMessage | undefined;
  body: Buffer;

  /** Set by `route`. */
  plan: MethodPlan | undefined = undefined;
  pathParams: Record<string, string> | undefined = undefined;

  /** `integration.request.*` values from parameter mapping, then template overrides. */
  mapped: MappedParameters | undefined = undefined;
  /** The integration request body after template/passthrough; undefined → the method body. */
  integrationBody: Buffer | undefined = undefined;
  /** Whether a request template produced `integrationBody` (MOCK reads its statusCode). */
  templateApplied = false;
  /** The request template's output as text (MOCK parses it without re-decoding). */
  integrationText: string | undefined = undefined;
  integrationRequest: IntegrationRequest | undefined = undefined;
  /** The integration call in progress, cancelled by the DataPlane when the client goes away. */
  pendingIntegration: PendingIntegration | undefined = undefined;
  endpointResponse: EndpointResponse | undefined = undefined;
  /** Built by the integration-response stage, checked and completed by method-response. */
  methodResponse: GatewayOutput | undefined = undefined;
  /** The integration response's status code (the key of its MethodResponse). */
  selectedStatusCode: string | undefined = undefined;
  /** The response to send; setting it ends the request. */
  response: GatewayOutput | undefined = undefined;
  /** The gateway error being rendered, if any. */
  error: GatewayError | undefined = undefined;
  /** Why a 5xx happened (for the request log). */
  failureReason: string | undefined = undefined;
  /** Execution log lines (TestInvokeMethod only). */
  trace: string[] | undefined = undefined;

  #domainName: string | undefined;
  #headers: HeaderViews | undefined;
  #query: QueryViews | undefined;
  #contextVariables: Record<string, unknown> | undefined;
  #sources: MappingSources | undefined;

  constructor(init: MethodRequestInit, stage: CompiledStage, services: PipelineServices) {
    this.requestId = init.requestId ?? newRequestId();
    this.extendedRequestId = init.extendedRequestId ?? newExtendedRequestId();
    this.requestTimeEpoch = init.requestTimeEpoch ?? Date.now();
    this.startTime = performance.now();
    this.httpMethod = init.httpMethod;
    this.path = init.path;
    this.rawQuery = init.rawQuery;
    this.rawHeaders = init.rawHeaders;
    this.sourceIp = init.sourceIp;
    this.protocol = init.protocol;
    this.#domainName = init.domainName;
    this.body = init.body ?? EMPTY_BODY;
    this.incoming = init.incoming;
    this.stage = stage;
    this.services = services;
  }

  /** The last value of a header, by lower-case name. */
  header(lowerName: string): string | undefined {
    return rawHeader(this.rawHeaders, lowerName);
  }

  get headers(): HeaderViews {
    return (this.#headers ??= headerViews(this.rawHeaders));
  }

  get query(): QueryViews {
    return (this.#query ??= parseQuery(this.rawQuery));
  }

  get accept(): string | undefined {
    return mediaTypeOf(this.header('accept'));
  }

  get domainName(): string {
    if (this.#domainName === undefined) {
      const host = this.header('host') ?? 'localhost';
      const colon = host.lastIndexOf(':');
      this.#domainName = colon === -1 || host.endsWith(']') ? host : host.slice(0, colon);
    }
    return this.#domainName;
  }

  /** `$context` (mapping-templates.md §4), built on first use. */
  get contextVariables(): Record<string, unknown> {
    return (this.#contextVariables ??= buildContextVariables({
      accountId: this.services.env.accountId,
      apiId: this.stage.restApiId,
      deploymentId: this.stage.deploymentId,
      stage: this.stage.stageName,
      domainName: this.domainName,
      requestId: this.requestId,
      extendedRequestId: this.extendedRequestId,
      requestTimeEpoch: this.requestTimeEpoch,
      httpMethod: this.httpMethod,
      path: this.path,
      protocol: this.protocol,
      sourceIp: this.sourceIp,
      userAgent: this.header('user-agent') ?? null,
      resourceId: this.plan?.resourceId ?? null,
      resourcePath: this.plan?.resourcePath ?? null,
    }));
  }

  /** Called by `route`: records the match and keeps an already built `$context` in step. */
  setRoute(plan: MethodPlan, pathParams: Record<string, string>): void {
    this.plan = plan;
    this.pathParams = pathParams;
    if (this.#contextVariables !== undefined) {
      this.#contextVariables.resourceId = plan.resourceId;
      this.#contextVariables.resourcePath = plan.resourcePath;
    }
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
      // Header names as the client sent them, case-sensitively (data-plane.md §3 "Header names").
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

/** The context after `route`: a method plan and its path parameters are guaranteed. */
export type RoutedContext = InvocationContext & { readonly plan: MethodPlan; readonly pathParams: Record<string, string> };

function lazySources(ctx: InvocationContext): MappingSources {
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

/** `method.request.header.X` looks X up case-sensitively, as the client spelled it (data-plane.md §3). */
function lazyMethodRequest(ctx: InvocationContext): NonNullable<MappingSources['methodRequest']> {
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
