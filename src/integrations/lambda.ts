// The two Lambda integration types (DESIGN.md §6–§7): AWS_PROXY and AWS with a Lambda URI
// (`arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`, where the
// ARN may hold `${stageVariables.x}` and a version or alias qualifier). Both hand the payload
// the request stages built (`ctx.integrationText`) to the FunctionInvoker and turn its answer
// into the endpoint response. Failures to invoke become AWS's answers (data-plane.md §5):
// a missing function, a refused permission or Lambda throttling → 500 "Internal server error";
// a payload over Lambda's 6 MB → 413 "Request Too Long"; the integration timeout → 504.
import type { Integration } from './types.js';
import type { RoutedContext } from '../data-plane/pipeline/context.js';
import { AwsServiceError } from '../aws/errors.js';
import { ApiConfigurationError, InternalServerError, IntegrationTimeoutError, type GatewayError } from '../data-plane/errors/gateway-error.js';
import { trace } from '../data-plane/pipeline/trace.js';
import { CallerTimeoutError, type FunctionInvoker, type InvocationType, type InvokeOutput } from '../functions/local-runtime.js';
import type { InvokeCaller } from '../functions/policy.js';

const APIGATEWAY_PRINCIPAL = 'apigateway.amazonaws.com';

export class LambdaIntegration implements Integration {
  readonly #invoker: FunctionInvoker;

  constructor(readonly type: 'AWS' | 'AWS_PROXY', invoker: FunctionInvoker) {
    this.#invoker = invoker;
  }

  invoke(ctx: RoutedContext): Promise<void> {
    const plan = ctx.plan.integration!;
    const reference = plan.functionRef;
    if (reference === undefined) {
      throw new ApiConfigurationError(undefined, { reason: `integration URI ${plan.type === 'AWS' ? 'is not a Lambda function' : 'names no Lambda function'}` });
    }
    const functionName = reference.resolve(ctx.stage.variables);
    const invocationType = this.type === 'AWS' ? invocationTypeOf(ctx) : 'RequestResponse';
    if (ctx.trace !== undefined) {
      trace(ctx, `Sending request to https://lambda.${ctx.services.env.region}.amazonaws.com/2015-03-31/functions/${functionName}/invocations`);
    }
    const started = performance.now();
    return this.#invoker.invoke({
      functionName,
      payload: ctx.integrationText!,
      invocationType,
      caller: callerOf(ctx),
      waitMs: plan.timeoutMs,
    }).then(
      (output) => {
        ctx.endpointResponse = endpointResponse(output);
        if (ctx.trace !== undefined) {
          trace(ctx, `Received response. Status: ${output.statusCode}, Integration latency: ${Math.round(performance.now() - started)} ms`);
          trace(ctx, `Endpoint response body before transformations: ${output.payload}`);
        }
      },
      (error: unknown) => {
        throw invocationError(error, functionName);
      },
    );
  }
}

/** `X-Amz-Invocation-Type` mapped in by requestParameters ('Event' makes AWS integrations asynchronous). */
function invocationTypeOf(ctx: RoutedContext): InvocationType {
  const mapped = ctx.mapped?.header;
  if (mapped === undefined) return 'RequestResponse';
  for (const name in mapped) {
    if (name.toLowerCase() !== 'x-amz-invocation-type') continue;
    const value = mapped[name];
    const type = (Array.isArray(value) ? value[0] : value)?.trim();
    if (type === 'Event' || type === 'DryRun') return type;
  }
  return 'RequestResponse';
}

/** Who is calling, for function policies: API Gateway, from the method's ARN (resource template path; unverified which path form AWS uses). */
function callerOf(ctx: RoutedContext): InvokeCaller {
  return {
    principal: APIGATEWAY_PRINCIPAL,
    get sourceArn() {
      const env = ctx.services.env;
      return `arn:aws:execute-api:${env.region}:${env.accountId}:${ctx.stage.restApiId}/${ctx.stage.stageName}/${ctx.httpMethod}${ctx.plan.resourcePath}`;
    },
    sourceAccount: ctx.services.env.accountId,
  };
}

function endpointResponse(output: InvokeOutput) {
  const headers = ['Content-Type', 'application/json', 'X-Amz-Executed-Version', output.executedVersion, 'x-amzn-RequestId', output.requestId];
  let selectionValue = '';
  if (output.functionError !== undefined) {
    headers.push('X-Amz-Function-Error', output.functionError);
    selectionValue = errorMessageOf(output.payload);
  }
  return { statusCode: output.statusCode, headers, body: Buffer.from(output.payload), selectionValue };
}

/** The `errorMessage` of a function error object (what selection patterns match). */
function errorMessageOf(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorMessage?: unknown };
    return typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : '';
  } catch {
    return '';
  }
}

function invocationError(error: unknown, functionName: string): GatewayError {
  if (error instanceof CallerTimeoutError) return new IntegrationTimeoutError(undefined, { reason: error.message, cause: error });
  if (error instanceof AwsServiceError) {
    if (error.type === 'RequestEntityTooLargeException') {
      // Observed on AWS: 413 {"message": "Request Too Long"} with BadRequestException.
      return new InternalServerError('Request Too Long', { statusOverride: 413, errorTypeOverride: 'BadRequestException', reason: error.message, cause: error });
    }
    return new ApiConfigurationError(undefined, { reason: `Lambda invocation of ${functionName} failed: ${error.type}: ${error.message}`, cause: error });
  }
  return new InternalServerError(undefined, { reason: `Lambda invocation of ${functionName} failed: ${(error as Error)?.message ?? String(error)}`, cause: error });
}
