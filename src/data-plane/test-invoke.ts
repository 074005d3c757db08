// TestInvokeMethod (AWS API reference "TestInvokeMethod"): runs one method of the working copy
// (not a deployment) through the same steps as a real request, with the resource given instead
// of routed, buffers the response and returns AWS's execution log.
import type { Authorizer, RestApiDefinition } from '../model/rest-api.js';
import type { GatewayEnvironment } from '../options/gateway-environment.js';
import { notFound } from '../aws/errors.js';
import { compileDeployment, compileStage } from '../compiler/compile-deployment.js';
import { RestRouter } from '../routing/rest-router.js';
import type { DataPlane } from './data-plane.js';
import type { InvocationContext } from './pipeline/context.js';
import { RestContext } from './pipeline/rest-context.js';
import { PipelineRunner } from './pipeline/runner.js';
import { javaMap } from './pipeline/trace.js';
import { awsLogTime } from './pipeline/dates.js';
import { record } from './pipeline/request-views.js';
import { mediaTypeOf } from '../compiler/binary-media-types.js';
import { BodyTooLargeError, collectBody } from '../integrations/body-stream.js';
import { AccessDeniedError, GatewayError, IntegrationFailureError } from './errors/gateway-error.js';
import { lambdaAuthorizer } from './steps/lambda-authorizer.js';
import { compileLambdaAuthorizer } from '../compiler/authorizers.js';
import type { CompiledStage, MethodPlan } from '../compiler/types.js';

export interface TestInvokeRequest {
  pathWithQueryString?: string;
  body?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  stageVariables?: Record<string, string>;
  /** Accepted for wire compatibility; mutual TLS is not emulated. */
  clientCertificateId?: string;
}

export interface TestInvokeResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  log: string;
  latency: number;
}

/** The stage name and caller AWS shows in test invocations. */
const TEST_STAGE = 'test-invoke-stage';
const TEST_SOURCE_IP = 'test-invoke-source-ip';

export async function testInvokeMethod(
  definition: RestApiDefinition,
  resourceId: string,
  httpMethod: string,
  request: TestInvokeRequest,
  deps: { env: GatewayEnvironment; dataPlane: DataPlane },
): Promise<TestInvokeResult> {
  const resource = Object.hasOwn(definition.resources, resourceId) ? definition.resources[resourceId] : undefined;
  if (resource === undefined) throw notFound('Invalid Resource identifier specified');
  const verb = httpMethod.toUpperCase();
  const compiled = compileDeployment(definition, 'test-invoke-deployment-id', deps.dataPlane.compileOptions);
  const method = compiled.methods.get(resourceId)?.[verb];
  if (method === undefined) throw notFound('Invalid Method identifier specified');
  const stage = compileStage(compiled, { stageName: TEST_STAGE, deploymentId: compiled.deploymentId, variables: request.stageVariables, methodSettings: {}, tracingEnabled: false });
  const plan = stage.methods[method.index];

  const ctx = testContext(request, resource.path, verb === 'ANY' ? 'GET' : verb, stage, deps);
  const trace: string[] = [];
  ctx.trace = trace;

  // Path parameters come from matching the given path against this one resource: the route
  // step then keeps this method instead of routing.
  const params = record<string>();
  RestRouter.build([{ path: resource.path, methods: { ANY: true } }]).match('GET', ctx.path, params);
  ctx.setRoute(plan, params);

  const started = performance.now();
  const line = (text: string) => trace.push(`${awsLogTime()} : ${text}`);
  line(`Starting execution for request: ${ctx.requestId}`);
  line(`HTTP Method: ${verb}, Resource Path: ${resource.path}`);
  line(`Method request path: ${javaMap(params)}`);
  line(`Method request query string: ${javaMap(ctx.query.single)}`);
  line(`Method request headers: ${javaMap(ctx.headers.single)}`);
  line(`Method request body before transformations: ${request.body ?? ''}`);

  // The same steps as a real request; the response is buffered below, and no request log is written.
  await new PipelineRunner<InvocationContext>({ deliver: (done, finish) => finish(done), finalizers: [], log: deps.dataPlane.services.log }).run(ctx);
  let out = ctx.response ?? { statusCode: 500, headers: [], body: Buffer.from('{"message": "Internal server error"}') };
  let buffer: Buffer;
  try {
    buffer = Buffer.isBuffer(out.body) ? out.body : await collectBody(out.body, deps.env.limits.maxResponseBodyBytes);
  } catch (error) {
    // A streamed (HTTP_PROXY) body that failed or passed the response payload limit.
    ctx.steps.error(ctx, error instanceof BodyTooLargeError
      ? new IntegrationFailureError(undefined, { reason: error.message, cause: error })
      : new IntegrationFailureError(undefined, { reason: `endpoint response failed: ${(error as Error).message}`, cause: error }));
    out = ctx.response ?? out;
    buffer = Buffer.isBuffer(out.body) ? out.body : Buffer.alloc(0);
  }
  const latency = Math.round(performance.now() - started);

  out.headers.push('x-amzn-RequestId', ctx.requestId, 'x-amz-apigw-id', ctx.extendedRequestId);
  const headers = record<string>();
  const multiValueHeaders = record<string[]>();
  for (let i = 0; i < out.headers.length; i += 2) {
    headers[out.headers[i]] = out.headers[i + 1];
    (multiValueHeaders[out.headers[i]] ??= []).push(out.headers[i + 1]);
  }
  if (trace.every((entry) => !entry.includes('Method completed with status'))) line(`Method completed with status: ${out.statusCode}`);
  const binary = compiled.binaryMediaTypes.matches(mediaTypeOf(headers['Content-Type'] ?? headers['content-type']));
  return {
    status: out.statusCode,
    body: binary ? buffer.toString('base64') : buffer.toString('utf8'),
    headers,
    multiValueHeaders,
    log: `Execution log for request ${ctx.requestId}\n${trace.join('\n')}\n`,
    latency,
  };
}

/** A test request as the context of `stage`: the path, query and headers (single values win over multi). */
function testContext(request: TestInvokeRequest, defaultPath: string, httpMethod: string, stage: CompiledStage, deps: { dataPlane: DataPlane }): RestContext {
  const pathWithQuery = request.pathWithQueryString ?? defaultPath;
  const questionMark = pathWithQuery.indexOf('?');
  const path = questionMark === -1 ? pathWithQuery : pathWithQuery.slice(0, questionMark);
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) rawHeaders.push(name, value);
  for (const [name, values] of Object.entries(request.multiValueHeaders ?? {})) {
    if (request.headers !== undefined && Object.hasOwn(request.headers, name)) continue;
    for (const value of values) rawHeaders.push(name, value);
  }
  return new RestContext({
    httpMethod,
    path: path === '' ? '/' : path,
    rawQuery: questionMark === -1 ? '' : pathWithQuery.slice(questionMark + 1),
    rawHeaders,
    sourceIp: TEST_SOURCE_IP,
    protocol: 'HTTP/1.1',
    domainName: 'testPrefix.testDomainName',
    body: Buffer.from(request.body ?? ''),
  }, stage, deps.dataPlane.services);
}

export interface TestInvokeAuthorizerResult {
  /**
   * The status the caller would have received (the API's gateway responses applied): 200 for a
   * well-formed answer, whatever its policy (the API reference says 0 on success; emulators and the
   * console show 200, unverified).
   */
  clientStatus: number;
  log: string;
  latency: number;
  principalId?: string;
  policy?: string;
  authorization: Record<string, string[]>;
}

/**
 * TestInvokeAuthorizer (https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeAuthorizer.html):
 * calls a Lambda authorizer of the working copy with the given request (a GET of
 * `pathWithQueryString`, default `/`) through the same step as real requests, uncached, and
 * reports what the caller would have received.
 */
export async function testInvokeAuthorizer(
  definition: RestApiDefinition,
  authorizer: Authorizer,
  request: TestInvokeRequest,
  deps: { env: GatewayEnvironment; dataPlane: DataPlane },
): Promise<TestInvokeAuthorizerResult> {
  const compiled = compileDeployment(definition, 'test-invoke-deployment-id', deps.dataPlane.compileOptions);
  const stage = compileStage(compiled, { stageName: TEST_STAGE, deploymentId: compiled.deploymentId, variables: request.stageVariables, methodSettings: {}, tracingEnabled: false });
  const ctx = testContext(request, '/', 'GET', stage, deps);
  const trace: string[] = [];
  ctx.trace = trace;
  // The resource the path names, if any, for a REQUEST authorizer's event; else the path itself.
  const params = record<string>();
  const routed = compiled.router.match('GET', ctx.path, params);
  const method = routed !== undefined ? stage.methods[routed.index] : undefined;
  const plan = {
    ...(method ?? { resourceId: '', resourcePath: ctx.path, httpMethod: 'GET', settings: {}, steps: stage.steps }),
    lambdaAuthorizer: compileLambdaAuthorizer(authorizer, deps.dataPlane.compileOptions.integrations),
  } as MethodPlan;
  ctx.setRoute(plan, params);

  const started = performance.now();
  let clientStatus = 200;
  try {
    await lambdaAuthorizer.run(ctx as Parameters<typeof lambdaAuthorizer.run>[0]);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // The answer's policy is evaluated for a test path, not a method: a well-formed answer is 200.
    if (!(error instanceof AccessDeniedError && ctx.authorizerAnswer !== undefined)) {
      clientStatus = error.statusOverride ?? compiled.gatewayResponses[error.responseType].statusCode;
      trace.push(`${awsLogTime()} : Execution failed: ${error.reason ?? error.errorMessage ?? ''}`);
    }
  }
  const answer = ctx.authorizerAnswer;
  return {
    clientStatus,
    log: `Execution log for request ${ctx.requestId}\n${trace.join('\n')}\n`,
    latency: Math.round(performance.now() - started),
    ...(answer !== undefined && { principalId: answer.principalId, policy: JSON.stringify(answer.policyDocument) }),
    authorization: {},
  };
}
