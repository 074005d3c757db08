// Maps `METHOD /path/{param}` templates (the request URIs of the AWS service model) to
// operation handlers. Built once at startup; matching is one regex test per candidate.
import type { IncomingHttpHeaders } from 'node:http';
import type { VerifiedCaller } from '../aws/sigv4.js';
import type { AwsServiceError } from '../aws/errors.js';

export interface OperationRequest {
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The JSON body parsed (an empty object when there is none). */
  body: Record<string, unknown>;
  rawBody: Buffer;
  caller: VerifiedCaller;
  /** `x-amzn-RequestId`; query-protocol answers repeat it in their body. */
  requestId: string;
}

export interface OperationResponse {
  statusCode: number;
  body?: unknown;
  /** A raw body (exports); written as is with its own content type. */
  raw?: { contentType: string; data: string | Buffer; headers?: Record<string, string> };
}

export type OperationHandler = (request: OperationRequest) => OperationResponse | Promise<OperationResponse>;

export interface OperationDefinition {
  /** AWS operation name, e.g. CreateRestApi; used in logs. */
  name: string;
  method: string;
  /** Request URI from the service model, e.g. /restapis/{restapi_id}/resources. */
  uri: string;
  /** Extra query condition, e.g. `mode=import` for ImportRestApi. */
  query?: Record<string, string>;
  /** The body is not JSON (OpenAPI imports): handlers read `rawBody`, `body` is `{}`. */
  rawBody?: true;
  handler: OperationHandler;
}

interface CompiledOperation {
  definition: OperationDefinition;
  pattern: RegExp;
  paramNames: string[];
}

export interface MatchedOperation {
  definition: OperationDefinition;
  params: Record<string, string>;
}

/** How a service writes its errors when it is not AWS's JSON `{"message": …}` (the query protocol's XML). */
export type ErrorRenderer = (error: AwsServiceError, requestId: string) => OperationResponse;

export class RouteTable {
  readonly #operations: CompiledOperation[];
  readonly renderError: ErrorRenderer | undefined;

  constructor(definitions: readonly OperationDefinition[], renderError?: ErrorRenderer) {
    this.renderError = renderError;
    // Operations with a query condition are tried before their unconditional twin.
    const sorted = [...definitions].sort((a, b) => Number(b.query !== undefined) - Number(a.query !== undefined));
    this.#operations = sorted.map(compileOperation);
  }

  match(method: string, path: string, query: URLSearchParams): MatchedOperation | undefined {
    for (const operation of this.#operations) {
      const { definition } = operation;
      if (definition.method !== method) continue;
      const m = operation.pattern.exec(path);
      if (!m) continue;
      if (definition.query && !Object.entries(definition.query).every(([k, v]) => query.get(k) === v)) continue;
      const params: Record<string, string> = {};
      operation.paramNames.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1]);
      });
      return { definition, params };
    }
    return undefined;
  }
}

function compileOperation(definition: OperationDefinition): CompiledOperation {
  const paramNames: string[] = [];
  const source = definition.uri.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
    paramNames.push(name.replace(/\+$/, ''));
    return name.endsWith('+') ? '(.+)' : '([^/]+)';
  });
  return { definition, pattern: new RegExp(`^${source}/?$`), paramNames };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
