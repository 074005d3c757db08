// An import plan: the document read into the AWS operations that build the API, as request
// bodies in AWS's wire names (CreateModel, PutMethod, PutIntegration, …). Applying a plan calls
// the same apply functions the SDK operations call (apply.ts).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api.html
import type { Body } from '../control-plane/apigateway/validation.js';
import type { SchemaModels } from './models.js';

export interface PlannedMethod {
  /** GET, POST, …, ANY (`x-amazon-apigateway-any-method`). */
  verb: string;
  /** PutMethod body without `requestValidatorId`/`authorizerId` (resolved by name when applied). */
  method: Body;
  requestValidatorName?: string;
  authorizerName?: string;
  responses: { statusCode: string; body: Body }[];
  /** PutIntegration body. */
  integration?: Body;
  integrationResponses: { statusCode: string; body: Body }[];
}

export interface PlannedPath {
  /** Resource path after the base-path rule, e.g. /pets/{id}. */
  path: string;
  methods: PlannedMethod[];
}

export interface ImportPlan {
  /** CreateRestApi body (name, description, version, binaryMediaTypes, …, tags). */
  api: Body;
  models: SchemaModels;
  validators: { name: string; body: Body }[];
  authorizers: { name: string; body: Body }[];
  gatewayResponses: { responseType: string; body: Body }[];
  paths: PlannedPath[];
  documentation?: { version?: string; parts: { location: Record<string, string>; properties: string }[] };
}
