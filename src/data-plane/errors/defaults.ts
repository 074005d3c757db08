// The built-in REST gateway responses (AWS Developer Guide "Gateway response types",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
// Status codes and the default template are as recorded in LocalStack's AWS snapshots
// (GetGatewayResponses); error types and messages AWS does not document are our best guess.
import type { GatewayResponseType } from '../../model/rest-api.js';

export interface DefaultGatewayResponse {
  /** Absent for DEFAULT_4XX / DEFAULT_5XX, as GetGatewayResponses shows them. */
  statusCode?: string;
  /** `x-amzn-ErrorType`; absent where AWS sends none. */
  errorType?: string;
  /** The default `$context.error.message`; null renders as `{"message":null}`. */
  message: string | null;
  responseTemplates: Record<string, string>;
  responseParameters: Record<string, string>;
}

/** The template every unmodified gateway response has (AWS-recorded). */
export const DEFAULT_GATEWAY_RESPONSE_TEMPLATE = '{"message":$context.error.messageString}';

const entry = (statusCode: string | undefined, errorType: string | undefined, message: string | null): DefaultGatewayResponse => ({
  ...(statusCode === undefined ? {} : { statusCode }),
  ...(errorType === undefined ? {} : { errorType }),
  message,
  responseTemplates: { 'application/json': DEFAULT_GATEWAY_RESPONSE_TEMPLATE },
  responseParameters: {},
});

/** All 21 response types with their defaults, keyed by type (the control plane lists these). */
export const DEFAULT_GATEWAY_RESPONSES = {
  ACCESS_DENIED: entry('403', 'AccessDeniedException', 'User is not authorized to access this resource'),
  API_CONFIGURATION_ERROR: entry('500', 'InternalServerErrorException', 'Internal server error'),
  AUTHORIZER_CONFIGURATION_ERROR: entry('500', 'AuthorizerConfigurationException', null),
  AUTHORIZER_FAILURE: entry('500', 'AuthorizerFailureException', 'Internal server error'),
  BAD_REQUEST_PARAMETERS: entry('400', 'BadRequestException', 'Missing required request parameters'),
  BAD_REQUEST_BODY: entry('400', 'BadRequestException', 'Invalid request body'),
  DEFAULT_4XX: entry(undefined, undefined, null),
  DEFAULT_5XX: entry(undefined, undefined, null),
  EXPIRED_TOKEN: entry('403', 'ExpiredTokenException', 'The security token included in the request is expired'),
  INTEGRATION_FAILURE: entry('504', 'InternalServerErrorException', 'Internal server error'),
  INTEGRATION_TIMEOUT: entry('504', 'InternalServerErrorException', 'Endpoint request timed out'),
  INVALID_API_KEY: entry('403', 'ForbiddenException', 'Forbidden'),
  INVALID_SIGNATURE: entry('403', 'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'),
  MISSING_AUTHENTICATION_TOKEN: entry('403', 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
  QUOTA_EXCEEDED: entry('429', 'LimitExceededException', 'Limit Exceeded'),
  REQUEST_TOO_LARGE: entry('413', undefined, 'HTTP content length exceeded 10485760 bytes.'),
  RESOURCE_NOT_FOUND: entry('404', 'NotFoundException', 'Resource not found'),
  THROTTLED: entry('429', 'TooManyRequestsException', 'Too Many Requests'),
  UNAUTHORIZED: entry('401', 'UnauthorizedException', 'Unauthorized'),
  UNSUPPORTED_MEDIA_TYPE: entry('415', 'BadRequestException', 'Unsupported Media Type'),
  WAF_FILTERED: entry('403', 'ForbiddenException', 'Forbidden'),
} as const satisfies Record<GatewayResponseType, DefaultGatewayResponse>;

export const GATEWAY_RESPONSE_TYPES = Object.keys(DEFAULT_GATEWAY_RESPONSES) as GatewayResponseType[];

/**
 * Types whose uncustomised body is AWS's spaced `{"message": "..."}` rather than the compact
 * template output: the integration-side 5xx bodies AWS sends outside gateway-response templates
 * (Internal server error, Endpoint request timed out; recorded in LocalStack's AWS snapshots).
 */
export const SPACED_BODY_TYPES: ReadonlySet<GatewayResponseType> = new Set<GatewayResponseType>([
  'API_CONFIGURATION_ERROR', 'INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT', 'DEFAULT_5XX',
]);
