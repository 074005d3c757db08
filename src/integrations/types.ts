// Integrations are dispatchers (docs/architecture.md): one takes an IntegrationRequest that
// the API kind's steps prepared (REST, HTTP API, WebSocket routes, Lambda authorizers all build
// the same requests) and answers with the EndpointResponse, synchronously when it can. Which
// dispatcher a method uses is chosen when the deployment is compiled.
import type { BodyStream } from './body-stream.js';
import type { IntegrationType } from '../model/rest-api.js';
import type { InvocationType } from '../functions/local-runtime.js';
import type { InvokeCaller } from '../functions/policy.js';

/** Something in progress that can be abandoned before it answers. */
export interface Cancellable {
  /** Ends the call: its pending result becomes `error`, the backend request is aborted. */
  cancel(error: Error): void;
}

/**
 * Cancellation without an AbortController per request: a dispatcher parks the call it started
 * in `pending` (and clears it when the call settles); whoever owns the request cancels it
 * when the client goes away. The invocation context is the signal.
 */
export interface IntegrationSignal {
  pending: Cancellable | undefined;
}

interface RequestBase {
  /** Deadline in milliseconds (the integration's `timeoutInMillis`). */
  readonly timeoutMs: number;
  readonly signal: IntegrationSignal;
}

/** An HTTP endpoint call (HTTP, HTTP_PROXY; later HTTP API and service integrations). */
export interface HttpEndpointRequest extends RequestBase {
  readonly kind: 'http';
  method: string;
  /** `http(s)://host[:port]`. */
  origin: string;
  /** Path and query string, encoded as sent. */
  path: string;
  /** Flat [name, value, …]. */
  headers: string[];
  body: Buffer;
}

/** A Lambda function invocation (AWS, AWS_PROXY; later Lambda authorizers). */
export interface FunctionRequest extends RequestBase {
  readonly kind: 'function';
  /** The function's name or ARN, qualifier included. */
  readonly functionName: string;
  readonly invocationType: InvocationType;
  /** Who calls, for the function's resource policy. */
  readonly caller: InvokeCaller;
  /** The JSON payload. */
  readonly payload: string;
}

/** A MOCK integration: the request template's output, or the body passed through. */
export interface MockRequest extends RequestBase {
  readonly kind: 'mock';
  /** The request template's output; undefined when the body was passed through. */
  readonly text: string | undefined;
  readonly body: Buffer;
}

/** What API Gateway sends to the endpoint (AWS's "integration request"). */
export type IntegrationRequest = HttpEndpointRequest | FunctionRequest | MockRequest;

/** What the endpoint answered (AWS's "endpoint response"). */
export interface EndpointResponse {
  statusCode: number;
  /** Flat [name, value, …] as the backend sent them. */
  headers: string[];
  /** Buffered for non-proxy integrations; passed on as it arrives for HTTP_PROXY. */
  body: Buffer | BodyStream;
  /**
   * What integration-response selection patterns match instead of the status code: a Lambda
   * function error's `errorMessage` ('' when the function succeeded).
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html
   */
  selectionValue?: string;
}

export interface Integration<R extends IntegrationRequest = IntegrationRequest> {
  readonly type: IntegrationType;
  /** Calls the endpoint; a failure is a rejected (or thrown) GatewayError, or ClientAbortedError. */
  invoke(request: R): EndpointResponse | Promise<EndpointResponse>;
}
