// AWS parity: Deployments and Stages of the apigateway control plane through the real AWS SDK
// v3 client. Expected messages are AWS-recorded or from AWS error reports unless the
// implementation marks them unverified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, CreateStageCommand, DeleteDeploymentCommand,
  DeleteStageCommand, GetDeploymentCommand, GetDeploymentsCommand, GetStageCommand, GetStagesCommand, PutIntegrationCommand,
  PutMethodCommand, UpdateDeploymentCommand, UpdateStageCommand, PutMethodResponseCommand, PutIntegrationResponseCommand,
  DeleteRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { expectError } from '../helpers/aws-errors.js';

let archway: TestArchway;
let client: APIGatewayClient;

beforeAll(async () => {
  archway = await startArchway();
  client = archway.apigateway;
});
afterAll(async () => {
  await archway?.stop();
});

/** An API with GET / → MOCK, deployable. */
async function deployableApi(): Promise<{ id: string; root: string }> {
  const api = await client.send(new CreateRestApiCommand({ name: 'deploy' }));
  await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'MOCK' }));
  return { id: api.id!, root: api.rootResourceId! };
}

describe('Deployments', () => {
  it('creates a deployment and its stage', async () => {
    const { id } = await deployableApi();
    const deployment = await client.send(new CreateDeploymentCommand({
      restApiId: id, stageName: 'dev', stageDescription: 'the dev stage', description: 'first', variables: { backend: 'a.example.com' },
    }));
    expect(deployment.$metadata.httpStatusCode).toBe(201);
    expect(deployment.id).toMatch(/^[a-z0-9]{6}$/);
    expect(deployment.description).toBe('first');
    expect(deployment.createdDate).toBeInstanceOf(Date);
    const stage = await client.send(new GetStageCommand({ restApiId: id, stageName: 'dev' }));
    expect(stage).toMatchObject({
      stageName: 'dev', deploymentId: deployment.id, description: 'the dev stage', variables: { backend: 'a.example.com' },
      cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE', methodSettings: {}, tracingEnabled: false,
    });
    expect(stage.createdDate).toBeInstanceOf(Date);
    expect(stage.lastUpdatedDate).toBeInstanceOf(Date);

    // a second deployment to the same stage repoints it
    const second = await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'dev' }));
    expect((await client.send(new GetStageCommand({ restApiId: id, stageName: 'dev' }))).deploymentId).toBe(second.id);

    const summary = await client.send(new GetDeploymentCommand({ restApiId: id, deploymentId: second.id, embed: ['apisummary'] }));
    expect(summary.apiSummary).toEqual({ '/': { GET: { authorizationType: 'NONE', apiKeyRequired: false } } });
    const list = await client.send(new GetDeploymentsCommand({ restApiId: id }));
    expect(list.items!.map((d) => d.id).sort()).toEqual([deployment.id, second.id].sort());
  });

  it('refuses APIs that cannot be deployed', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'empty' }));
    await expectError(client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' })), 'BadRequestException',
      "The REST API doesn't contain any methods", 400);
    const pets = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'pets' }));
    await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: pets.id, httpMethod: 'GET', authorizationType: 'NONE' }));
    await expectError(client.send(new CreateDeploymentCommand({ restApiId: api.id })), 'BadRequestException', 'No integration defined for method', 400);
    await expectError(client.send(new CreateDeploymentCommand({ restApiId: 'nosuchapi0' })), 'NotFoundException',
      'Invalid API identifier specified 000000000000:nosuchapi0', 404);
    expect((await client.send(new GetStagesCommand({ restApiId: api.id }))).item).toEqual([]);
  });

  it('freezes a snapshot: later edits do not change a deployment', async () => {
    const { id, root } = await deployableApi();
    const first = await client.send(new CreateDeploymentCommand({ restApiId: id }));
    await client.send(new PutMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'POST', authorizationType: 'AWS_IAM' }));
    await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'POST', type: 'MOCK' }));
    const frozen = await client.send(new GetDeploymentCommand({ restApiId: id, deploymentId: first.id, embed: ['apisummary'] }));
    expect(Object.keys(frozen.apiSummary!['/'])).toEqual(['GET']);
  });

  it('updates and deletes deployments', async () => {
    const { id } = await deployableApi();
    const active = await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'dev' }));
    const spare = await client.send(new CreateDeploymentCommand({ restApiId: id, description: 'spare' }));
    const updated = await client.send(new UpdateDeploymentCommand({ restApiId: id, deploymentId: spare.id, patchOperations: [{ op: 'replace', path: '/description', value: 'renamed' }] }));
    expect(updated.description).toBe('renamed');
    await expectError(client.send(new UpdateDeploymentCommand({ restApiId: id, deploymentId: spare.id, patchOperations: [{ op: 'replace', path: '/id', value: 'x' }] })),
      'BadRequestException', "Invalid patch path  '/id' specified for op 'replace'. Must be one of: [/description]", 400);
    await expectError(client.send(new DeleteDeploymentCommand({ restApiId: id, deploymentId: active.id })), 'BadRequestException',
      'Active stages pointing to this deployment must be moved or deleted', 400);
    expect((await client.send(new DeleteDeploymentCommand({ restApiId: id, deploymentId: spare.id }))).$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetDeploymentCommand({ restApiId: id, deploymentId: spare.id })), 'NotFoundException',
      'Invalid Deployment identifier specified', 404);
    await expectError(client.send(new DeleteDeploymentCommand({ restApiId: id, deploymentId: spare.id })), 'NotFoundException',
      'Invalid Deployment identifier specified', 404);
  });
});

describe('Stages', () => {
  it('creates, lists, filters and deletes stages', async () => {
    const { id } = await deployableApi();
    const d1 = await client.send(new CreateDeploymentCommand({ restApiId: id }));
    const d2 = await client.send(new CreateDeploymentCommand({ restApiId: id }));
    const created = await client.send(new CreateStageCommand({ restApiId: id, stageName: 'stage1', deploymentId: d1.id, description: 'one', variables: { a: 'b' }, tags: { t: '1' } }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({ stageName: 'stage1', deploymentId: d1.id, description: 'one', variables: { a: 'b' }, tags: { t: '1' }, cacheClusterStatus: 'NOT_AVAILABLE' });
    await client.send(new CreateStageCommand({ restApiId: id, stageName: 'stage2', deploymentId: d2.id }));
    const all = await client.send(new GetStagesCommand({ restApiId: id }));
    expect(all.item!.map((s) => s.stageName)).toEqual(['stage1', 'stage2']);
    const filtered = await client.send(new GetStagesCommand({ restApiId: id, deploymentId: d2.id }));
    expect(filtered.item!.map((s) => s.stageName)).toEqual(['stage2']);

    await expectError(client.send(new CreateStageCommand({ restApiId: id, stageName: 'stage1', deploymentId: d1.id })), 'ConflictException', 'Stage already exists', 409);
    await expectError(client.send(new CreateStageCommand({ restApiId: id, stageName: 'stage3', deploymentId: 'nosuch' })), 'BadRequestException', 'Deployment id does not exist', 400);
    await expectError(client.send(new CreateStageCommand({ restApiId: id, stageName: 'bad name', deploymentId: d1.id })), 'BadRequestException', /^Stage name only allows/, 400);
    await expectError(client.send(new CreateStageCommand({ restApiId: id, stageName: 'vars', deploymentId: d1.id, variables: { 'bad-name': 'x' } })),
      'BadRequestException', /^Stage variable names/, 400);
    await expectError(client.send(new CreateStageCommand({ restApiId: 'nosuchapi0', stageName: 'x', deploymentId: d1.id })), 'NotFoundException',
      'Invalid API identifier specified 000000000000:nosuchapi0', 404);
    await expectError(client.send(new CreateStageCommand({ restApiId: id, stageName: 'x' } as never)), 'ValidationException',
      "1 validation error detected: Value null at 'createStageInput.deploymentId' failed to satisfy constraint: Member must not be null", 400);

    expect((await client.send(new DeleteStageCommand({ restApiId: id, stageName: 'stage2' }))).$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetStageCommand({ restApiId: id, stageName: 'stage2' })), 'NotFoundException', 'Invalid Stage identifier specified', 404);
    await expectError(client.send(new DeleteStageCommand({ restApiId: id, stageName: 'stage2' })), 'NotFoundException', 'Invalid Stage identifier specified', 404);
  });

  it('refuses the stage after the per-API limit', async () => {
    const { id } = await deployableApi();
    const deployment = await client.send(new CreateDeploymentCommand({ restApiId: id }));
    for (let i = 0; i < 10; i++) await client.send(new CreateStageCommand({ restApiId: id, stageName: `s${i}`, deploymentId: deployment.id }));
    await expectError(client.send(new CreateStageCommand({ restApiId: id, stageName: 's10', deploymentId: deployment.id })), 'LimitExceededException', /stages/, 429);
    await expectError(client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 's10' })), 'LimitExceededException', /stages/, 429);
    // repointing an existing stage is not a new stage
    await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 's9' }));
  });

  it('updates a stage with patch operations', async () => {
    const { id } = await deployableApi();
    const d1 = await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'prod', variables: { keep: '1', drop: '2' } }));
    const d2 = await client.send(new CreateDeploymentCommand({ restApiId: id }));
    const update = (patchOperations: unknown[]) => client.send(new UpdateStageCommand({ restApiId: id, stageName: 'prod', patchOperations } as never));
    const before = await client.send(new GetStageCommand({ restApiId: id, stageName: 'prod' }));
    const updated = await update([
      { op: 'replace', path: '/description', value: 'production' },
      { op: 'replace', path: '/deploymentId', value: d2.id },
      { op: 'replace', path: '/variables/added', value: 'x' },
      { op: 'remove', path: '/variables/drop' },
      { op: 'replace', path: '/tracingEnabled', value: 'true' },
      { op: 'replace', path: '/cacheClusterEnabled', value: 'true' },
      { op: 'replace', path: '/*/*/throttling/rateLimit', value: '100' },
      { op: 'replace', path: '/*/*/logging/loglevel', value: 'INFO' },
      { op: 'replace', path: '/~1pets/GET/caching/enabled', value: 'true' },
      { op: 'replace', path: '/accessLogSettings/destinationArn', value: 'arn:aws:logs:us-east-1:000000000000:log-group:access' },
      { op: 'replace', path: '/accessLogSettings/format', value: '$context.requestId' },
    ]);
    expect(updated.$metadata.httpStatusCode).toBe(200);
    expect(updated).toMatchObject({
      description: 'production', deploymentId: d2.id, variables: { keep: '1', added: 'x' }, tracingEnabled: true,
      cacheClusterEnabled: true, cacheClusterSize: '0.5',
      accessLogSettings: { destinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:access', format: '$context.requestId' },
    });
    expect(updated.methodSettings!['*/*']).toEqual({
      metricsEnabled: false, loggingLevel: 'INFO', dataTraceEnabled: false, throttlingBurstLimit: 5000, throttlingRateLimit: 100,
      cachingEnabled: false, cacheTtlInSeconds: 300, cacheDataEncrypted: false, requireAuthorizationForCacheControl: true,
      unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
    });
    expect(updated.methodSettings!['~1pets/GET'].cachingEnabled).toBe(true);
    expect(updated.lastUpdatedDate!.getTime()).toBeGreaterThanOrEqual(before.lastUpdatedDate!.getTime());
    expect(d1.id).not.toBe(d2.id);

    const removed = await update([{ op: 'remove', path: '/~1pets/GET' }, { op: 'remove', path: '/accessLogSettings' }]);
    expect(removed.methodSettings!['~1pets/GET']).toBeUndefined();
    expect(removed.accessLogSettings).toBeUndefined();

    await expectError(update([{ op: 'remove', path: '/~1pets/GET' }]), 'BadRequestException',
      'Cannot remove method setting ~1pets/GET because there is no method setting for this method ', 400);
    await expectError(update([{ op: 'replace', path: '/deploymentId', value: 'nosuch' }]), 'BadRequestException', 'Deployment id does not exist', 400);
    await expectError(update([{ op: 'replace', path: '/variables/bad-name', value: 'x' }]), 'BadRequestException', /^Stage variable names/, 400);
    await expectError(update([{ op: 'replace', path: '/*/*/logging/loglevel', value: 'LOUD' }]), 'BadRequestException', /logging\/loglevel/, 400);
    await expectError(update([{ op: 'replace', path: '/nope', value: 'x' }]), 'BadRequestException', 'Invalid patch path /nope', 400);
    await expectError(update([{ op: 'add', path: '/description', value: 'x' }]), 'BadRequestException', 'Invalid patch operation specified. Must be one of: [replace]', 400);
    await expectError(client.send(new UpdateStageCommand({ restApiId: id, stageName: 'nope', patchOperations: [] })), 'NotFoundException', 'Invalid Stage identifier specified', 404);
  });
});

describe('What a stage serves (deployment events reach the data plane)', () => {
  /** Polls the invoke URL until `accept` holds (the data plane may swap asynchronously). */
  async function invoke(url: string, accept: (status: number, body: string) => boolean): Promise<{ status: number; body: string }> {
    let last = { status: 0, body: '' };
    for (let i = 0; i < 40; i++) {
      const response = await fetch(url);
      last = { status: response.status, body: await response.text() };
      if (accept(last.status, last.body)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    return last;
  }

  it('serves, repoints and stops serving as stages change', async () => {
    const { id, root } = await deployableApi();
    const respond = (text: string) => client.send(new PutIntegrationResponseCommand({
      restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': text },
    }));
    await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await client.send(new PutMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' }));
    await respond('{"v": 1}');
    await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'live' }));
    const url = archway.invokeUrl(id, 'live', '/');
    expect(await invoke(url, (status) => status === 200)).toEqual({ status: 200, body: '{"v": 1}' });

    await respond('{"v": 2}');
    const second = await client.send(new CreateDeploymentCommand({ restApiId: id }));
    expect((await invoke(url, () => true)).body).toBe('{"v": 1}'); // not deployed to the stage yet
    await client.send(new UpdateStageCommand({ restApiId: id, stageName: 'live', patchOperations: [{ op: 'replace', path: '/deploymentId', value: second.id }] }));
    expect((await invoke(url, (_, body) => body === '{"v": 2}')).body).toBe('{"v": 2}');

    await client.send(new DeleteStageCommand({ restApiId: id, stageName: 'live' }));
    expect((await invoke(url, (status) => status !== 200)).status).not.toBe(200);

    await client.send(new CreateStageCommand({ restApiId: id, stageName: 'again', deploymentId: second.id }));
    const again = archway.invokeUrl(id, 'again', '/');
    expect((await invoke(again, (status) => status === 200)).status).toBe(200);
    await client.send(new DeleteRestApiCommand({ restApiId: id }));
    expect((await invoke(again, (status) => status !== 200)).status).not.toBe(200);
  });
});
