// The resolution snapshot: (Host, URL) → the stage to run, or an unknown API / unknown stage,
// from what the snapshot holds alone (it has no store to ask).
import { describe, it, expect } from 'vitest';
import { ResolutionSnapshot } from '../../../src/routing/resolution-snapshot.js';
import { compileDeployment, compileStage } from '../../../src/compiler/compile-deployment.js';
import { buildApi } from '../../helpers/backend.js';
import { compileHttpDeployment, compileHttpStage } from '../../../src/compiler/http-api/compile-http-deployment.js';

const mock = { GET: { integration: { type: 'MOCK' as const, integrationResponses: { '200': { statusCode: '200' } } } } };
const deployment = compileDeployment(buildApi({ id: 'api1', resources: { '/pets': mock } }), 'dep1');
const dev = compileStage(deployment, { stageName: 'dev', deploymentId: 'dep1', variables: {}, methodSettings: {}, tracingEnabled: false });
// api1 has the stage dev; api2 exists but was never deployed.
const snapshot = ResolutionSnapshot.of(['api1', 'api2'], [dev]);

describe('ResolutionSnapshot', () => {
  it('resolves a REST stage from each of the three execute-api URL forms', () => {
    const expected = { kind: 'stage', stage: dev, path: '/pets/1', rawQuery: 'a=1', defaultEndpoint: true };
    expect(snapshot.resolve('/_aws/execute-api/api1/dev/pets/1?a=1', 'localhost:4566')).toEqual(expected);
    expect(snapshot.resolve('/restapis/api1/dev/_user_request_/pets/1?a=1', undefined)).toEqual(expected);
    expect(snapshot.resolve('/dev/pets/1?a=1', 'api1.execute-api.localhost:4566')).toEqual(expected);
    expect(snapshot.resolve('/_aws/execute-api/api1/dev', undefined)).toMatchObject({ kind: 'stage', path: '/' });
  });

  it('answers an unknown API', () => {
    expect(snapshot.resolve('/_aws/execute-api/nope/dev/pets', undefined)).toEqual({ kind: 'unknown-api', apiId: 'nope', stageName: 'dev', path: '/pets', rawQuery: '' });
    expect(snapshot.resolve('/dev/x', 'nope.execute-api.localhost')).toMatchObject({ kind: 'unknown-api', apiId: 'nope' });
  });

  it('answers an unknown stage of a known API, deployed or not, and a URL without a stage', () => {
    expect(snapshot.resolve('/_aws/execute-api/api1/prod/pets', undefined)).toEqual({ kind: 'unknown-stage', apiId: 'api1', stageName: 'prod', path: '/pets', rawQuery: '' });
    expect(snapshot.resolve('/_aws/execute-api/api2/dev/pets?x', undefined)).toEqual({ kind: 'unknown-stage', apiId: 'api2', stageName: 'dev', path: '/pets', rawQuery: 'x' });
    expect(snapshot.resolve('/', 'api1.execute-api.localhost')).toEqual({ kind: 'unknown-stage', apiId: 'api1', stageName: undefined, path: '/', rawQuery: '' });
  });

  it('leaves everything else to the control plane', () => {
    expect(snapshot.resolve('/restapis/api1/stages', 'localhost:4566')).toBeUndefined();
    expect(snapshot.resolve('/_aws/execute-api/', undefined)).toBeUndefined();
    expect(snapshot.resolve('/_archway/health', undefined)).toBeUndefined();
  });

  it('is copied on change: a snapshot already read keeps answering as it did', () => {
    const before = snapshot;
    const after = before.withStage('api1', 'dev', undefined).withoutApi('api2').withApi('api3');
    expect(before.resolve('/_aws/execute-api/api1/dev/pets', undefined)?.kind).toBe('stage');
    expect(after.resolve('/_aws/execute-api/api1/dev/pets', undefined)?.kind).toBe('unknown-stage');
    expect(after.resolve('/_aws/execute-api/api2/dev/pets', undefined)?.kind).toBe('unknown-api');
    expect(after.resolve('/_aws/execute-api/api3/dev/pets', undefined)?.kind).toBe('unknown-stage');
    expect([...after.stages()]).toEqual([]);
  });
});

describe('ResolutionSnapshot: HTTP APIs', () => {
  const http = compileHttpDeployment({
    api: { apiId: 'h1', name: 'h', protocolType: 'HTTP', apiKeySelectionExpression: '', routeSelectionExpression: '', createdDate: '', disableExecuteApiEndpoint: false, ipAddressType: 'ipv4', tags: {} },
    routes: [], integrations: [], authorizers: [],
  }, 'd1');
  const stageOf = (stageName: string) => compileHttpStage(http, { stageName, stageVariables: {}, defaultRouteSettings: {}, routeSettings: {} }, { rate: 1, burst: 1 });
  const $default = stageOf('$default');
  const dev = stageOf('dev');
  const both = ResolutionSnapshot.of([], [$default, dev], ['h1', 'h2']);

  it('a first segment naming a stage picks it; anything else goes to $default with the whole path', () => {
    expect(both.resolve('/_aws/execute-api/h1/dev/pets?x=1', undefined)).toEqual({ kind: 'http-stage', stage: dev, path: '/pets', rawPath: '/dev/pets', rawQuery: 'x=1', defaultEndpoint: true });
    expect(both.resolve('/_aws/execute-api/h1/pets/1', undefined)).toEqual({ kind: 'http-stage', stage: $default, path: '/pets/1', rawPath: '/pets/1', rawQuery: '', defaultEndpoint: true });
    expect(both.resolve('/_aws/execute-api/h1', undefined)).toMatchObject({ kind: 'http-stage', stage: $default, path: '/' });
    expect(both.resolve('/pets', 'h1.execute-api.localhost:4566')).toMatchObject({ kind: 'http-stage', stage: $default, path: '/pets' });
    expect(both.resolve('/restapis/h1/dev/_user_request_/pets', undefined)).toMatchObject({ kind: 'http-stage', stage: dev, path: '/pets' });
  });

  it('an HTTP API without a stage for the URL is Not Found, not REST\'s Forbidden', () => {
    expect(both.resolve('/_aws/execute-api/h2/pets', undefined)).toEqual({ kind: 'http-not-found', apiId: 'h2', stageName: 'pets', path: '/', rawQuery: '' });
    const onlyDev = ResolutionSnapshot.of([], [dev], ['h1']);
    expect(onlyDev.resolve('/_aws/execute-api/h1/pets', undefined)?.kind).toBe('http-not-found');
    expect(onlyDev.resolve('/_aws/execute-api/h1/dev/pets', undefined)?.kind).toBe('http-stage');
  });
});
