import { describe, it, expect } from 'vitest';
import {
  DEFAULT_GATEWAY_RESPONSES, GATEWAY_RESPONSE_TYPES, renderGatewayResponse, MissingAuthenticationTokenError, RequestTooLargeError,
  IntegrationTimeoutError, IntegrationFailureError, ApiConfigurationError, ThrottledError, UnauthorizedError, AuthorizerConfigurationError,
  InvalidApiKeyError, errorContext, type GatewayError,
} from '../../../src/data-plane/errors/index.js';
import { compileGatewayResponses } from '../../../src/compiler/gateway-responses.js';
import type { MappingSources } from '../../../src/vtl/index.js';

function headersOf(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

const sources = (stageVariables: Record<string, string> = {}, header: Record<string, string> = {}) => ({
  accept: undefined,
  sourcesFor(error: GatewayError): MappingSources {
    return {
      methodRequest: { path: {}, querystring: {}, multivaluequerystring: {}, header, multivalueheader: {}, body: '' },
      context: { requestId: 'req-1', error: errorContext(error) },
      stageVariables,
    };
  },
});

describe('DEFAULT_GATEWAY_RESPONSES', () => {
  it('lists all 21 types with the AWS default template', () => {
    expect(GATEWAY_RESPONSE_TYPES).toHaveLength(21);
    for (const type of GATEWAY_RESPONSE_TYPES) {
      expect(DEFAULT_GATEWAY_RESPONSES[type].responseTemplates).toEqual({ 'application/json': '{"message":$context.error.messageString}' });
      expect(DEFAULT_GATEWAY_RESPONSES[type].responseParameters).toEqual({});
    }
    expect(DEFAULT_GATEWAY_RESPONSES.DEFAULT_4XX.statusCode).toBeUndefined();
    expect(DEFAULT_GATEWAY_RESPONSES.DEFAULT_5XX.statusCode).toBeUndefined();
    expect(DEFAULT_GATEWAY_RESPONSES.MISSING_AUTHENTICATION_TOKEN.statusCode).toBe('403');
    expect(DEFAULT_GATEWAY_RESPONSES.INTEGRATION_FAILURE.statusCode).toBe('504');
    expect(DEFAULT_GATEWAY_RESPONSES.QUOTA_EXCEEDED).toMatchObject({ statusCode: '429', errorType: 'LimitExceededException', message: 'Limit Exceeded' });
  });
});

describe('renderGatewayResponse defaults', () => {
  it('renders the compact body with x-amzn-ErrorType', () => {
    const out = renderGatewayResponse(new MissingAuthenticationTokenError());
    expect(out.statusCode).toBe(403);
    expect(out.body.toString()).toBe('{"message":"Missing Authentication Token"}');
    expect(headersOf(out.headers)).toEqual({ 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' });
  });
  it('renders exact AWS-observed byte counts', () => {
    expect(renderGatewayResponse(new InvalidApiKeyError()).body.length).toBe(23);
    expect(renderGatewayResponse(new UnauthorizedError()).body.length).toBe(26);
    expect(renderGatewayResponse(new ThrottledError()).body.toString()).toBe('{"message":"Too Many Requests"}');
    expect(renderGatewayResponse(new AuthorizerConfigurationError()).body.toString()).toBe('{"message":null}');
  });
  it('renders 413 as plain text', () => {
    const out = renderGatewayResponse(new RequestTooLargeError());
    expect(out.statusCode).toBe(413);
    expect(out.body.toString()).toBe('HTTP content length exceeded 10485760 bytes.');
    expect(headersOf(out.headers)['Content-Type']).toBe('text; charset=utf-8');
  });
  it('renders the spaced integration 5xx bodies', () => {
    const timeout = renderGatewayResponse(new IntegrationTimeoutError());
    expect(timeout.statusCode).toBe(504);
    expect(timeout.body.toString()).toBe('{"message": "Endpoint request timed out"}');
    const config = renderGatewayResponse(new ApiConfigurationError());
    expect(config.statusCode).toBe(500);
    expect(config.body.toString()).toBe('{"message": "Internal server error"}');
    expect(config.body.length).toBe(36);
    expect(renderGatewayResponse(new IntegrationFailureError()).statusCode).toBe(504);
  });
});

describe('customised gateway responses: own → DEFAULT_4XX/5XX → built-in', () => {
  it("uses the type's own response: status, headers from sources, template substitution", () => {
    const responses = compileGatewayResponses({
      MISSING_AUTHENTICATION_TOKEN: {
        responseType: 'MISSING_AUTHENTICATION_TOKEN',
        statusCode: '404',
        responseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
          'gatewayresponse.header.x-echo': 'method.request.header.x-in',
          'gatewayresponse.header.x-stage': 'stageVariables.name',
        },
        responseTemplates: { 'application/json': '{"error":$context.error.messageString,"id":"$context.requestId","type":"$context.error.responseType","v":"${stageVariables.name}"}' },
      },
    });
    const out = renderGatewayResponse(new MissingAuthenticationTokenError(), responses, sources({ name: 'blue' }, { 'x-in': 'hello' }));
    expect(out.statusCode).toBe(404);
    expect(out.body.toString()).toBe('{"error":"Missing Authentication Token","id":"req-1","type":"MISSING_AUTHENTICATION_TOKEN","v":"blue"}');
    expect(headersOf(out.headers)).toMatchObject({
      'Content-Type': 'application/json',
      'x-amzn-ErrorType': 'MissingAuthenticationTokenException',
      'Access-Control-Allow-Origin': '*',
      'x-echo': 'hello',
      'x-stage': 'blue',
    });
  });

  it('applies a customised DEFAULT_4XX to every 4xx type still default, keeping their statuses unless it sets one', () => {
    const headersOnly = compileGatewayResponses({
      DEFAULT_4XX: { responseType: 'DEFAULT_4XX', responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" } },
    });
    const out = renderGatewayResponse(new MissingAuthenticationTokenError(), headersOnly, sources());
    expect(out.statusCode).toBe(403);
    expect(out.body.toString()).toBe('{"message":"Missing Authentication Token"}');
    expect(headersOf(out.headers)['Access-Control-Allow-Origin']).toBe('*');
    // 5xx types are not touched by DEFAULT_4XX
    expect(headersOf(renderGatewayResponse(new ApiConfigurationError(), headersOnly, sources()).headers)['Access-Control-Allow-Origin']).toBeUndefined();

    const withStatus = compileGatewayResponses({
      DEFAULT_4XX: { responseType: 'DEFAULT_4XX', statusCode: '418', responseTemplates: { 'application/json': '{"oops":$context.error.messageString}' } },
      THROTTLED: { responseType: 'THROTTLED', statusCode: '503' },
    });
    const teapot = renderGatewayResponse(new MissingAuthenticationTokenError(), withStatus, sources());
    expect(teapot.statusCode).toBe(418);
    expect(teapot.body.toString()).toBe('{"oops":"Missing Authentication Token"}');
    // the type's own response wins over DEFAULT_4XX as a whole: its status, and no DEFAULT_4XX template
    const throttled = renderGatewayResponse(new ThrottledError(), withStatus, sources());
    expect(throttled.statusCode).toBe(503);
    expect(throttled.body.toString()).toBe('{"message":"Too Many Requests"}');
  });

  it('applies DEFAULT_5XX to integration errors', () => {
    const responses = compileGatewayResponses({
      DEFAULT_5XX: { responseType: 'DEFAULT_5XX', responseTemplates: { 'application/json': '{"fault":$context.error.messageString}' } },
    });
    const out = renderGatewayResponse(new IntegrationTimeoutError(), responses, sources());
    expect(out.statusCode).toBe(504);
    expect(out.body.toString()).toBe('{"fault":"Endpoint request timed out"}');
  });

  it('never customises REQUEST_TOO_LARGE', () => {
    const responses = compileGatewayResponses({
      REQUEST_TOO_LARGE: { responseType: 'REQUEST_TOO_LARGE', statusCode: '400', responseTemplates: { 'application/json': 'x' } },
      DEFAULT_4XX: { responseType: 'DEFAULT_4XX', statusCode: '499' },
    });
    const out = renderGatewayResponse(new RequestTooLargeError(), responses, sources());
    expect(out.statusCode).toBe(413);
    expect(out.body.toString()).toBe('HTTP content length exceeded 10485760 bytes.');
  });
});
