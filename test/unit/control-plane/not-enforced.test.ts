import { describe, it, expect } from 'vitest';
import { notEnforced } from '../../../src/control-plane/apigateway/not-enforced.js';
import { notEnforcedHttp } from '../../../src/control-plane/apigatewayv2/not-enforced.js';

describe('settings stored but not enforced yet', () => {
  it('names each one with its stage', () => {
    const lines = notEnforced(
      { endpointConfiguration: { types: ['PRIVATE'] }, minimumCompressionSize: 1024 },
      [{
        stageName: 'prod',
        cacheClusterEnabled: true,
        methodSettings: {
          '*/*': { cachingEnabled: false },
          '~1pets/GET': { cachingEnabled: true },
        },
        accessLogSettings: { destinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:access' },
      }],
    );
    expect(lines).toEqual([
      'PRIVATE endpoint: not enforced yet (reachable like a regional API)',
      'minimumCompressionSize: not applied yet (responses are not compressed)',
      'stage prod: cache cluster not enforced yet (nothing is cached)',
      'stage prod: caching for ~1pets/GET not enforced yet (nothing is cached)',
      'stage prod: access log settings not acted on yet (no access log is written)',
    ]);
  });

  it('says nothing about an API that uses only what Archway enforces', () => {
    expect(notEnforced(
      { endpointConfiguration: { types: ['REGIONAL'] } },
      [{ stageName: 'dev', methodSettings: {} }],
    )).toEqual([]);
  });
});

describe('HTTP API settings stored but not enforced yet', () => {
  const api = { apiId: 'a', name: 'n', protocolType: 'HTTP' as const, apiKeySelectionExpression: '', routeSelectionExpression: '', createdDate: '', disableExecuteApiEndpoint: false, ipAddressType: 'ipv4' as const, tags: {} };
  const stage = { stageName: '$default', autoDeploy: true, stageVariables: {}, defaultRouteSettings: { detailedMetricsEnabled: false }, routeSettings: {}, createdDate: '', lastUpdatedDate: '', tags: {} };

  it('names access logs, logging and metrics settings, role ARNs and TLS names', () => {
    const lines = notEnforcedHttp(
      {
        api,
        routes: [],
        integrations: [{ integrationId: 'i1', integrationType: 'HTTP_PROXY', connectionType: 'INTERNET', payloadFormatVersion: '1.0', timeoutInMillis: 30000, credentialsArn: 'arn:aws:iam::000000000000:role/r', tlsConfig: { serverNameToVerify: 'x.test' } }],
        authorizers: [{ authorizerId: 'a1', name: 'a', authorizerType: 'REQUEST', authorizerCredentialsArn: 'arn:aws:iam::000000000000:role/r' }],
      },
      [{ ...stage, accessLogSettings: { destinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:g', format: '$context.requestId' }, routeSettings: { 'GET /x': { loggingLevel: 'INFO', throttlingRateLimit: 1 } } }],
    );
    expect(lines).toEqual([
      'integration i1: credentialsArn not used yet (Archway calls without assuming the role)',
      'integration i1: tlsConfig.serverNameToVerify not acted on yet (the URL\'s host name is verified)',
      'authorizer a1: authorizerCredentialsArn not used yet (Archway calls without assuming the role)',
      'stage $default: access log settings not acted on yet (no access log is written)',
      'stage $default routeSettings GET /x: loggingLevel INFO not acted on yet (the request log is Archway\'s own)',
    ]);
  });

  it('says nothing about throttling and AWS\'s defaults', () => {
    expect(notEnforcedHttp({ api, routes: [], integrations: [], authorizers: [] }, [{ ...stage, defaultRouteSettings: { detailedMetricsEnabled: false, throttlingBurstLimit: 5 } }])).toEqual([]);
  });
});
