// TestInvokeMethod (AWS API reference "TestInvokeMethod"): runs one method of the working copy
// (not a deployment) through the same steps as a real request, with the resource given instead
// of routed, buffers the response and returns AWS's execution log.
import type { RestApiDefinition } from '../model/rest-api.js';
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
import { headerViews, parseQuery, record } from './pipeline/request-views.js';
import { mediaTypeOf } from '../compiler/binary-media-types.js';
import { BodyTooLargeError, collectBody } from '../integrations/body-stream.js';
import { IntegrationFailureError } from './errors/gateway-error.js';

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

  const pathWithQuery = request.pathWithQueryString ?? resource.path;
  const questionMark = pathWithQuery.indexOf('?');
  const path = questionMark === -1 ? pathWithQuery : pathWithQuery.slice(0, questionMark);
  const rawQuery = questionMark === -1 ? '' : pathWithQuery.slice(questionMark + 1);
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) rawHeaders.push(name, value);
  for (const [name, values] of Object.entries(request.multiValueHeaders ?? {})) {
    if (request.headers !== undefined && Object.hasOwn(request.headers, name)) continue;
    for (const value of values) rawHeaders.push(name, value);
  }
  const body = Buffer.from(request.body ?? '');

  const ctx = new RestContext({
    httpMethod: verb === 'ANY' ? 'GET' : verb,
    path: path === '' ? '/' : path,
    rawQuery,
    rawHeaders,
    sourceIp: TEST_SOURCE_IP,
    protocol: 'HTTP/1.1',
    domainName: 'testPrefix.testDomainName',
    body,
  }, stage, deps.dataPlane.services);
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
  line(`Method request query string: ${javaMap(parseQuery(rawQuery).single)}`);
  line(`Method request headers: ${javaMap(headerViews(rawHeaders).single)}`);
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
