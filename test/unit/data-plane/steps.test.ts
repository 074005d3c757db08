// Steps run one at a time on a context built by hand (no sockets).
import { describe, it, expect } from 'vitest';
import { compileDeployment, compileStage } from '../../../src/compiler/compile-deployment.js';
import type { PipelineServices } from '../../../src/data-plane/pipeline/context.js';
import { RestContext } from '../../../src/data-plane/pipeline/rest-context.js';
import { route } from '../../../src/data-plane/steps/route.js';
import { parse } from '../../../src/data-plane/steps/parse.js';
import { httpProxyRequest, requestParameters, requestTemplate, httpRequest, type HttpRoutedContext } from '../../../src/data-plane/steps/integration-request.js';
import { proxyIntegrationResponse, integrationResponse } from '../../../src/data-plane/steps/integration-response.js';
import { methodResponse } from '../../../src/data-plane/steps/method-response.js';
import { renderError } from '../../../src/data-plane/steps/error.js';
import type { HttpEndpointRequest } from '../../../src/integrations/types.js';
import { MissingAuthenticationTokenError } from '../../../src/data-plane/errors/index.js';
import { buildApi } from '../../helpers/backend.js';
import { testServices } from '../../helpers/pipeline-services.js';

const services: PipelineServices = testServices();

const deployment = compileDeployment(buildApi({
  id: 'unit',
  resources: {
    '/p/{proxy+}': {
      ANY: {
        integration: {
          type: 'HTTP_PROXY', httpMethod: 'ANY', uri: 'http://backend:8080/base/{proxy}',
          requestParameters: { 'integration.request.header.x-mapped': "'m'", 'integration.request.querystring.extra': 'method.request.header.x-q' },
        },
      },
    },
    '/h/{id}': {
      POST: {
        integration: {
          type: 'HTTP', httpMethod: 'PUT', uri: 'http://backend/items/{itemId}',
          requestParameters: { 'integration.request.path.itemId': 'method.request.path.id', 'integration.request.header.X-Up': 'method.request.header.x-in' },
          requestTemplates: { 'application/json': '{"id":"$input.params(\'id\')"}' },
          integrationResponses: {
            '200': { statusCode: '200', responseParameters: { 'method.response.header.X-Out': 'integration.response.header.X-Back' } },
            '400': { statusCode: '400', selectionPattern: '4\\d{2}', responseTemplates: { 'application/json': '{"bad":$input.json(\'$.why\')}' } },
          },
        },
        methodResponses: ['200'],
      },
    },
  },
}), 'd1');
const stage = compileStage(deployment, { stageName: 'dev', deploymentId: 'd1', variables: {}, methodSettings: {}, tracingEnabled: false });

function context(method: string, path: string, rawHeaders: string[] = [], rawQuery = '', body = ''): RestContext {
  return new RestContext({ httpMethod: method, path, rawQuery, rawHeaders, sourceIp: '10.1.2.3', protocol: 'HTTP/1.1', body: Buffer.from(body) }, stage, services);
}

/** Every method of this API is HTTP or HTTP_PROXY with a uri. */
function routed(method: string, path: string, rawHeaders: string[] = [], rawQuery = '', body = ''): HttpRoutedContext {
  const ctx = context(method, path, rawHeaders, rawQuery, body);
  route.run(ctx);
  return ctx as HttpRoutedContext;
}

const headerMap = (flat: string[]) => Object.fromEntries(flat.flatMap((_, i) => (i % 2 === 0 ? [[flat[i], flat[i + 1]]] : [])));

describe('route step', () => {
  it('sets the plan and path parameters, or throws MISSING_AUTHENTICATION_TOKEN', () => {
    const ctx = routed('GET', '/p/a/b');
    expect(ctx.plan.resourcePath).toBe('/p/{proxy+}');
    expect(ctx.pathParams).toEqual({ proxy: 'a/b' });
    expect(() => route.run(context('GET', '/nope'))).toThrow(MissingAuthenticationTokenError);
  });
  it('keeps an already built $context in step with the route', () => {
    const ctx = context('GET', '/p/x');
    expect(ctx.contextVariables.resourcePath).toBeNull();
    route.run(ctx);
    expect(ctx.contextVariables.resourcePath).toBe('/p/{proxy+}');
  });
});

describe('parse step', () => {
  it('applies X-HTTP-Method-Override and stays synchronous without a live request', () => {
    const ctx = context('POST', '/p/x', ['X-HTTP-Method-Override', 'delete']);
    expect(parse.run(ctx)).toBeUndefined();
    expect(ctx.httpMethod).toBe('DELETE');
  });
});

describe('HTTP_PROXY integration request', () => {
  it('forwards headers minus hop-by-hop ones, appends the caller to X-Forwarded-For, maps on top', () => {
    const ctx = routed('GET', '/p/a%20b//c', [
      'Host', 'gw', 'Connection', 'keep-alive', 'X-Keep', 'k', 'TE', 'trailers', 'X-Forwarded-For', '1.1.1.1', 'x-q', 'v w', 'Expect', '100-continue',
    ], 'z=1');
    requestParameters.run(ctx);
    httpProxyRequest.run(ctx);
    const request = ctx.integrationRequest as HttpEndpointRequest;
    expect(request.origin).toBe('http://backend:8080');
    expect(request.path).toBe('/base/a%20b//c?z=1&extra=v%20w');
    expect(request.method).toBe('GET');
    const headers = headerMap(request.headers);
    expect(headers).toMatchObject({ 'X-Keep': 'k', 'X-Forwarded-For': '1.1.1.1, 10.1.2.3', 'X-Amzn-Apigateway-Api-Id': 'unit', 'x-mapped': 'm', 'x-q': 'v w' });
    for (const dropped of ['Host', 'Connection', 'TE', 'Expect']) expect(headers[dropped]).toBeUndefined();
  });
});

describe('proxy integration response', () => {
  it('remaps Connection/Content-Length/Date/Server and drops Transfer-Encoding/Via', () => {
    const ctx = routed('GET', '/p/x');
    ctx.endpointResponse = {
      statusCode: 201,
      headers: ['Content-Length', '2', 'Date', 'd', 'Server', 's', 'Connection', 'keep-alive', 'Via', 'v', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
      body: Buffer.from('ok'),
    };
    proxyIntegrationResponse.run(ctx);
    const out = ctx.response!;
    expect(out.statusCode).toBe(201);
    expect(out.streamLength).toBe(2);
    expect(out.headers).toEqual([
      'x-amzn-Remapped-Content-Length', '2', 'x-amzn-Remapped-Date', 'd', 'x-amzn-Remapped-Server', 's', 'x-amzn-Remapped-Connection', 'keep-alive',
      'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Type', 'application/json',
    ]);
  });
});

describe('HTTP (non-proxy) steps', () => {
  it('maps parameters, renders the template and builds the endpoint request', () => {
    const ctx = routed('POST', '/h/42', ['x-in', 'trace', 'Content-Type', 'application/json'], '', '{}');
    requestParameters.run(ctx);
    requestTemplate.run(ctx);
    httpRequest.run(ctx);
    const request = ctx.integrationRequest as HttpEndpointRequest;
    expect(request.method).toBe('PUT');
    expect(request.origin + request.path).toBe('http://backend/items/42');
    expect(request.body.toString()).toBe('{"id":"42"}');
    expect(headerMap(request.headers)).toMatchObject({ 'X-Up': 'trace', 'User-Agent': 'AmazonAPIGateway_unit', 'Content-Type': 'application/json' });
  });

  it('selects the integration response by status and maps response headers', () => {
    const ctx = routed('POST', '/h/1');
    ctx.endpointResponse = { statusCode: 204, headers: ['X-Back', 'b'], body: Buffer.alloc(0) };
    integrationResponse.run(ctx);
    methodResponse.run(ctx);
    expect(ctx.response!.statusCode).toBe(200);
    expect(headerMap(ctx.response!.headers)).toEqual({ 'X-Out': 'b', 'Content-Type': 'application/json' });
  });

  it('fails with 500 when the selected status has no method response', () => {
    const ctx = routed('POST', '/h/1', ['Accept', 'application/json']);
    ctx.endpointResponse = { statusCode: 422, headers: [], body: Buffer.from('{"why":"no"}') };
    integrationResponse.run(ctx);
    expect(ctx.methodResponse!.body.toString()).toBe('{"bad":"no"}');
    let thrown: unknown;
    try {
      methodResponse.run(ctx);
    } catch (error) {
      thrown = error;
    }
    renderError(ctx, thrown);
    expect(ctx.response!.statusCode).toBe(500);
    expect(ctx.response!.body.toString()).toBe('{"message": "Internal server error"}');
    expect(ctx.failureReason).toMatch(/invalid method response: 400/);
  });
});
