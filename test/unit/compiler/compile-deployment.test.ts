import { describe, it, expect } from 'vitest';
import { compileDeployment, compileStage } from '../../../src/compiler/compile-deployment.js';
import { TemplateSet } from '../../../src/compiler/templates.js';
import { DEFAULT_METHOD_SETTING } from '../../../src/compiler/method-settings.js';
import { buildApi } from '../../helpers/backend.js';

const api = buildApi({
  id: 'api1',
  resources: {
    '/proxy/{proxy+}': { ANY: { integration: { type: 'HTTP_PROXY', httpMethod: 'ANY', uri: 'http://backend/{proxy}' } } },
    '/mock': {
      GET: { integration: { type: 'MOCK', integrationResponses: { '200': { statusCode: '200' } } } },
      POST: {
        integration: {
          type: 'MOCK',
          requestTemplates: { 'application/json': '{"statusCode": 200}' },
          integrationResponses: {
            '200': { statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } },
            '404': { statusCode: '404', selectionPattern: '4\\d{2}' },
            '500': { statusCode: '500', selectionPattern: '([' },
          },
        },
        methodResponses: ['200', '404'],
      },
    },
    '/http': {
      GET: {
        integration: {
          type: 'HTTP', httpMethod: 'GET', uri: 'http://backend/x',
          requestParameters: { 'integration.request.header.x-id': 'method.request.querystring.id' },
          requestTemplates: { 'application/json': '$input.body' },
          timeoutInMillis: 1234,
        },
      },
    },
    '/lambda': { GET: { integration: { type: 'AWS_PROXY', uri: 'arn:aws:apigateway:us-east-1:lambda:path/x' } } },
  },
});

/** The steps a method runs in a stage after routing, request then response phase. */
const stageNames = (resourcePath: string, verb: string) => {
  const compiled = compileDeployment(api, 'd1');
  const stage = compileStage(compiled, { stageName: 'dev', deploymentId: 'd1', variables: {}, methodSettings: {}, tracingEnabled: false });
  const resource = Object.values(api.resources).find((r) => r.path === resourcePath)!;
  const { steps } = stage.methods[compiled.methods.get(resource.id)![verb].index];
  const names = [...steps.request, ...steps.response].map((step) => step.name);
  // Every method that can be served is throttled (stage and account buckets) after routing.
  return names.slice(Math.max(names.indexOf('route'), names.indexOf('throttle')) + 1);
};

describe('compileDeployment', () => {
  it('plans only the stages a method needs', () => {
    expect(stageNames('/proxy/{proxy+}', 'ANY')).toEqual(['integration-request.http-proxy', 'integration', 'integration-response.proxy']);
    expect(stageNames('/mock', 'GET')).toEqual(['integration', 'integration-response', 'method-response']);
    expect(stageNames('/mock', 'POST')).toEqual(['integration-request.template', 'integration', 'integration-response', 'method-response']);
    expect(stageNames('/http', 'GET')).toEqual([
      'integration-request.parameters', 'integration-request.template', 'integration-request.http', 'integration', 'integration-response', 'method-response',
    ]);
    expect(stageNames('/lambda', 'GET')).toEqual(['configuration-error']);
  });

  it('compiles selection patterns, drops invalid ones, keeps the default response apart', () => {
    const compiled = compileDeployment(api, 'd1');
    const mock = [...compiled.methods.values()].find((m) => m.POST)!.POST.integration!;
    expect(mock.patternResponses.map((r) => r.statusCode)).toEqual(['404']);
    expect(mock.defaultResponse?.statusCode).toBe('200');
    expect(mock.methodResponses.has('404')).toBe(true);
  });

  it('routes through the compiled table', () => {
    const compiled = compileDeployment(api, 'd1');
    const params: Record<string, string> = {};
    expect(compiled.router.match('DELETE', '/proxy/a/b', params)?.resourcePath).toBe('/proxy/{proxy+}');
    expect(params).toEqual({ proxy: 'a/b' });
    expect(compiled.router.match('PUT', '/mock', {})).toBeUndefined();
  });

  it('keeps integration settings (timeout) and freezes the result', () => {
    const compiled = compileDeployment(api, 'd1');
    expect(Object.isFrozen(compiled)).toBe(true);
    const http = [...compiled.methods.values()].find((m) => m.GET?.resourcePath === '/http')!.GET;
    expect(http.integration!.timeoutMs).toBe(1234);
    expect(Object.isFrozen(http)).toBe(true);
  });

  it('gives each method of a stage its effective method settings, most specific wins', () => {
    const compiled = compileDeployment(api, 'd1');
    const setting = (throttlingRateLimit: number) => ({ ...DEFAULT_METHOD_SETTING, throttlingRateLimit });
    const stage = compileStage(compiled, {
      stageName: 'dev', deploymentId: 'd1', variables: {}, tracingEnabled: false,
      methodSettings: { '*/*': setting(1), '~1mock/*': setting(2), '~1mock/POST': setting(3), '~1proxy~1{proxy+}/ANY': setting(4) },
    });
    const rate = (resourcePath: string, verb: string) => {
      const resource = Object.values(api.resources).find((r) => r.path === resourcePath)!;
      return stage.methods[compiled.methods.get(resource.id)![verb].index].settings.throttlingRateLimit;
    };
    expect(rate('/mock', 'POST')).toBe(3);
    expect(rate('/mock', 'GET')).toBe(2);
    expect(rate('/proxy/{proxy+}', 'ANY')).toBe(4);
    expect(rate('/http', 'GET')).toBe(1);
    const bare = compileStage(compiled, { stageName: 'b', deploymentId: 'd1', variables: {}, methodSettings: {}, tracingEnabled: false });
    expect(bare.methods.every((method) => method.settings.throttlingRateLimit === DEFAULT_METHOD_SETTING.throttlingRateLimit)).toBe(true);
  });

  it('wraps a stage without recompiling', () => {
    const compiled = compileDeployment(api, 'd1');
    const a = compileStage(compiled, { stageName: 'dev', deploymentId: 'd1', variables: { v: '1' }, methodSettings: {}, tracingEnabled: false });
    const b = compileStage(compiled, { stageName: 'dev', deploymentId: 'd1', variables: { v: '2' }, methodSettings: {}, tracingEnabled: false });
    expect(a.deployment).toBe(b.deployment);
    expect(b.variables).toEqual({ v: '2' });
  });
});

describe('TemplateSet (response template choice)', () => {
  const set = TemplateSet.compile({ 'text/html': '<p>hi</p>', 'application/json': '{"a":1}', 'application/xml': '' })!;
  it('uses the Accept type, then application/json, then the first', () => {
    expect(set.forResponse('text/html')[0]).toBe('text/html');
    expect(set.forResponse('image/png')[0]).toBe('application/json');
    expect(set.forResponse(undefined)[0]).toBe('application/json');
    const noJson = TemplateSet.compile({ 'text/plain': 'x', 'text/html': 'y' })!;
    expect(noJson.forResponse('image/png')[0]).toBe('text/plain');
  });
  it('treats an empty template as passthrough, and no templates as none', () => {
    expect(set.forResponse('application/xml')[1]).toBeNull();
    expect(TemplateSet.compile({})).toBeUndefined();
    expect(TemplateSet.compile(undefined)).toBeUndefined();
  });
  it('never sends a constant template through the VTL engine', () => {
    expect(set.get('text/html')!.constantOutput).toBe('<p>hi</p>');
  });
});
