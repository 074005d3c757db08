// The context every invocation carries through its steps, whatever the API kind (REST, HTTP
// API, WebSocket): ids, timings, the method request and its lazily built views, `$context`,
// the shared services, the response and what the finalizers report. The REST part
// (rest-context.ts) narrows by type after routing; see docs/architecture.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayEnvironment } from '../../options/gateway-environment.js';
import type { Logger } from '../../observability/logger.js';
import type { RequestBodies } from '../../request-body.js';
import type { Cancellable, IntegrationSignal } from '../../integrations/types.js';
import { mediaTypeOf } from '../../compiler/binary-media-types.js';
import { newExtendedRequestId, newRequestId } from '../../aws/ids.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { buildContextVariables } from './context-variables.js';
import { headerViews, parseQuery, rawHeader, type HeaderViews, type QueryViews } from './request-views.js';
import { EMPTY_BODY, type GatewayOutput } from './response.js';
import type { StepList } from './step.js';
import type { Metering } from '../metering/metering.js';
import type { AuthorizerCache } from '../../state/index.js';
import type { UserPoolVerifier } from '../../auth/user-pool-verifier.js';
import type { IamCallers } from '../auth/iam-callers.js';
import type { JwtAuthorizers } from '../../auth/jwt-authorizer.js';

/** What every request shares: the process environment, the logger, the body reader, metering and the token verifier. */
export interface PipelineServices {
  readonly env: GatewayEnvironment;
  readonly log: Logger;
  /** Reads request bodies within the process-wide limits (shared with the control plane). */
  readonly bodies: RequestBodies;
  /** API keys, usage plans, throttles and quotas. */
  readonly metering: Metering;
  /** Lambda authorizers' answers, reused for their TTL. */
  readonly authorizerCache: AuthorizerCache;
  /** Verifies the tokens of COGNITO_USER_POOLS methods (one JWKS and one cache per process). */
  readonly userPools: UserPoolVerifier;
  /** The IAM callers `AWS_IAM` methods verify signatures against. */
  readonly iam: IamCallers;
  /** Verifies the tokens of HTTP APIs' JWT routes (one JWKS cache per issuer and process). */
  readonly jwtAuthorizers: JwtAuthorizers;
}

/**
 * An IAM caller, verified from a SigV4 signature: `$context.identity.*` and the Lambda proxy
 * event's `requestContext.identity`.
 */
export interface CallerIdentity {
  readonly accessKey: string;
  readonly accountId: string;
  /** `$context.identity.caller`: the principal id (the user id for an IAM user). */
  readonly caller: string;
  /** `$context.identity.user`. */
  readonly user: string;
  readonly userArn: string;
  readonly principalOrgId: string | null;
}

/** The method request as the listener (or TestInvokeMethod) received it. */
export interface MethodRequestInit {
  httpMethod: string;
  /** Resource path after the stage, '/' at least, percent-encoding kept. */
  path: string;
  /** The request-target's path as the client sent it, which a SigV4 signature covers; defaults to `path`. */
  requestPath?: string;
  rawQuery: string;
  rawHeaders: readonly string[];
  sourceIp: string;
  protocol: string;
  /** The live request whose body the parse step reads; absent when `body` is given. */
  incoming?: IncomingMessage;
  body?: Buffer;
  /** `$context.domainName`; defaults to the Host header without its port. */
  domainName?: string;
  /** The request came over TLS (`aws:SecureTransport`). */
  secure?: boolean;
  /** An HTTP API's request: answered with `apigw-requestid` (its extended id) instead of REST's ids. */
  httpApi?: boolean;
}

/** Which API and stage the request addressed (the stage may be unknown or missing). */
export interface InvocationTarget {
  readonly apiId: string;
  readonly stageName: string | undefined;
  readonly deploymentId: string | undefined;
}

/** `$context.resourceId` / `$context.resourcePath` once a route matched. */
export interface MatchedResource {
  readonly resourceId: string;
  readonly resourcePath: string;
}

export class InvocationContext implements IntegrationSignal {
  readonly requestId = newRequestId();
  readonly extendedRequestId = newExtendedRequestId();
  readonly requestTimeEpoch = Date.now();
  readonly startTime = performance.now();
  readonly apiId: string;
  readonly stageName: string | undefined;
  readonly deploymentId: string | undefined;
  /** The method as routed (X-HTTP-Method-Override applied by the parse step). */
  httpMethod: string;
  readonly path: string;
  readonly requestPath: string;
  readonly rawQuery: string;
  readonly rawHeaders: readonly string[];
  readonly sourceIp: string;
  readonly protocol: string;
  /** The request came over TLS. */
  readonly secure: boolean;
  /** An HTTP API's request (its ids are answered the HTTP API way). */
  readonly httpApi: boolean;
  readonly services: PipelineServices;
  incoming: IncomingMessage | undefined;
  body: Buffer;

  /** Where the listener's delivery writes the response; undefined when buffered (TestInvokeMethod). */
  res: ServerResponse | undefined = undefined;
  /** The steps this request runs; the route step replaces the stage's with the matched method's. */
  steps: StepList<InvocationContext>;
  /** The integration call in progress, cancelled when the client goes away (IntegrationSignal). */
  pending: Cancellable | undefined = undefined;
  /** The response to send; setting it during the request steps ends them early. */
  response: GatewayOutput | undefined = undefined;
  /** The gateway error being rendered, if any. */
  error: GatewayError | undefined = undefined;
  /** Why a 5xx happened, or why the request ended without an answer (for the request log). */
  failureReason: string | undefined = undefined;
  /** The client went away before the answer: logged as 499. */
  clientClosed = false;
  /** The finalizers have run. */
  finished = false;
  /** Execution log lines (TestInvokeMethod only). */
  trace: string[] | undefined = undefined;
  /** The API key the request was admitted with: `$context.identity.apiKey` and `apiKeyId`. */
  apiKey: { readonly id: string; readonly value: string } | undefined = undefined;
  /**
   * What an authorizer established, exactly as `$context.authorizer` and the Lambda proxy event's
   * `requestContext.authorizer` show it (a Lambda authorizer: `principalId`, `integrationLatency`
   * and its context values as strings; Cognito: `claims`).
   */
  authorizer: Readonly<Record<string, unknown>> | undefined = undefined;
  /** The IAM caller of an `AWS_IAM` method. */
  identity: CallerIdentity | undefined = undefined;

  #domainName: string | undefined;
  #headers: HeaderViews | undefined;
  #query: QueryViews | undefined;
  #contextVariables: Record<string, unknown> | undefined;

  constructor(init: MethodRequestInit, target: InvocationTarget, steps: StepList<InvocationContext>, services: PipelineServices) {
    this.apiId = target.apiId;
    this.stageName = target.stageName;
    this.deploymentId = target.deploymentId;
    this.httpMethod = init.httpMethod;
    this.path = init.path;
    this.requestPath = init.requestPath ?? init.path;
    this.rawQuery = init.rawQuery;
    this.rawHeaders = init.rawHeaders;
    this.sourceIp = init.sourceIp;
    this.protocol = init.protocol;
    this.secure = init.secure ?? false;
    this.httpApi = init.httpApi ?? false;
    this.#domainName = init.domainName;
    this.body = init.body ?? EMPTY_BODY;
    this.incoming = init.incoming;
    this.steps = steps;
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

  /** The matched resource; undefined before routing (and for API kinds without resources). */
  get resource(): MatchedResource | undefined {
    return undefined;
  }

  /**
   * `$context`, built on first use.
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
   */
  get contextVariables(): Record<string, unknown> {
    if (this.#contextVariables !== undefined) return this.#contextVariables;
    const resource = this.resource;
    return (this.#contextVariables = buildContextVariables({
      accountId: this.services.env.accountId,
      apiId: this.apiId,
      deploymentId: this.deploymentId ?? '',
      stage: this.stageName ?? '',
      domainName: this.domainName,
      requestId: this.requestId,
      extendedRequestId: this.extendedRequestId,
      requestTimeEpoch: this.requestTimeEpoch,
      httpMethod: this.httpMethod,
      path: this.path,
      protocol: this.protocol,
      sourceIp: this.sourceIp,
      userAgent: this.header('user-agent') ?? null,
      resourceId: resource?.resourceId ?? null,
      resourcePath: resource?.resourcePath ?? null,
      apiKey: this.apiKey?.value ?? null,
      apiKeyId: this.apiKey?.id ?? null,
      authorizer: this.authorizer,
      identity: this.identity,
    }));
  }

  /** Records the API key the request was admitted with (in `$context` too if already built). */
  admitApiKey(id: string, value: string): void {
    this.apiKey = { id, value };
    const identity = this.#contextVariables?.identity as Record<string, unknown> | undefined;
    if (identity !== undefined) {
      identity.apiKey = value;
      identity.apiKeyId = id;
    }
  }

  /** Records what the authorizer established (in `$context` too if already built). */
  authorize(authorizer: Readonly<Record<string, unknown>>): void {
    this.authorizer = authorizer;
    if (this.#contextVariables !== undefined) this.#contextVariables.authorizer = authorizer;
  }

  /** Records the verified IAM caller (in `$context.identity` too if already built). */
  identify(identity: CallerIdentity): void {
    this.identity = identity;
    const variables = this.#contextVariables?.identity as Record<string, unknown> | undefined;
    if (variables !== undefined) Object.assign(variables, identity);
  }

  /** The request id the caller is answered with (and the request log shows). */
  get answeredRequestId(): string {
    return this.httpApi ? this.extendedRequestId : this.requestId;
  }

  /** The request-id headers of every answer (REST's; HTTP APIs answer `apigw-requestid`). */
  idHeaders(headers: string[]): void {
    if (this.httpApi) headers.push('apigw-requestid', this.extendedRequestId);
    else headers.push('x-amzn-RequestId', this.requestId, 'x-amz-apigw-id', this.extendedRequestId);
  }

  /** Keeps an already built `$context` in step with a route matched after it was built. */
  protected routed(resource: MatchedResource): void {
    if (this.#contextVariables === undefined) return;
    this.#contextVariables.resourceId = resource.resourceId;
    this.#contextVariables.resourcePath = resource.resourcePath;
  }
}
