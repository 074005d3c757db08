// HTTP APIs (apigatewayv2 2018-11-29) in AWS's own wire shapes: camelCase members, ISO-8601
// timestamps (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/). What the store
// keeps and the control plane answers; the compiler reads deployment snapshots of it.

export type HttpIntegrationType = 'AWS_PROXY' | 'HTTP_PROXY';
export type PayloadFormatVersion = '1.0' | '2.0';
export type HttpAuthorizationType = 'NONE' | 'JWT' | 'AWS_IAM' | 'CUSTOM';

export interface Cors {
  allowCredentials?: boolean;
  allowHeaders?: string[];
  allowMethods?: string[];
  allowOrigins?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
}

export interface HttpApi {
  apiId: string;
  name: string;
  protocolType: 'HTTP';
  apiKeySelectionExpression: string;
  routeSelectionExpression: string;
  createdDate: string;
  description?: string;
  disableExecuteApiEndpoint: boolean;
  disableSchemaValidation?: boolean;
  ipAddressType: 'ipv4' | 'dualstack';
  corsConfiguration?: Cors;
  version?: string;
  tags: Record<string, string>;
  warnings?: string[];
  importInfo?: string[];
}

export interface ParameterConstraints {
  required?: boolean;
}

export interface HttpRoute {
  routeId: string;
  routeKey: string;
  target?: string;
  apiKeyRequired: boolean;
  authorizationType: HttpAuthorizationType;
  authorizerId?: string;
  authorizationScopes?: string[];
  operationName?: string;
  modelSelectionExpression?: string;
  requestModels?: Record<string, string>;
  requestParameters?: Record<string, ParameterConstraints>;
  apiGatewayManaged?: boolean;
}

export interface TlsConfig {
  serverNameToVerify?: string;
}

export interface HttpIntegration {
  integrationId: string;
  integrationType: HttpIntegrationType;
  integrationUri?: string;
  integrationMethod?: string;
  integrationSubtype?: string;
  connectionType: 'INTERNET' | 'VPC_LINK';
  connectionId?: string;
  credentialsArn?: string;
  description?: string;
  payloadFormatVersion: PayloadFormatVersion;
  timeoutInMillis: number;
  /** `append:header.x` / `overwrite:querystring.y` / `remove:path` → a value expression. */
  requestParameters?: Record<string, string>;
  /** Status code → (`overwrite:statuscode` / `append:header.x` … → value). */
  responseParameters?: Record<string, Record<string, string>>;
  tlsConfig?: TlsConfig;
  apiGatewayManaged?: boolean;
}

export interface JwtConfiguration {
  audience?: string[];
  issuer?: string;
}

export interface HttpAuthorizer {
  authorizerId: string;
  name: string;
  authorizerType: 'JWT' | 'REQUEST';
  identitySource?: string[];
  jwtConfiguration?: JwtConfiguration;
  authorizerUri?: string;
  authorizerCredentialsArn?: string;
  authorizerPayloadFormatVersion?: PayloadFormatVersion;
  authorizerResultTtlInSeconds?: number;
  enableSimpleResponses?: boolean;
  identityValidationExpression?: string;
}

/** The working copy of an HTTP API: what CreateDeployment snapshots. Lists keep creation order. */
export interface HttpApiDefinition {
  api: HttpApi;
  routes: HttpRoute[];
  integrations: HttpIntegration[];
  authorizers: HttpAuthorizer[];
}

export interface RouteSettings {
  dataTraceEnabled?: boolean;
  detailedMetricsEnabled?: boolean;
  loggingLevel?: 'ERROR' | 'INFO' | 'OFF';
  throttlingBurstLimit?: number;
  throttlingRateLimit?: number;
}

export interface AccessLogSettings {
  destinationArn?: string;
  format?: string;
}

export interface HttpStage {
  stageName: string;
  deploymentId?: string;
  autoDeploy: boolean;
  description?: string;
  stageVariables: Record<string, string>;
  defaultRouteSettings: RouteSettings;
  routeSettings: Record<string, RouteSettings>;
  accessLogSettings?: AccessLogSettings;
  clientCertificateId?: string;
  createdDate: string;
  lastUpdatedDate: string;
  lastDeploymentStatusMessage?: string;
  apiGatewayManaged?: boolean;
  tags: Record<string, string>;
}

export interface HttpStageRecord extends HttpStage {
  apiId: string;
}

export interface HttpDeployment {
  deploymentId: string;
  deploymentStatus: 'PENDING' | 'FAILED' | 'DEPLOYED';
  deploymentStatusMessage?: string;
  autoDeployed: boolean;
  createdDate: string;
  description?: string;
}

/** A deployment with the API as it was when deployed (what its stages serve). */
export interface HttpDeploymentRecord extends HttpDeployment {
  apiId: string;
  snapshot: HttpApiDefinition;
}

/** `timeoutInMillis` of HTTP API integrations: 50–30 000 ms, 30 000 by default (AWS quotas for HTTP APIs). */
export const HTTP_INTEGRATION_TIMEOUT_MS = Object.freeze({ default: 30_000, min: 50, max: 30_000 });
/** `authorizerResultTtlInSeconds`: 0 (no cache) to 3600. */
export const MAX_AUTHORIZER_TTL_SECONDS = 3600;

/** `$default`: the stage served without a stage segment, and the catch-all route key. */
export const DEFAULT_KEY = '$default';
