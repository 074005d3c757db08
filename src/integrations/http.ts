// HTTP and HTTP_PROXY integrations (AWS Developer Guide "Set up HTTP integrations"): one call
// through the DataPlane's shared keep-alive undici Agent, dispatched with a handler object
// (HttpExchange). HTTP_PROXY passes the body on as it arrives (never buffered); HTTP buffers it
// for templates. `timeoutInMillis` is a deadline from dispatch: connect + headers (HTTP_PROXY),
// connect + headers + the whole body (HTTP) → 504 INTEGRATION_TIMEOUT; an HTTP_PROXY body then
// streams with `timeoutInMillis` as an idle limit between chunks. A body past
// maxResponseBodyBytes → INTEGRATION_FAILURE, or a cut connection once the answer has started.
// A backend that cannot be reached → INTEGRATION_FAILURE (default status 504, "Internal server
// error" — the status AWS documents in
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html;
// AWS's exact body for this case is not recorded, we use its spaced 5xx body).
import type { Dispatcher } from 'undici';
import type { EndpointResponse, HttpEndpointRequest, Integration } from './types.js';
import { ApiConfigurationError, IntegrationFailureError, IntegrationTimeoutError, type GatewayError } from '../data-plane/errors/gateway-error.js';
import { ClientAbortedError } from '../request-body.js';
import { HttpExchange } from './http-exchange.js';

const TIMEOUT_CODES = new Set(['ARCHWAY_ENDPOINT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

const FAILURE_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'backend refused connection',
  ENOTFOUND: 'backend host not found (DNS)',
  EAI_AGAIN: 'backend host lookup failed (DNS)',
  ECONNRESET: 'backend reset the connection',
  EHOSTUNREACH: 'backend host unreachable',
  ENETUNREACH: 'backend network unreachable',
  EPIPE: 'backend closed the connection',
  UND_ERR_SOCKET: 'backend closed the connection',
};

/**
 * An endpoint URL that does not parse (typically an unset stage variable in the URI) is a
 * configuration error on AWS: "Execution failed due to configuration error: Invalid endpoint
 * address", answered 500 (API_CONFIGURATION_ERROR; users' execution logs, unverified here).
 */
const CONFIGURATION_CODES = new Set(['ERR_INVALID_URL', 'UND_ERR_INVALID_ARG']);

/** Maps an undici/network failure to the gateway error AWS answers with. */
export function integrationError(error: unknown, timeoutMs: number): GatewayError {
  const code = errorCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new IntegrationTimeoutError(undefined, { reason: `endpoint request timed out after ${timeoutMs} ms`, cause: error });
  }
  if (code === 'ARCHWAY_BODY_TOO_LARGE' || code === 'ARCHWAY_INVALID_ENDPOINT_STATUS') {
    return new IntegrationFailureError(undefined, { reason: (error as Error).message, cause: error });
  }
  if (code !== undefined && CONFIGURATION_CODES.has(code)) {
    return new ApiConfigurationError(undefined, { reason: 'configuration error: invalid endpoint address', cause: error });
  }
  const reason = (code !== undefined ? FAILURE_REASONS[code] : undefined) ?? `endpoint request failed: ${(error as Error)?.message ?? String(error)}`;
  return new IntegrationFailureError(undefined, { reason, cause: error });
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One call through a keep-alive undici dispatcher (created on first use); the deadline runs from dispatch. */
export class HttpIntegration implements Integration<HttpEndpointRequest> {
  readonly #createDispatcher: () => Dispatcher;
  #dispatcher: Dispatcher | undefined;
  /** HTTP_PROXY: the body is passed on as it arrives; HTTP: buffered for the response templates. */
  readonly #stream: boolean;
  readonly #maxResponseBodyBytes: number;

  constructor(readonly type: 'HTTP' | 'HTTP_PROXY', dispatcher: () => Dispatcher, maxResponseBodyBytes: number) {
    this.#createDispatcher = dispatcher;
    this.#stream = type === 'HTTP_PROXY';
    this.#maxResponseBodyBytes = maxResponseBodyBytes;
  }

  invoke(request: HttpEndpointRequest): Promise<EndpointResponse> {
    const timeoutMs = request.timeoutMs;
    const signal = request.signal;
    const stream = this.#stream;
    return new Promise<EndpointResponse>((resolve, reject) => {
      const exchange = new HttpExchange(!stream, (error, settled) => {
        signal.pending = undefined;
        if (error !== undefined) {
          reject(error instanceof ClientAbortedError ? error : integrationError(error, timeoutMs));
          return;
        }
        resolve({ statusCode: settled.statusCode, headers: settled.headers, body: stream ? settled : settled.body });
      }, this.#maxResponseBodyBytes, request.method === 'HEAD');
      // The client leaving cancels the call; the deadline runs from here.
      signal.pending = exchange;
      exchange.startDeadline(timeoutMs);
      try {
        (this.#dispatcher ??= this.#createDispatcher()).dispatch({
          origin: request.origin,
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body.length === 0 ? null : request.body,
          // The deadline covers connect and headers; undici's own timers only guard an
          // HTTP_PROXY body streaming after the answer has started.
          headersTimeout: 0,
          bodyTimeout: stream ? timeoutMs : 0,
        }, exchange);
      } catch (error) {
        exchange.cancel(error as Error);
      }
    });
  }
}
