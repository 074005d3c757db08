// The one renderer of gateway responses
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html):
// every error a stage throws and every error before a stage is known ends here. Default bodies are
// AWS's: compact `{"message":"..."}`, the spaced 5xx bodies, and the plain-text 413.
import type { MappingSources } from '../../vtl/index.js';
import type { CompiledGatewayResponses } from '../../compiler/gateway-responses.js';
import { BUILT_IN_GATEWAY_RESPONSES } from '../../compiler/gateway-responses.js';
import { SPACED_BODY_TYPES } from './defaults.js';
import type { GatewayError } from './gateway-error.js';
import type { BufferedOutput } from '../pipeline/response.js';

/** What a customised response may read; called only when the response is customised. */
export interface GatewayResponseSources {
  /** Mapping sources with `$context.error.*` set for this error. */
  sourcesFor(error: GatewayError): MappingSources;
  /** The request's Accept media type, for choosing among several templates. */
  readonly accept: string | undefined;
}

/**
 * `$context.error` as templates and access logs see it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
 */
export function errorContext(error: GatewayError): Record<string, unknown> {
  return {
    message: error.errorMessage,
    messageString: JSON.stringify(error.errorMessage),
    responseType: error.responseType,
    validationErrorString: error.validationError ?? null,
  };
}

export function renderGatewayResponse(
  error: GatewayError,
  responses: CompiledGatewayResponses = BUILT_IN_GATEWAY_RESPONSES,
  sources?: GatewayResponseSources,
): BufferedOutput {
  const response = responses[error.responseType];
  const headers: string[] = [];
  let body: string;
  let contentType = 'application/json';

  if (response.templates === undefined || sources === undefined) {
    if (error.responseType === 'REQUEST_TOO_LARGE') {
      // Observed on AWS: not JSON, with this exact content type.
      contentType = 'text; charset=utf-8';
      body = error.errorMessage ?? '';
    } else if (SPACED_BODY_TYPES.has(error.responseType)) {
      // AWS-recorded 5xx bodies keep a space after the colon: {"message": "Internal server error"}.
      body = `{"message": ${JSON.stringify(error.errorMessage)}}`;
    } else {
      body = `{"${error.messageKey}":${JSON.stringify(error.errorMessage)}}`;
    }
  } else {
    const mapping = sources.sourcesFor(error);
    const [type, template] = pickTemplate(response.templates, sources.accept);
    contentType = type;
    body = template.render(mapping.context, mapping.stageVariables);
  }
  headers.push('Content-Type', contentType);
  const errorType = error.errorTypeOverride ?? response.errorType;
  if (errorType !== undefined) headers.push('x-amzn-ErrorType', errorType);

  if (response.headers.length > 0 && sources !== undefined) {
    const mapping = sources.sourcesFor(error);
    for (const { name, source } of response.headers) {
      const value = source(mapping);
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(',') : value;
      const existing = headers.findIndex((header, i) => i % 2 === 0 && header.toLowerCase() === name.toLowerCase());
      if (existing === -1) headers.push(name, text);
      else headers[existing + 1] = text;
    }
  }
  return { statusCode: error.statusOverride ?? response.statusCode, headers, body: Buffer.from(body) };
}

function pickTemplate<T>(templates: ReadonlyMap<string, T>, accept: string | undefined): [string, T] {
  if (accept !== undefined) {
    const byAccept = templates.get(accept);
    if (byAccept !== undefined) return [accept, byAccept];
  }
  const json = templates.get('application/json');
  if (json !== undefined) return ['application/json', json];
  return templates.entries().next().value as [string, T];
}
