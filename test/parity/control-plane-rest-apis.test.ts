// AWS parity: RestApi operations, tags and SigV4 failures of the apigateway control plane,
// through the real AWS SDK v3 client over loopback. Expected values are AWS-recorded unless
// the implementation marks them unverified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient, CreateRestApiCommand, DeleteRestApiCommand, GetResourcesCommand, GetRestApiCommand, GetRestApisCommand,
  GetTagsCommand, TagResourceCommand, UntagResourceCommand, UpdateRestApiCommand, CreateDeploymentCommand, PutMethodCommand,
  PutIntegrationCommand, GetStageCommand, GetModelsCommand,
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

const createApi = (input: Record<string, unknown> = {}) =>
  client.send(new CreateRestApiCommand({ name: 'api', ...input } as never));

describe('CreateRestApi', () => {
  it('creates an API with AWS defaults and a root resource', async () => {
    const api = await createApi({ name: 'pets', description: 'my api' });
    expect(api.$metadata.httpStatusCode).toBe(201);
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
    expect(api.rootResourceId).toMatch(/^[a-z0-9]{10}$/);
    expect(api.name).toBe('pets');
    expect(api.description).toBe('my api');
    expect(api.apiKeySource).toBe('HEADER');
    expect(api.endpointConfiguration).toEqual({ types: ['EDGE'], ipAddressType: 'ipv4' });
    expect(api.disableExecuteApiEndpoint).toBe(false);
    expect(api.createdDate).toBeInstanceOf(Date);
    expect(Math.abs(api.createdDate!.getTime() - Date.now())).toBeLessThan(5000);
    expect(api.binaryMediaTypes).toBeUndefined();

    const resources = await client.send(new GetResourcesCommand({ restApiId: api.id }));
    expect(resources.items).toEqual([{ id: api.rootResourceId, path: '/' }]);
    const models = await client.send(new GetModelsCommand({ restApiId: api.id }));
    expect(models.items?.map((m) => m.name)).toEqual(['Empty', 'Error']);
  });

  it('keeps optional fields', async () => {
    const written = JSON.stringify({ Version: '2012-10-17', Statement: [] }, null, 2);
    // Kept as AWS answers it: minified, then escaped as inside a JSON string.
    const policy = '{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}';
    const api = await createApi({
      version: 'v1', binaryMediaTypes: ['image/png'], minimumCompressionSize: 0, apiKeySource: 'AUTHORIZER',
      endpointConfiguration: { types: ['REGIONAL'] }, policy: written, tags: { team: 'a' }, disableExecuteApiEndpoint: true,
    });
    expect(api).toMatchObject({
      version: 'v1', binaryMediaTypes: ['image/png'], minimumCompressionSize: 0, apiKeySource: 'AUTHORIZER',
      endpointConfiguration: { types: ['REGIONAL'], ipAddressType: 'ipv4' }, policy, tags: { team: 'a' }, disableExecuteApiEndpoint: true,
    });
    const got = await client.send(new GetRestApiCommand({ restApiId: api.id }));
    expect(got).toMatchObject({ id: api.id, version: 'v1', tags: { team: 'a' }, policy });
  });

  it('defaults PRIVATE APIs to dualstack and refuses ipv4 for them', async () => {
    const api = await createApi({ endpointConfiguration: { types: ['PRIVATE'] } });
    expect(api.endpointConfiguration).toEqual({ types: ['PRIVATE'], ipAddressType: 'dualstack' });
    await expectError(createApi({ endpointConfiguration: { types: ['PRIVATE'], ipAddressType: 'ipv4' } }),
      'BadRequestException', 'Only dualstack ipAddressType is supported for Private APIs.', 400);
  });

  it('sets the id from the _custom_id_ tag and refuses a taken one', async () => {
    const api = await createApi({ tags: { _custom_id_: 'myfixedid1' } });
    expect(api.id).toBe('myfixedid1');
    await expectError(createApi({ tags: { _custom_id_: 'myfixedid1' } }), 'ConflictException', /myfixedid1/, 409);
  });

  it('validates its input with AWS messages', async () => {
    await expectError(createApi({ endpointConfiguration: { types: ['EDGE', 'REGIONAL'] } }),
      'BadRequestException', 'Cannot create an api with multiple Endpoint Types.', 400);
    await expectError(createApi({ endpointConfiguration: { types: [] } }),
      'BadRequestException', 'REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.', 400);
    await expectError(createApi({ endpointConfiguration: { types: ['wrong'] } }), 'ValidationException',
      "1 validation error detected: Value '[wrong]' at 'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, REGIONAL]]", 400);
    await expectError(createApi({ endpointConfiguration: { types: ['wrong'], ipAddressType: 'wrong' } }), 'ValidationException',
      /^2 validation errors detected: .*; Value 'wrong' at 'createRestApiInput.endpointConfiguration.ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: \[ipv4, dualstack\]$/, 400);
    await expectError(createApi({ description: '' }), 'BadRequestException', 'Description cannot be an empty string', 400);
    await expectError(createApi({ minimumCompressionSize: -1 }), 'BadRequestException',
      'Invalid minimum compression size, must be between 0 and 10485760', 400);
    await expectError(createApi({ minimumCompressionSize: 10485761 }), 'BadRequestException',
      'Invalid minimum compression size, must be between 0 and 10485760', 400);
    await expectError(client.send(new CreateRestApiCommand({} as never)), 'ValidationException',
      "1 validation error detected: Value null at 'createRestApiInput.name' failed to satisfy constraint: Member must not be null", 400);
    await expectError(createApi({ policy: '{not json' }), 'BadRequestException', /Invalid policy document/, 400);
    // Valid JSON that is not a policy: a statement without Effect, one with both Resource and NotResource.
    for (const statement of [{ Action: 'execute-api:Invoke', Resource: '*' }, { Effect: 'Allow', Action: '*', Resource: '*', NotResource: '*' }]) {
      await expectError(createApi({ policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) }), 'BadRequestException', /Invalid policy document/, 400);
    }
    const withCondition = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { NumericLessThan: { 'aws:EpochTime': '4102444800' } } }],
    });
    // Shorthand resources come back expanded to the API's ARN, slashes escaped (as AWS answers).
    const created = await createApi({ policy: withCondition });
    expect(created.policy).toContain(`\\"Resource\\":\\"arn:aws:execute-api:us-east-1:000000000000:${created.id}\\/*\\"`);
    expect(JSON.parse(JSON.parse(`"${created.policy}"`))).toEqual(JSON.parse(withCondition.replace('execute-api:/*', `arn:aws:execute-api:us-east-1:000000000000:${created.id}/*`)));
  });
});

describe('GetRestApi(s)', () => {
  it('answers an unknown id with the account-qualified message', async () => {
    await expectError(client.send(new GetRestApiCommand({ restApiId: 'nosuchapi0' })), 'NotFoundException',
      'Invalid API identifier specified 000000000000:nosuchapi0', 404);
  });

  it('lists with item/position paging', async () => {
    for (let i = 0; i < 3; i++) await createApi({ name: `paged-${i}` });
    const all = await client.send(new GetRestApisCommand({ limit: 500 }));
    expect(all.items!.length).toBeGreaterThanOrEqual(3);
    expect(all.position).toBeUndefined();
    const first = await client.send(new GetRestApisCommand({ limit: 2 }));
    expect(first.items).toHaveLength(2);
    expect(first.position).toBeTruthy();
    const second = await client.send(new GetRestApisCommand({ limit: 2, position: first.position }));
    expect(second.items![0].id).toBe(all.items![2].id);
    const ids = new Set<string>();
    let position: string | undefined;
    do {
      const page = await client.send(new GetRestApisCommand({ limit: 1, position }));
      for (const item of page.items ?? []) ids.add(item.id!);
      position = page.position;
    } while (position);
    expect(ids.size).toBe(all.items!.length);
  });
});

describe('UpdateRestApi', () => {
  const update = (restApiId: string, patchOperations: unknown[]) =>
    client.send(new UpdateRestApiCommand({ restApiId, patchOperations } as never));

  it('replaces scalar fields', async () => {
    const api = await createApi({ description: 'before' });
    const updated = await update(api.id!, [
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'replace', path: '/description', value: 'after' },
      { op: 'replace', path: '/apiKeySource', value: 'AUTHORIZER' },
      { op: 'replace', path: '/minimumCompressionSize', value: '10' },
      { op: 'replace', path: '/disableExecuteApiEndpoint', value: 'true' },
      { op: 'replace', path: '/endpointConfiguration/types/0', value: 'REGIONAL' },
    ]);
    expect(updated.$metadata.httpStatusCode).toBe(200);
    expect(updated).toMatchObject({
      name: 'renamed', description: 'after', apiKeySource: 'AUTHORIZER', minimumCompressionSize: 10, disableExecuteApiEndpoint: true,
      endpointConfiguration: { types: ['REGIONAL'] },
    });
    const disabled = await update(api.id!, [{ op: 'replace', path: '/minimumCompressionSize', value: '' }]);
    expect(disabled.minimumCompressionSize).toBeUndefined();
    expect((await client.send(new GetRestApiCommand({ restApiId: api.id }))).name).toBe('renamed');
  });

  it('adds, replaces and removes binary media types with ~1 escaping', async () => {
    const api = await createApi();
    const added = await update(api.id!, [
      { op: 'add', path: '/binaryMediaTypes/image~1png' },
      { op: 'add', path: '/binaryMediaTypes/image~1jpeg' },
    ]);
    expect(added.binaryMediaTypes).toEqual(['image/png', 'image/jpeg']);
    const replaced = await update(api.id!, [{ op: 'replace', path: '/binaryMediaTypes/image~1png', value: 'image/gif' }]);
    expect(replaced.binaryMediaTypes).toEqual(['image/jpeg', 'image/gif']);
    const removed = await update(api.id!, [{ op: 'remove', path: '/binaryMediaTypes/image~1gif' }]);
    expect(removed.binaryMediaTypes).toEqual(['image/jpeg']);
    await expectError(update(api.id!, [{ op: 'add', path: '/binaryMediaTypes', value: 'image/png' }]),
      'BadRequestException', 'Invalid patch path /binaryMediaTypes', 400);
  });

  it('refuses bad operations with AWS messages', async () => {
    const api = await createApi();
    await expectError(update(api.id!, [{ op: 'add', path: '/minimumCompressionSize', value: '10' }]),
      'BadRequestException', 'Invalid patch operation specified. Must be one of: [replace]', 400);
    await expectError(update(api.id!, [{ op: 'replace', path: '/minimumCompressionSize', value: '-1' }]),
      'BadRequestException', 'Invalid minimum compression size, must be between 0 and 10485760', 400);
    await expectError(update(api.id!, [{ op: 'replace', path: '/endpointConfiguration/types/0', value: 'WRONG' }]),
      'BadRequestException', 'Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE', 400);
    await expectError(update(api.id!, [{ op: 'replace', path: '/endpointConfiguration/ipAddressType', value: 'wrong' }]),
      'BadRequestException', 'ipAddressType must be either ipv4 or dualstack.', 400);
    await expectError(update(api.id!, [{ op: 'replace', path: '/endpointConfiguration/types/0', value: 'PRIVATE' }]),
      'BadRequestException', 'Only dualstack ipAddressType is supported for Private APIs.', 400);
    await expectError(update(api.id!, [{ op: 'replace', path: '/nope', value: 'x' }]), 'BadRequestException', 'Invalid patch path /nope', 400);
    await expectError(update(api.id!, [{ op: 'wrong', path: '/name', value: 'x' }, { op: 'wrong', path: '/name', value: 'x' }]), 'ValidationException',
      "2 validation errors detected: Value 'wrong' at 'updateRestApiInput.patchOperations.1.member.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]; Value 'wrong' at 'updateRestApiInput.patchOperations.2.member.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]", 400);
    // a failed patch writes nothing
    await expectError(update(api.id!, [{ op: 'replace', path: '/name', value: 'half' }, { op: 'replace', path: '/nope' }]),
      'BadRequestException', 'Invalid patch path /nope', 400);
    expect((await client.send(new GetRestApiCommand({ restApiId: api.id }))).name).toBe('api');
    await expectError(update('nosuchapi0', [{ op: 'replace', path: '/name', value: 'x' }]), 'NotFoundException',
      'Invalid API identifier specified 000000000000:nosuchapi0', 404);
  });
});

describe('DeleteRestApi', () => {
  it('deletes the API with its deployments and stages', async () => {
    const api = await createApi();
    await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await client.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'MOCK' }));
    await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
    const deleted = await client.send(new DeleteRestApiCommand({ restApiId: api.id }));
    expect(deleted.$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetRestApiCommand({ restApiId: api.id })), 'NotFoundException',
      `Invalid API identifier specified 000000000000:${api.id}`, 404);
    await expectError(client.send(new GetStageCommand({ restApiId: api.id, stageName: 'dev' })), 'NotFoundException',
      'Invalid Stage identifier specified', 404);
    await expectError(client.send(new DeleteRestApiCommand({ restApiId: api.id })), 'NotFoundException',
      `Invalid API identifier specified 000000000000:${api.id}`, 404);
  });
});

describe('Tags', () => {
  it('tags, lists and untags REST APIs and stages by ARN', async () => {
    const api = await createApi({ tags: { a: '1' } });
    const apiArn = `arn:aws:apigateway:us-east-1::/restapis/${api.id}`;
    const tagged = await client.send(new TagResourceCommand({ resourceArn: apiArn, tags: { b: '2', c: '3' } }));
    expect(tagged.$metadata.httpStatusCode).toBe(204);
    expect((await client.send(new GetTagsCommand({ resourceArn: apiArn }))).tags).toEqual({ a: '1', b: '2', c: '3' });
    const untagged = await client.send(new UntagResourceCommand({ resourceArn: apiArn, tagKeys: ['a', 'c'] }));
    expect(untagged.$metadata.httpStatusCode).toBe(204);
    expect((await client.send(new GetTagsCommand({ resourceArn: apiArn }))).tags).toEqual({ b: '2' });
    expect((await client.send(new GetRestApiCommand({ restApiId: api.id }))).tags).toEqual({ b: '2' });

    await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await client.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'MOCK' }));
    await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'prod' }));
    const stageArn = `${apiArn}/stages/prod`;
    await client.send(new TagResourceCommand({ resourceArn: stageArn, tags: { env: 'prod' } }));
    expect((await client.send(new GetTagsCommand({ resourceArn: stageArn }))).tags).toEqual({ env: 'prod' });
    expect((await client.send(new GetStageCommand({ restApiId: api.id, stageName: 'prod' }))).tags).toEqual({ env: 'prod' });

    await expectError(client.send(new GetTagsCommand({ resourceArn: `${apiArn}/stages/nope` })), 'NotFoundException', 'Invalid Stage identifier specified', 404);
    await expectError(client.send(new GetTagsCommand({ resourceArn: 'arn:aws:apigateway:us-east-1::/restapis/nosuchapi0' })),
      'NotFoundException', 'Invalid API identifier specified 000000000000:nosuchapi0', 404);
    await expectError(client.send(new GetTagsCommand({ resourceArn: 'not-an-arn' })), 'BadRequestException', /Invalid ARN/, 400);
  });
});

describe('SigV4 at the control plane', () => {
  const clientWith = (accessKeyId: string, secretAccessKey: string, extra: Record<string, unknown> = {}) =>
    new APIGatewayClient({ endpoint: archway.endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, ...extra });

  it('refuses a wrong secret', async () => {
    const bad = clientWith('test', 'wrong');
    await expectError(bad.send(new GetRestApisCommand({})), 'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', 403);
    bad.destroy();
  });

  it('refuses an unknown access key', async () => {
    const bad = clientWith('nobody', 'test');
    await expectError(bad.send(new GetRestApisCommand({})), 'UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
    bad.destroy();
  });

  it('refuses an unsigned request', async () => {
    const response = await fetch(`${archway.endpoint}/restapis`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('refuses a signature from a skewed clock', async () => {
    const skewed = clientWith('test', 'test', { systemClockOffset: -10 * 60 * 1000 });
    await expectError(skewed.send(new GetRestApisCommand({})), 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than/, 403);
    skewed.destroy();
  });
});
