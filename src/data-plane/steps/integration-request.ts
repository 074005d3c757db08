// Integration request (the pipeline's steps: docs/architecture.md; AWS Developer Guide pages
// rest-api-parameter-mapping.html, integration-passthrough-behaviors.html and
// api-gateway-payload-encodings-workflow.html under
// https://docs.aws.amazon.com/apigateway/latest/developerguide/): parameter
// mapping, template selection / passthrough (415), content conversion, then the request the
// endpoint receives. Each piece is its own step so a method without mappings or templates carries
// none of them.
import type { Step } from '../pipeline/step.js';
import type { MappedParameters, RestRoutedContext } from '../pipeline/rest-context.js';
import type { UriTemplate } from '../../compiler/uri-template.js';
import type { HttpEndpointRequest } from '../../integrations/types.js';
import { mediaTypeOf } from '../../compiler/binary-media-types.js';
import type { ContentHandling, PassthroughBehavior } from '../../model/rest-api.js';
import { ApiConfigurationError, UnsupportedMediaTypeError } from '../errors/gateway-error.js';
import { DROPPED_REQUEST_HEADERS, isSigV4Authorization, traceId } from '../../integrations/headers.js';
import { trace, javaMap } from '../pipeline/trace.js';
import type { CompiledTemplate } from '../../compiler/templates.js';
import { mergeRecords, record } from '../pipeline/request-views.js';

/** An HTTP or HTTP_PROXY method: the plan has these steps only when the integration has a uri. */
export type HttpRoutedContext = RestRoutedContext & { readonly plan: { readonly integration: { readonly uri: UriTemplate } } };

function mappedOf(ctx: RestRoutedContext): MappedParameters {
  // Names may come from the client (a template's requestOverride keyed by a header value).
  return (ctx.mapped ??= { path: record(), querystring: record(), header: record() });
}

/** `integration.request.*` ← method request / context / stage variables / static values. */
export const requestParameters: Step<RestRoutedContext> = {
  name: 'integration-request.parameters',
  run(ctx) {
    const sources = ctx.mappingSources;
    const mapped = mappedOf(ctx);
    for (const parameter of ctx.plan.integration.requestParameters) {
      const value = parameter.source(sources);
      if (value === undefined) continue;
      switch (parameter.location) {
        case 'path':
          mapped.path[parameter.name] = Array.isArray(value) ? value.join(',') : value;
          break;
        case 'querystring':
          mapped.querystring[parameter.name] = Array.isArray(value) ? value[value.length - 1] ?? '' : value;
          break;
        case 'multivaluequerystring':
          mapped.querystring[parameter.name] = Array.isArray(value) ? value : [value];
          break;
        case 'header':
          mapped.header[parameter.name] = Array.isArray(value) ? value.join(',') : value;
          break;
        case 'multivalueheader':
          mapped.header[parameter.name] = Array.isArray(value) ? value : [value];
          break;
      }
    }
  },
};

/**
 * Template selection and passthrough
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html):
 * the key is the request Content-Type's media type (absent → application/json).
 */
export const requestTemplate: Step<RestRoutedContext> = {
  name: 'integration-request.template',
  run(ctx) {
    const integration = ctx.plan.integration;
    const contentType = mediaTypeOf(ctx.header('content-type')) ?? 'application/json';
    const template = selectRequestTemplate(integration.requestTemplates, contentType, integration.passthroughBehavior);
    if (template === null) {
      ctx.integrationBody = convertRequestBody(ctx, integration.contentHandling);
      return;
    }
    // A template without VTL is its own output: nothing to evaluate, no input to build.
    const output = template.constantOutput ?? renderRequestTemplate(ctx, template);
    ctx.templateApplied = true;
    ctx.integrationText = output;
    ctx.integrationBody = integration.contentHandling === 'CONVERT_TO_BINARY'
      ? decodeBase64(output)
      : template.constantBuffer ?? Buffer.from(output);
  },
};

function renderRequestTemplate(ctx: RestRoutedContext, template: CompiledTemplate): string {
  try {
    const result = template.render(ctx.templateInput(ctx.bodyText), ctx.services.env.limits.maxRequestBodyBytes);
    const override = result.requestOverride;
    if (hasKeys(override.header) || hasKeys(override.path) || hasKeys(override.querystring)) {
      const mapped = mappedOf(ctx);
      Object.assign(mapped.header, override.header);
      Object.assign(mapped.path, override.path);
      Object.assign(mapped.querystring, override.querystring);
    }
    // A MOCK request template's response override persists: the response template reads it as
    // `$context.responseOverride`, and it sets the final status and headers (AWS-recorded in
    // LocalStack's snapshots: status 444 and a header set here reach the client).
    const response = result.responseOverride;
    if (ctx.plan.integration.type === 'MOCK' && (response.status !== undefined || hasKeys(response.header) || response.others !== undefined)) {
      ctx.responseOverride = response;
      ctx.contextVariables.responseOverride = { ...response.others, header: { ...response.header }, status: response.status };
    }
    return result.output;
  } catch (error) {
    throw new ApiConfigurationError(undefined, { reason: (error as Error).message, cause: error });
  }
}

/** null → pass the body through; throws 415 where the passthrough behaviour refuses it. */
export function selectRequestTemplate(
  templates: { get(mediaType: string): CompiledTemplate | null | undefined } | undefined,
  contentType: string,
  behavior: PassthroughBehavior,
): CompiledTemplate | null {
  if (templates === undefined) {
    if (behavior === 'NEVER') throw new UnsupportedMediaTypeError();
    return null;
  }
  const template = templates.get(contentType);
  if (template !== undefined) return template;
  if (behavior === 'WHEN_NO_MATCH') return null;
  throw new UnsupportedMediaTypeError();
}

/**
 * Request conversions
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings-workflow.html):
 * binary = Content-Type in binaryMediaTypes.
 */
function convertRequestBody(ctx: RestRoutedContext, handling: ContentHandling | undefined): Buffer {
  if (handling === undefined || ctx.body.length === 0) return ctx.body;
  const binary = ctx.stage.deployment.binaryMediaTypes.matches(mediaTypeOf(ctx.header('content-type')));
  if (handling === 'CONVERT_TO_TEXT') return binary ? Buffer.from(ctx.body.toString('base64')) : ctx.body;
  return binary ? ctx.body : decodeBase64(ctx.body.toString('utf8'));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 text → bytes; a decode failure is AWS's 500 API_CONFIGURATION_ERROR. */
export function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new ApiConfigurationError(undefined, { reason: 'unable to base64-decode the payload (CONVERT_TO_BINARY)' });
  }
  return Buffer.from(compact, 'base64');
}

function hasKeys(record: Record<string, unknown> | undefined): boolean {
  if (record === undefined) return false;
  for (const _ in record) return true;
  return false;
}

function methodFor(ctx: RestRoutedContext): string {
  const method = ctx.plan.integration.httpMethod;
  return method === undefined || method === 'ANY' ? ctx.httpMethod : method;
}

function encodeQuery(query: Record<string, string | string[]>): string {
  let out = '';
  for (const name of Object.keys(query)) {
    const value = query[name];
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) out += (out === '' ? '' : '&') + encodeURIComponent(name) + '=' + encodeURIComponent(item);
  }
  return out;
}

function setMappedHeaders(headers: string[], mappedHeaders: Record<string, string | string[]>): void {
  for (const name of Object.keys(mappedHeaders)) {
    const lower = name.toLowerCase();
    for (let i = headers.length - 2; i >= 0; i -= 2) if (headers[i].toLowerCase() === lower) headers.splice(i, 2);
    const value = mappedHeaders[name];
    if (Array.isArray(value)) for (const item of value) headers.push(name, item);
    else headers.push(name, value);
  }
}

/** HTTP (non-proxy): only mapped parameters and the transformed body reach the endpoint. */
export const httpRequest: Step<HttpRoutedContext> = {
  name: 'integration-request.http',
  run(ctx) {
    const integration = ctx.plan.integration;
    const uri = integration.uri;
    const variables = ctx.stage.variables;
    const mapped = ctx.mapped;
    const pathValues = mapped === undefined ? ctx.pathParams : mergeRecords(ctx.pathParams, mapped.path);
    let path = uri.path(pathValues, variables);
    if (mapped !== undefined) {
      const query = encodeQuery(mapped.querystring);
      if (query !== '') path += (uri.hasQuery ? '&' : '?') + query;
    }
    const apiId = ctx.apiId;
    const body = ctx.integrationBody ?? ctx.body;
    const headers = [
      'X-Amzn-Apigateway-Api-Id', apiId,
      'X-Amzn-Trace-Id', traceId(ctx.requestId, ctx.requestTimeEpoch),
      // AWS identifies itself to non-proxy HTTP endpoints (LocalStack, from AWS captures).
      'User-Agent', `AmazonAPIGateway_${apiId}`,
      'Accept', 'application/json',
    ];
    if (body.length > 0) headers.push('Content-Type', ctx.templateApplied ? 'application/json' : ctx.header('content-type') ?? 'application/json');
    if (mapped !== undefined) setMappedHeaders(headers, mapped.header);
    const request: HttpEndpointRequest = {
      kind: 'http', method: methodFor(ctx), origin: uri.origin(variables), path, headers, body, timeoutMs: integration.timeoutMs, signal: ctx,
    };
    ctx.integrationRequest = request;
    if (ctx.trace) traceRequest(ctx, request);
  },
};

/**
 * HTTP_PROXY: the method request forwarded as AWS does (recorded in LocalStack's AWS snapshots):
 * hop-by-hop headers dropped, `{proxy}`/`{param}` filled from path parameters (raw), query string
 * forwarded as sent, mapped parameters added on top.
 */
export const httpProxyRequest: Step<HttpRoutedContext> = {
  name: 'integration-request.http-proxy',
  run(ctx) {
    const integration = ctx.plan.integration;
    const uri = integration.uri;
    const variables = ctx.stage.variables;
    const mapped = ctx.mapped;
    let path = uri.path(mapped === undefined ? ctx.pathParams : mergeRecords(ctx.pathParams, mapped.path), variables);
    let query = ctx.rawQuery;
    if (mapped !== undefined) {
      const extra = encodeQuery(mapped.querystring);
      if (extra !== '') query = query === '' ? extra : `${query}&${extra}`;
    }
    if (query !== '') path += (uri.hasQuery ? '&' : '?') + query;

    const raw = ctx.rawHeaders;
    const headers: string[] = [];
    let forwardedFor: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      if (DROPPED_REQUEST_HEADERS.has(lower)) continue;
      const value = raw[i + 1];
      if (lower === 'x-forwarded-for') {
        forwardedFor = value;
        continue;
      }
      if (lower === 'authorization' && isSigV4Authorization(value)) continue;
      headers.push(name, value);
    }
    headers.push(
      'X-Amzn-Apigateway-Api-Id', ctx.apiId,
      // The caller's address appended, as a proxy does.
      'X-Forwarded-For', forwardedFor === undefined ? ctx.sourceIp : `${forwardedFor}, ${ctx.sourceIp}`,
      'X-Amzn-Trace-Id', traceId(ctx.requestId, ctx.requestTimeEpoch),
    );
    if (mapped !== undefined) setMappedHeaders(headers, mapped.header);
    const request: HttpEndpointRequest = {
      kind: 'http', method: methodFor(ctx), origin: uri.origin(variables), path, headers, body: ctx.body, timeoutMs: integration.timeoutMs, signal: ctx,
    };
    ctx.integrationRequest = request;
    if (ctx.trace) traceRequest(ctx, request);
  },
};

function traceRequest(ctx: RestRoutedContext, request: HttpEndpointRequest): void {
  trace(ctx, `Endpoint request URI: ${request.origin}${request.path}`);
  const headers = record<string>();
  for (let i = 0; i < request.headers.length; i += 2) headers[request.headers[i]] = request.headers[i + 1];
  trace(ctx, `Endpoint request headers: ${javaMap(headers)}`);
  trace(ctx, `Endpoint request body after transformations: ${request.body.toString('utf8')}`);
}
