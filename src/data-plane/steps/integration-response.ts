// Integration response
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-integration-settings-integration-response.html).
// Proxy types pass the endpoint response through with AWS's header remapping; non-proxy types
// select an integration response by status code, map headers, convert the body and apply the
// template.
import { brotliDecompressSync, createBrotliDecompress, createGunzip, createInflate, gunzipSync, inflateSync } from 'node:zlib';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { BodyTooLargeError, ReadableBody, toReadable } from '../../integrations/body-stream.js';
import type { Step } from '../pipeline/step.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import type { EndpointResponse } from '../../integrations/types.js';
import type { CompiledIntegrationResponse, IntegrationPlan } from '../../compiler/types.js';
import { mediaTypeOf } from '../../compiler/binary-media-types.js';
import { caseInsensitive, headerViews } from '../pipeline/request-views.js';
import { ApiConfigurationError, IntegrationFailureError } from '../errors/gateway-error.js';
import { DROPPED_PROXY_RESPONSE_HEADERS, REMAPPED_RESPONSE_HEADERS } from '../../integrations/headers.js';
import { decodeBase64 } from './integration-request.js';
import { headerValue, setHeader } from '../pipeline/response.js';
import { trace } from '../pipeline/trace.js';
import type { MappingSources } from '../../vtl/index.js';

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** Passes bytes on until `limit`, then fails with BodyTooLargeError (a decompression bomb stops there). */
class ByteLimit extends Transform {
  #left: number;
  constructor(readonly limit: number) {
    super();
    this.#left = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#left -= chunk.length;
    if (this.#left < 0) callback(new BodyTooLargeError(this.limit));
    else callback(null, chunk);
  }
}

/**
 * HTTP_PROXY: status, headers and body as the backend sent them, except Connection,
 * Content-Length, Date and Server (renamed x-amzn-Remapped-*: API Gateway sends its own) and
 * Transfer-Encoding, Content-Encoding, Via (dropped; a compressed body is decoded so the
 * dropped Content-Encoding stays truthful). Content-Type defaults to application/json.
 * Answers without a body (to HEAD, 204, 304, empty) are not decoded; decoded output is capped
 * at maxResponseBodyBytes (a decompression bomb: 504 while buffered, a cut connection streaming).
 */
export const proxyIntegrationResponse: Step<RestRoutedContext> = {
  name: 'integration-response.proxy',
  run(ctx) {
    const endpoint = ctx.endpointResponse;
    // The request ended before the integration answered: nothing to pass on.
    if (endpoint === undefined) return;
    const raw = endpoint.headers;
    const headers: string[] = [];
    let hasContentType = false;
    let encoding: string | undefined;
    let length: number | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      const remapped = REMAPPED_RESPONSE_HEADERS.get(lower);
      if (remapped !== undefined) {
        if (lower === 'content-length') length = Number(raw[i + 1]);
        headers.push(remapped, raw[i + 1]);
      } else if (DROPPED_PROXY_RESPONSE_HEADERS.has(lower)) {
        if (lower === 'content-encoding') encoding = raw[i + 1].trim().toLowerCase();
      } else {
        if (lower === 'content-type') hasContentType = true;
        headers.push(name, raw[i + 1]);
      }
    }
    if (!hasContentType) headers.push('Content-Type', 'application/json');
    let body = endpoint.body;
    // The backend names the encoding: only our own entries count (`constructor` is no decoder).
    const decoder = encoding === undefined || !Object.hasOwn(DECODERS, encoding) ? undefined : DECODERS[encoding];
    if (decoder !== undefined) {
      const status = endpoint.statusCode;
      const request = ctx.integrationRequest;
      const head = request?.kind === 'http' && request.method === 'HEAD';
      const empty = length === 0 || (Buffer.isBuffer(body) ? body.length : body.completeLength) === 0;
      // The backend's length is of the encoded body: not what the client receives.
      if (!empty) length = undefined;
      if (head || status === 204 || status === 304 || empty) {
        // Nothing to decode: a decoder over no bytes fails with "unexpected end of file".
      } else if (Buffer.isBuffer(body) || body.completeBody !== undefined) {
        // Arrived whole (the usual small answer): decoded at once, so a bomb is a clean 504.
        body = decodeBuffered(Buffer.isBuffer(body) ? body : body.completeBody!, encoding!, ctx.services.env.limits.maxResponseBodyBytes);
      } else {
        const limit = new ByteLimit(ctx.services.env.limits.maxResponseBodyBytes);
        // stream.pipeline destroys every stream on a failure: a cap or a corrupt body also stops
        // the backend.
        body = new ReadableBody(pipeline(toReadable(body), decoder(), limit, ignore));
      }
    }
    ctx.response = { statusCode: endpoint.statusCode, headers, body, streamLength: length !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : undefined };
    if (ctx.trace !== undefined) trace(ctx, `Method completed with status: ${endpoint.statusCode}`);
  },
};

/** Errors reach the client side through the last stream of the pipeline. */
function ignore(): void {}

/** A buffered proxy body (rare): decoded synchronously, up to `limit` bytes. */
function decodeBuffered(body: Buffer, encoding: string, limit: number): Buffer {
  const options = { maxOutputLength: limit };
  try {
    if (encoding === 'br') return brotliDecompressSync(body, options);
    if (encoding === 'deflate') return inflateSync(body, options);
    return gunzipSync(body, options);
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
      ? new BodyTooLargeError(limit).message
      : `endpoint response body could not be decoded (${encoding}): ${(error as Error).message}`;
    throw new IntegrationFailureError(undefined, { reason, cause: error });
  }
}

/** First pattern matching the whole selection value, else the default response. */
export function selectIntegrationResponse(integration: IntegrationPlan, selectionValue: string): CompiledIntegrationResponse | undefined {
  for (const response of integration.patternResponses) {
    if (response.pattern!.test(selectionValue)) return response;
  }
  return integration.defaultResponse;
}

/** Non-proxy (HTTP, MOCK): selection, responseParameters, contentHandling, template, overrides. */
export const integrationResponse: Step<RestRoutedContext> = {
  name: 'integration-response',
  run(ctx) {
    const integration = ctx.plan.integration;
    const endpoint = ctx.endpointResponse;
    // The request ended before the integration answered: nothing to select from.
    if (endpoint === undefined) return;
    const selectionValue = endpoint.selectionValue ?? String(endpoint.statusCode);
    const selected = selectIntegrationResponse(integration, selectionValue);
    if (selected === undefined) {
      throw new ApiConfigurationError(undefined, {
        reason: `Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: ${selectionValue}`,
      });
    }
    ctx.selectedStatusCode = selected.statusCode;
    const endpointBody = endpoint.body as Buffer;
    const headers: string[] = [];

    let sources: MappingSources | undefined;
    if (selected.headers.length > 0) {
      const views = headerViews(endpoint.headers);
      sources = {
        ...ctx.mappingSources,
        integrationResponse: { header: caseInsensitive(views.single), multivalueheader: caseInsensitive(views.multi), body: endpointBody.toString('utf8') },
      };
      for (const { name, source } of selected.headers) {
        const value = source(sources);
        if (value === undefined) continue;
        setHeader(headers, name, Array.isArray(value) ? value.join(',') : value);
      }
    }

    const deployment = ctx.stage.deployment;
    const accept = ctx.accept;
    let body: Buffer | string = convertResponseBody(ctx, endpoint, endpointBody, selected);
    let statusCode = Number(selected.statusCode);
    const persisted = ctx.responseOverride;
    if (persisted !== undefined) {
      if (persisted.status !== undefined) statusCode = persisted.status;
      for (const name of Object.keys(persisted.header)) setHeader(headers, name, persisted.header[name]);
    }
    let contentType: string | undefined;
    if (selected.templates !== undefined) {
      const [type, template] = selected.templates.forResponse(accept);
      if (template !== null && template.constantBuffer !== undefined) {
        contentType = type;
        body = template.constantBuffer;
      } else if (template !== null) {
        contentType = type;
        try {
          const text = Buffer.isBuffer(body)
            ? deployment.binaryMediaTypes.matches(mediaTypeOf(headerValue(endpoint.headers, 'content-type'))) ? body.toString('base64') : body.toString('utf8')
            : body;
          const result = template.render(ctx.templateInput(text), ctx.services.env.limits.maxResponseBodyBytes);
          body = result.output;
          const override = result.responseOverride;
          // AWS ignores a status override outside 100–599 (LocalStack, from AWS).
          const status = Number(override.status);
          if (override.status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599) statusCode = status;
          for (const name of Object.keys(override.header)) setHeader(headers, name, String(override.header[name]));
        } catch (error) {
          throw new ApiConfigurationError(undefined, { reason: (error as Error).message, cause: error });
        }
      }
    }
    if (contentType !== undefined && headerValue(headers, 'content-type') === undefined) headers.push('Content-Type', contentType);
    const buffer = typeof body === 'string' ? Buffer.from(body) : body;
    if (ctx.trace !== undefined) trace(ctx, `Method response body after transformations: ${buffer.toString('utf8')}`);
    ctx.methodResponse = { statusCode, headers, body: buffer };
  },
};

/**
 * Response conversions
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html).
 * "Binary payload" = the endpoint's Content-Type is in binaryMediaTypes; "binary accept" = the
 * first Accept type is. Returns a Buffer for bytes and a string for text.
 */
function convertResponseBody(ctx: RestRoutedContext, endpoint: EndpointResponse, body: Buffer, selected: CompiledIntegrationResponse): Buffer | string {
  const binaryTypes = ctx.stage.deployment.binaryMediaTypes;
  const handling = selected.contentHandling;
  if (binaryTypes.empty) {
    return handling === 'CONVERT_TO_BINARY' ? decodeBase64(body.toString('utf8')) : body;
  }
  const binaryPayload = binaryTypes.matches(mediaTypeOf(headerValue(endpoint.headers, 'content-type')));
  const binaryAccept = binaryTypes.matches(ctx.accept);
  if (binaryPayload) {
    if (handling === 'CONVERT_TO_TEXT' || (handling === undefined && !binaryAccept)) return body.toString('base64');
    return body;
  }
  if (handling === 'CONVERT_TO_BINARY' || (handling === undefined && binaryAccept)) return decodeBase64(body.toString('utf8'));
  return body;
}
