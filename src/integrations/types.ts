// The integration interface, keyed by AWS integration type (DESIGN.md §6): an integration takes
// the integration request the earlier stages built and produces the endpoint response.
import type { BodyStream } from './body-stream.js';
import type { IntegrationType } from '../model/rest-api.js';
import type { StageResult } from '../data-plane/pipeline/stage.js';
import type { RoutedContext } from '../data-plane/pipeline/context.js';

/** What API Gateway sends to the endpoint (AWS's "integration request"). */
export interface IntegrationRequest {
  method: string;
  /** `http(s)://host[:port]`; empty for MOCK. */
  origin: string;
  /** Path and query string, encoded as sent. */
  path: string;
  /** Flat [name, value, …]. */
  headers: string[];
  body: Buffer;
}

/** What the endpoint answered (AWS's "endpoint response"). */
export interface EndpointResponse {
  statusCode: number;
  /** Flat [name, value, …] as the backend sent them. */
  headers: string[];
  /** Buffered for non-proxy integrations; passed on as it arrives for HTTP_PROXY. */
  body: Buffer | BodyStream;
  /**
   * What integration-response selection patterns match instead of the status code: a Lambda
   * function error's `errorMessage` ('' when the function succeeded). mapping-templates.md §6.
   */
  selectionValue?: string;
}

export interface Integration {
  readonly type: IntegrationType;
  /** Sends `ctx.integrationRequest`; sets `ctx.endpointResponse` or throws a GatewayError. */
  invoke(ctx: RoutedContext): StageResult;
}

export type IntegrationRegistry = Readonly<Partial<Record<IntegrationType, Integration>>>;
