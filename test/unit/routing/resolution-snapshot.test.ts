// The resolution snapshot: (Host, URL) → the stage to run, or an unknown API / unknown stage,
// from what the snapshot holds alone (it has no store to ask).
import { describe, it, expect } from 'vitest';
import { ResolutionSnapshot } from '../../../src/routing/resolution-snapshot.js';
import { compileDeployment, compileStage } from '../../../src/compiler/compile-deployment.js';
import { buildApi } from '../../helpers/backend.js';

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
