// REST API definitions in AWS's own shapes (apigateway 2015-07-09 wire names).
// One RestApiDefinition is both the working copy the control plane edits and, frozen,
// the snapshot a deployment keeps.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';
export const HTTP_METHODS: readonly HttpMethod[] = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'ANY'];

export type IntegrationType = 'HTTP' | 'HTTP_PROXY' | 'AWS' | 'AWS_PROXY' | 'MOCK';
export type PassthroughBehavior = 'WHEN_NO_MATCH' | 'WHEN_NO_TEMPLATES' | 'NEVER';
export type ContentHandling = 'CONVERT_TO_BINARY' | 'CONVERT_TO_TEXT';
export type AuthorizationType = 'NONE' | 'AWS_IAM' | 'CUSTOM' | 'COGNITO_USER_POOLS';
export type EndpointType = 'EDGE' | 'REGIONAL' | 'PRIVATE';

export interface EndpointConfiguration {
  types: EndpointType[];
  vpcEndpointIds?: string[];
  ipAddressType?: string;
}

export interface RestApi {
  id: string;
  name: string;
  description?: string;
  version?: string;
  createdDate: number;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  apiKeySource: 'HEADER' | 'AUTHORIZER';
  endpointConfiguration: EndpointConfiguration;
  policy?: string;
  tags?: Record<string, string>;
  disableExecuteApiEndpoint: boolean;
  rootResourceId: string;
  warnings?: string[];
}

export interface MethodResponse {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
}

export interface IntegrationResponse {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string | null>;
  contentHandling?: ContentHandling;
}

export interface Integration {
  type: IntegrationType;
  httpMethod?: string;
  uri?: string;
  connectionType?: 'INTERNET' | 'VPC_LINK';
  connectionId?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string | null>;
  passthroughBehavior?: PassthroughBehavior;
  contentHandling?: ContentHandling;
  timeoutInMillis: number;
  cacheNamespace?: string;
  cacheKeyParameters?: string[];
  tlsConfig?: { insecureSkipVerification?: boolean };
  integrationResponses?: Record<string, IntegrationResponse>;
}

export interface Method {
  httpMethod: HttpMethod;
  authorizationType: AuthorizationType;
  authorizerId?: string;
  apiKeyRequired: boolean;
  requestValidatorId?: string;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  authorizationScopes?: string[];
  methodResponses?: Record<string, MethodResponse>;
  methodIntegration?: Integration;
}

export interface Resource {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  resourceMethods?: Partial<Record<HttpMethod, Method>>;
}

export interface Model {
  id: string;
  name: string;
  description?: string;
  schema?: string;
  contentType: string;
}

export interface RequestValidator {
  id: string;
  name: string;
  validateRequestBody: boolean;
  validateRequestParameters: boolean;
}

export type GatewayResponseType =
  | 'ACCESS_DENIED' | 'API_CONFIGURATION_ERROR' | 'AUTHORIZER_CONFIGURATION_ERROR' | 'AUTHORIZER_FAILURE'
  | 'BAD_REQUEST_PARAMETERS' | 'BAD_REQUEST_BODY' | 'DEFAULT_4XX' | 'DEFAULT_5XX' | 'EXPIRED_TOKEN'
  | 'INTEGRATION_FAILURE' | 'INTEGRATION_TIMEOUT' | 'INVALID_API_KEY' | 'INVALID_SIGNATURE'
  | 'MISSING_AUTHENTICATION_TOKEN' | 'QUOTA_EXCEEDED' | 'REQUEST_TOO_LARGE' | 'RESOURCE_NOT_FOUND'
  | 'THROTTLED' | 'UNAUTHORIZED' | 'UNSUPPORTED_MEDIA_TYPE' | 'WAF_FILTERED';

/** A customised gateway response as stored (defaults are not stored; see data-plane/errors). */
export interface GatewayResponse {
  responseType: GatewayResponseType;
  statusCode?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
}

export type AuthorizerType = 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';

/** A Lambda or Cognito authorizer (CreateAuthorizer's shape; Cognito ones enforced, Lambda ones not yet). */
export interface Authorizer {
  id: string;
  name: string;
  type: AuthorizerType;
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds?: number;
}

/** A documentation part (`x-amazon-apigateway-documentation`), stored as AWS shapes it. */
export interface DocumentationPart {
  id: string;
  location: { type: string; path?: string; method?: string; statusCode?: string; name?: string };
  /** A JSON string, as the DocumentationPart resource carries it. */
  properties: string;
}

/** Everything a deployment freezes: the API, its resource tree and the per-API collections. */
export interface RestApiDefinition {
  api: RestApi;
  resources: Record<string, Resource>;
  models: Record<string, Model>;
  requestValidators: Record<string, RequestValidator>;
  gatewayResponses: Partial<Record<GatewayResponseType, GatewayResponse>>;
  /** By id. Absent on APIs that never had one. */
  authorizers?: Record<string, Authorizer>;
  /** Documentation parts and the version label of the imported `x-amazon-apigateway-documentation`. */
  documentation?: { version?: string; parts: DocumentationPart[] };
}

export interface Deployment {
  id: string;
  description?: string;
  createdDate: number;
}

/** A deployment as stored: its public fields plus the frozen definition it serves. */
export interface DeploymentRecord extends Deployment {
  restApiId: string;
  snapshot: RestApiDefinition;
}

export interface MethodSetting {
  metricsEnabled: boolean;
  loggingLevel: string;
  dataTraceEnabled: boolean;
  throttlingBurstLimit: number;
  throttlingRateLimit: number;
  cachingEnabled: boolean;
  cacheTtlInSeconds: number;
  cacheDataEncrypted: boolean;
  requireAuthorizationForCacheControl: boolean;
  unauthorizedCacheControlHeaderStrategy: string;
}

export interface Stage {
  stageName: string;
  deploymentId: string;
  description?: string;
  cacheClusterEnabled: boolean;
  cacheClusterSize?: string;
  cacheClusterStatus: string;
  methodSettings: Record<string, MethodSetting>;
  variables?: Record<string, string>;
  tracingEnabled: boolean;
  documentationVersion?: string;
  clientCertificateId?: string;
  accessLogSettings?: { destinationArn?: string; format?: string };
  tags?: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
}

/** A stage as stored, with the API it belongs to. */
export interface StageRecord extends Stage {
  restApiId: string;
}
