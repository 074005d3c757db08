import { describe, it, expect } from 'vitest';
import { notEnforced } from '../../../src/control-plane/apigateway/not-enforced.js';

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
