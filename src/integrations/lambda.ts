// The two Lambda integration types (AWS Developer Guide "Lambda integrations for REST APIs"):
// AWS_PROXY and AWS with a Lambda URI
// (`arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`, where the
// ARN may hold `${stageVariables.x}` and a version or alias qualifier). Both hand the payload
// the request steps built to the FunctionInvoker and turn its answer into the endpoint
// response. Failures to invoke become AWS's answers: a missing function, a refused permission
// or Lambda throttling → 500 "Internal server error"; a payload over Lambda's 6 MB → 413
// "Request Too Long"; the integration timeout → 504.
import type { EndpointResponse, FunctionRequest, Integration } from './types.js';
import { AwsServiceError } from '../aws/errors.js';
import { ApiConfigurationError, InternalServerError, IntegrationTimeoutError, type GatewayError } from '../data-plane/errors/gateway-error.js';
import { CallerTimeoutError, type FunctionInvoker, type InvokeOutput } from '../functions/local-runtime.js';

export class LambdaIntegration implements Integration<FunctionRequest> {
  readonly #invoker: FunctionInvoker;

  constructor(readonly type: 'AWS' | 'AWS_PROXY', invoker: FunctionInvoker) {
    this.#invoker = invoker;
  }

  invoke(request: FunctionRequest): Promise<EndpointResponse> {
    const functionName = request.functionName;
    return this.#invoker.invoke({
      functionName,
      payload: request.payload,
      invocationType: request.invocationType,
      caller: request.caller,
      waitMs: request.timeoutMs,
    }).then(endpointResponse, (error: unknown) => {
      throw invocationError(error, functionName);
    });
  }
}

function endpointResponse(output: InvokeOutput): EndpointResponse {
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
