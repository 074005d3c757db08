import { describe, it, expect } from 'vitest';
import { notEnforced } from '../../../src/control-plane/apigateway/not-enforced.js';

describe('settings stored but not enforced yet', () => {
  it('names each one with its method or stage', () => {
    const lines = notEnforced(
      { policy: '{"Version":"2012-10-17","Statement":[]}', endpointConfiguration: { types: ['PRIVATE'] }, minimumCompressionSize: 1024 },
      [
        { path: '/pets', httpMethod: 'GET', authorizationType: 'COGNITO_USER_POOLS', apiKeyRequired: true },
        { path: '/open', httpMethod: 'POST', authorizationType: 'NONE', apiKeyRequired: false },
      ],
      [{
        stageName: 'prod',
        cacheClusterEnabled: true,
        methodSettings: {
          '*/*': { cachingEnabled: false, throttlingBurstLimit: 5000, throttlingRateLimit: 10000 },
          '~1pets/GET': { cachingEnabled: true, throttlingBurstLimit: 10, throttlingRateLimit: 5 },
        },
        accessLogSettings: { destinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:access' },
      }],
    );
    expect(lines).toEqual([
      'resource policy: not enforced yet (every caller is allowed)',
      'PRIVATE endpoint: not enforced yet (reachable like a regional API)',
      'minimumCompressionSize: not applied yet (responses are not compressed)',
      'GET /pets: authorizationType COGNITO_USER_POOLS not enforced yet (anyone can call it)',
      'GET /pets: apiKeyRequired not enforced yet (calls without a key are served)',
      'stage prod: cache cluster not enforced yet (nothing is cached)',
      'stage prod: caching for ~1pets/GET not enforced yet (nothing is cached)',
      'stage prod: throttling for ~1pets/GET not enforced yet (requests are not limited)',
      'stage prod: access log settings not acted on yet (no access log is written)',
    ]);
  });

  it('names the usage plans on the API\'s stages that limit requests', () => {
    const plans = [
      { id: 'plan01', name: 'gold', apiStages: [{ apiId: 'api1', stage: 'prod' }, { apiId: 'other', stage: 'dev' }], quota: { limit: 10 } },
      { id: 'plan02', apiStages: [{ apiId: 'api1', stage: 'dev', throttle: { '/pets/GET': { rateLimit: 1 } } }] },
      { id: 'plan03', name: 'open', apiStages: [{ apiId: 'api1', stage: 'dev' }] },
    ];
    expect(notEnforced({ id: 'api1' }, [], [], plans)).toEqual([
      'stage prod: usage plan gold (plan01) throttle and quota not enforced yet (requests are not limited)',
      'stage dev: usage plan plan02 throttle and quota not enforced yet (requests are not limited)',
    ]);
  });

  it('says nothing about an API that uses only what Archway enforces', () => {
    expect(notEnforced({ endpointConfiguration: { types: ['REGIONAL'] } }, [{ path: '/', httpMethod: 'GET', authorizationType: 'NONE' }], [{ stageName: 'dev', methodSettings: {} }])).toEqual([]);
  });
});
