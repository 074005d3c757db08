// Gateway errors as typed values: one class per GatewayResponseType
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html),
// thrown by steps and rendered in one place (render.ts) through the compiled gateway responses.
import type { GatewayResponseType } from '../../model/rest-api.js';
import { DEFAULT_GATEWAY_RESPONSES } from './defaults.js';

export interface GatewayErrorOptions {
  /** Why a 5xx happened, for the request log ("backend refused connection", …). */
  reason?: string;
  /** `$context.error.validationErrorString`. */
  validationError?: string;
  cause?: unknown;
  /** A status other than the response type's (Lambda proxy failures answer 502 through DEFAULT_5XX). */
  statusOverride?: number;
  /** `x-amzn-ErrorType` other than the response type's (AWS's own exception name: UnrecognizedClientException is an INVALID_SIGNATURE). */
  errorTypeOverride?: string;
  /** The uncustomised body's key: AWS writes `{"Message": …}` for IAM-style denials. */
  messageKey?: 'message' | 'Message';
}

export abstract class GatewayError extends Error {
  abstract readonly responseType: GatewayResponseType;
  /** The connection cannot be reused after this answer (a body left unread): `Connection: close`. */
  closeConnection = false;
  readonly reason: string | undefined;
  readonly validationError: string | undefined;
  readonly statusOverride: number | undefined;
  readonly errorTypeOverride: string | undefined;
  readonly messageKey: 'message' | 'Message';

  /** `message` is `$context.error.message`; null only for AUTHORIZER_CONFIGURATION_ERROR. */
  constructor(readonly errorMessage: string | null, options: GatewayErrorOptions = {}) {
    super(errorMessage ?? 'null', options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason;
    this.validationError = options.validationError;
    this.statusOverride = options.statusOverride;
    this.errorTypeOverride = options.errorTypeOverride;
    this.messageKey = options.messageKey ?? 'message';
  }
}

const msg = (type: keyof typeof DEFAULT_GATEWAY_RESPONSES) => DEFAULT_GATEWAY_RESPONSES[type].message as string;

export class AccessDeniedError extends GatewayError {
  readonly responseType = 'ACCESS_DENIED';
  override readonly name = 'AccessDeniedError';
  constructor(message = msg('ACCESS_DENIED'), options?: GatewayErrorOptions) { super(message, options); }
}
export class ApiConfigurationError extends GatewayError {
  readonly responseType = 'API_CONFIGURATION_ERROR';
  override readonly name = 'ApiConfigurationError';
  constructor(message = msg('API_CONFIGURATION_ERROR'), options?: GatewayErrorOptions) { super(message, options); }
}
export class AuthorizerConfigurationError extends GatewayError {
  readonly responseType = 'AUTHORIZER_CONFIGURATION_ERROR';
  override readonly name = 'AuthorizerConfigurationError';
  constructor(message: string | null = null, options?: GatewayErrorOptions) { super(message, options); }
}
export class AuthorizerFailureError extends GatewayError {
  readonly responseType = 'AUTHORIZER_FAILURE';
  override readonly name = 'AuthorizerFailureError';
  constructor(message = msg('AUTHORIZER_FAILURE'), options?: GatewayErrorOptions) { super(message, options); }
}
export class BadRequestParametersError extends GatewayError {
  readonly responseType = 'BAD_REQUEST_PARAMETERS';
  override readonly name = 'BadRequestParametersError';
  constructor(message = msg('BAD_REQUEST_PARAMETERS'), options?: GatewayErrorOptions) { super(message, options); }
}
export class BadRequestBodyError extends GatewayError {
  readonly responseType = 'BAD_REQUEST_BODY';
  override readonly name = 'BadRequestBodyError';
  constructor(message = msg('BAD_REQUEST_BODY'), options?: GatewayErrorOptions) { super(message, options); }
}
export class ExpiredTokenError extends GatewayError {
  readonly responseType = 'EXPIRED_TOKEN';
  override readonly name = 'ExpiredTokenError';
  constructor(message = msg('EXPIRED_TOKEN'), options?: GatewayErrorOptions) { super(message, options); }
}
export class IntegrationFailureError extends GatewayError {
  readonly responseType = 'INTEGRATION_FAILURE';
  override readonly name = 'IntegrationFailureError';
  constructor(message = msg('INTEGRATION_FAILURE'), options?: GatewayErrorOptions) { super(message, options); }
}
export class IntegrationTimeoutError extends GatewayError {
  readonly responseType = 'INTEGRATION_TIMEOUT';
  override readonly name = 'IntegrationTimeoutError';
  constructor(message = msg('INTEGRATION_TIMEOUT'), options?: GatewayErrorOptions) { super(message, options); }
}
export class InvalidApiKeyError extends GatewayError {
  readonly responseType = 'INVALID_API_KEY';
  override readonly name = 'InvalidApiKeyError';
  constructor(message = msg('INVALID_API_KEY'), options?: GatewayErrorOptions) { super(message, options); }
}
export class InvalidSignatureError extends GatewayError {
  readonly responseType = 'INVALID_SIGNATURE';
  override readonly name = 'InvalidSignatureError';
  constructor(message = msg('INVALID_SIGNATURE'), options?: GatewayErrorOptions) { super(message, options); }
}
export class MissingAuthenticationTokenError extends GatewayError {
  readonly responseType = 'MISSING_AUTHENTICATION_TOKEN';
  override readonly name = 'MissingAuthenticationTokenError';
  constructor(message = msg('MISSING_AUTHENTICATION_TOKEN'), options?: GatewayErrorOptions) { super(message, options); }
}
export class QuotaExceededError extends GatewayError {
  readonly responseType = 'QUOTA_EXCEEDED';
  override readonly name = 'QuotaExceededError';
  constructor(message = msg('QUOTA_EXCEEDED'), options?: GatewayErrorOptions) { super(message, options); }
}
export class RequestTooLargeError extends GatewayError {
  readonly responseType = 'REQUEST_TOO_LARGE';
  override readonly name = 'RequestTooLargeError';
  constructor(message = msg('REQUEST_TOO_LARGE'), options?: GatewayErrorOptions) { super(message, options); }
}
export class ResourceNotFoundError extends GatewayError {
  readonly responseType = 'RESOURCE_NOT_FOUND';
  override readonly name = 'ResourceNotFoundError';
  constructor(message = msg('RESOURCE_NOT_FOUND'), options?: GatewayErrorOptions) { super(message, options); }
}
export class ThrottledError extends GatewayError {
  readonly responseType = 'THROTTLED';
  override readonly name = 'ThrottledError';
  constructor(message = msg('THROTTLED'), options?: GatewayErrorOptions) { super(message, options); }
}
export class UnauthorizedError extends GatewayError {
  readonly responseType = 'UNAUTHORIZED';
  override readonly name = 'UnauthorizedError';
  constructor(message = msg('UNAUTHORIZED'), options?: GatewayErrorOptions) { super(message, options); }
}
export class UnsupportedMediaTypeError extends GatewayError {
  readonly responseType = 'UNSUPPORTED_MEDIA_TYPE';
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(message = msg('UNSUPPORTED_MEDIA_TYPE'), options?: GatewayErrorOptions) { super(message, options); }
}
export class WafFilteredError extends GatewayError {
  readonly responseType = 'WAF_FILTERED';
  override readonly name = 'WafFilteredError';
  constructor(message = msg('WAF_FILTERED'), options?: GatewayErrorOptions) { super(message, options); }
}
/**
 * A request refused for how it arrived rather than for what it asks, by Archway's own limits: a
 * body that stopped arriving (408) or that there is no room for right now (503), a path with dot
 * segments (400), a method ARN too long to authorize (414). Rendered through DEFAULT_4XX / DEFAULT_5XX with its own status; when the body
 * is left unread, the connection closes.
 */
export class RequestRefusedError extends GatewayError {
  readonly responseType: 'DEFAULT_4XX' | 'DEFAULT_5XX';
  override readonly name = 'RequestRefusedError';
  constructor(status: 400 | 408 | 414 | 503, message: string, options: { reason?: string; closeConnection?: boolean } = {}) {
    super(message, { reason: options.reason, statusOverride: status });
    this.responseType = status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
    this.closeConnection = options.closeConnection ?? false;
  }
}
/**
 * An unexpected failure inside Archway (a bug, an unknown exception): a logged 500 with AWS's
 * generic body, customisable through DEFAULT_5XX like any 5xx.
 */
export class InternalServerError extends GatewayError {
  readonly responseType = 'DEFAULT_5XX';
  override readonly name = 'InternalServerError';
  constructor(message = 'Internal server error', options?: GatewayErrorOptions) { super(message, options); }
}
