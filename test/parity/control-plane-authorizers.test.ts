// AWS parity: the Authorizers operations of the apigateway control plane through the real AWS SDK
// v3 client. Expected values are AWS-recorded unless the implementation marks them unverified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient, CreateAuthorizerCommand, CreateDeploymentCommand, CreateRestApiCommand, DeleteAuthorizerCommand,
  DeleteMethodCommand, GetAuthorizerCommand, GetExportCommand, GetAuthorizersCommand, GetMethodCommand, ImportRestApiCommand, PutIntegrationCommand, PutMethodCommand,
  UpdateAuthorizerCommand, UpdateMethodCommand, type CreateAuthorizerCommandInput, type PatchOperation,
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

const LAMBDA_URI = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:myApiAuthorizer/invocations';
const POOL = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_ABC123';
const POOL2 = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_DEF456';

async function newApi(): Promise<{ id: string; root: string }> {
  const api = await client.send(new CreateRestApiCommand({ name: 'authorizers' }));
  return { id: api.id!, root: api.rootResourceId! };
}

type Input = Omit<CreateAuthorizerCommandInput, 'restApiId'>;
const token = (name = 'token'): Input => ({ name, type: 'TOKEN', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Authorization' });
const create = (restApiId: string, input: Input) => client.send(new CreateAuthorizerCommand({ restApiId, ...input }));
/** The authorizer as the wire carried it, without the SDK's metadata. */
const fields = <T extends { $metadata: unknown }>({ $metadata: _metadata, ...rest }: T) => rest;

describe('CreateAuthorizer / GetAuthorizer', () => {
  it('creates each type with the fields AWS returns (TTL 300 by default for Lambda authorizers)', async () => {
    const { id } = await newApi();
    const created = await create(id, token());
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.id).toMatch(/^[a-z0-9]{6}$/);
    expect(fields(created)).toEqual({ ...token(), id: created.id, authorizerResultTtlInSeconds: 300 });
    expect(fields(await client.send(new GetAuthorizerCommand({ restApiId: id, authorizerId: created.id })))).toEqual(fields(created));

    const request = await create(id, {
      name: 'request', type: 'REQUEST', authorizerUri: LAMBDA_URI, authorizerCredentials: 'arn:aws:iam::123456789012:role/invoke',
      identitySource: 'method.request.header.X-User, method.request.querystring.tenant,stageVariables.realm,context.sourceIp', authorizerResultTtlInSeconds: 0,
    });
    expect(request).toMatchObject({ authorizerResultTtlInSeconds: 0, authorizerCredentials: 'arn:aws:iam::123456789012:role/invoke' });
    const uncached = await create(id, { name: 'uncached', type: 'REQUEST', authorizerUri: LAMBDA_URI, authorizerResultTtlInSeconds: 0 });
    expect(uncached.identitySource).toBeUndefined();

    const cognito = await create(id, { name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: [POOL], identitySource: 'method.request.header.Authorization' });
    expect(fields(cognito)).toEqual({ id: cognito.id, name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: [POOL], identitySource: 'method.request.header.Authorization' });
  });

  it('validates with AWS messages', async () => {
    const { id } = await newApi();
    await expectError(create('abcde00000', token()), 'ConflictException', 'Unable to complete operation due to concurrent modification. Please try again later.', 409);
    await expectError(create(id, { name: 'x', type: 'JWT' as never }), 'ValidationException',
      "1 validation error detected: Value 'JWT' at 'createAuthorizerInput.type' failed to satisfy constraint: Member must satisfy enum value set: [TOKEN, REQUEST, COGNITO_USER_POOLS]", 400);
    await expectError(create(id, { ...token(), authorizerUri: undefined }), 'BadRequestException', 'Authorizer URI must be specified for TOKEN and REQUEST authorizers.', 400);
    await expectError(create(id, { name: 'p', type: 'COGNITO_USER_POOLS' }), 'BadRequestException', 'ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers.', 400);
    await expectError(create(id, { ...token(), identitySource: undefined }), 'BadRequestException', 'Identity source must be specified for TOKEN authorizers.', 400);
    await expectError(create(id, { ...token(), identitySource: 'method.request.querystring.t' }), 'BadRequestException',
      'Invalid identity source specified: method.request.querystring.t', 400);
    await expectError(create(id, { name: 'r', type: 'REQUEST', authorizerUri: LAMBDA_URI }), 'BadRequestException',
      'Identity source must be specified for REQUEST authorizers with caching enabled.', 400);
    await expectError(create(id, { name: 'r', type: 'REQUEST', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.A,body.x' }),
      'BadRequestException', 'Invalid identity source specified: body.x', 400);
    await expectError(create(id, { ...token(), authorizerResultTtlInSeconds: 3601 }), 'BadRequestException', 'Invalid authorizer TTL, must be between 0 and 3600', 400);
    await create(id, token('taken'));
    await expectError(create(id, token('taken')), 'BadRequestException', 'Authorizer name must be unique. Authorizer taken already exists in this RestApi.', 400);
    await expectError(client.send(new GetAuthorizerCommand({ restApiId: id, authorizerId: 'nope00' })), 'NotFoundException', 'Invalid Authorizer identifier specified', 404);
  });
});

describe('GetAuthorizers', () => {
  it('lists with item/position paging', async () => {
    const { id } = await newApi();
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    for (const name of names) await create(id, token(name));
    const first = await client.send(new GetAuthorizersCommand({ restApiId: id, limit: 2 }));
    expect(first.items).toHaveLength(2);
    expect(first.position).toBeDefined();
    const seen = [...first.items!];
    let position = first.position;
    while (position) {
      const page = await client.send(new GetAuthorizersCommand({ restApiId: id, limit: 2, position }));
      seen.push(...page.items!);
      position = page.position;
    }
    expect(seen.map((a) => a.name).sort()).toEqual(names);
    const empty = await client.send(new GetAuthorizersCommand({ restApiId: (await newApi()).id }));
    expect(empty.items).toEqual([]);
    await expectError(client.send(new GetAuthorizersCommand({ restApiId: 'test-fake-rest-id' })), 'NotFoundException',
      'Invalid API identifier specified 000000000000:test-fake-rest-id', 404);
  });

  it('includes authorizers imported from x-amazon-apigateway-authorizer', async () => {
    const doc = {
      openapi: '3.0.1', info: { title: 'imported-authorizers', version: '1' }, paths: {},
      components: { securitySchemes: {
        lambda: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
          'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: LAMBDA_URI, authorizerResultTtlInSeconds: 60 } },
        pool: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools',
          'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [POOL] } },
      } },
    };
    const api = await client.send(new ImportRestApiCommand({ body: new TextEncoder().encode(JSON.stringify(doc)) }));
    const list = await client.send(new GetAuthorizersCommand({ restApiId: api.id }));
    const byName = Object.fromEntries(list.items!.map(({ id: _id, ...a }) => [a.name, a]));
    expect(byName).toEqual({
      lambda: { name: 'lambda', type: 'TOKEN', authType: 'custom', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: 60 },
      pool: { name: 'pool', type: 'COGNITO_USER_POOLS', authType: 'cognito_user_pools', providerARNs: [POOL], identitySource: 'method.request.header.Authorization' },
    });
  });
});

describe('UpdateAuthorizer', () => {
  const update = (restApiId: string, authorizerId: string, patchOperations: PatchOperation[]) =>
    client.send(new UpdateAuthorizerCommand({ restApiId, authorizerId, patchOperations }));

  it('replaces fields, removes optional ones with an empty value, and edits providerARNs', async () => {
    const { id } = await newApi();
    const { id: authorizerId } = await create(id, { ...token(), identityValidationExpression: '^Bearer .+$' });
    const updated = await update(id, authorizerId!, [
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'replace', path: '/identitySource', value: 'method.request.header.X-Token' },
      { op: 'replace', path: '/authorizerResultTtlInSeconds', value: '60' },
      { op: 'replace', path: '/authorizerCredentials', value: 'arn:aws:iam::123456789012:role/invoke' },
      { op: 'replace', path: '/authType', value: 'custom' },
      { op: 'replace', path: '/identityValidationExpression', value: '' },
    ]);
    expect(updated.$metadata.httpStatusCode).toBe(200);
    expect(fields(updated)).toEqual({
      id: authorizerId, name: 'renamed', type: 'TOKEN', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.X-Token',
      authorizerResultTtlInSeconds: 60, authorizerCredentials: 'arn:aws:iam::123456789012:role/invoke', authType: 'custom',
    });
    expect((await client.send(new GetAuthorizerCommand({ restApiId: id, authorizerId }))).name).toBe('renamed');

    const toRequest = await update(id, authorizerId!, [
      { op: 'replace', path: '/type', value: 'REQUEST' },
      { op: 'replace', path: '/identitySource', value: 'method.request.header.X-Token,context.sourceIp' },
    ]);
    expect(toRequest.type).toBe('REQUEST');

    const { id: poolId } = await create(id, { name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: [POOL] });
    const swapped = await update(id, poolId!, [{ op: 'add', path: '/providerARNs', value: POOL2 }, { op: 'remove', path: '/providerARNs', value: POOL }]);
    expect(swapped.providerARNs).toEqual([POOL2]);
    await expectError(update(id, poolId!, [{ op: 'remove', path: '/providerARNs', value: POOL2 }]), 'BadRequestException',
      'ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers.', 400);
  });

  it('refuses bad paths, ops and values with AWS messages', async () => {
    const { id } = await newApi();
    const { id: authorizerId } = await create(id, token());
    await create(id, token('other'));
    const patch = (op: string, path: string, value?: string) => update(id, authorizerId!, [{ op, path, value } as PatchOperation]);
    await expectError(patch('replace', '/id', 'x'), 'BadRequestException',
      "Invalid patch path  '/id' specified for op 'replace'. Must be one of: [/name, /type, /authorizerUri, /authorizerCredentials, /identitySource, /identityValidationExpression, /authorizerResultTtlInSeconds, /authType]", 400);
    await expectError(patch('add', '/name', 'x'), 'BadRequestException', "Invalid patch path  '/name' specified for op 'add'. Please choose supported operations", 400);
    await expectError(patch('wrong', '/name', 'x'), 'ValidationException',
      "1 validation error detected: Value 'wrong' at 'updateAuthorizerInput.patchOperations.1.member.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]", 400);
    await expectError(patch('replace', '/authorizerResultTtlInSeconds', '3601'), 'BadRequestException', 'Invalid authorizer TTL, must be between 0 and 3600', 400);
    await expectError(patch('replace', '/authorizerResultTtlInSeconds', 'soon'), 'BadRequestException', 'Invalid authorizer TTL, must be between 0 and 3600', 400);
    await expectError(patch('replace', '/name', 'other'), 'BadRequestException', 'Authorizer name must be unique. Authorizer other already exists in this RestApi.', 400);
    await expectError(patch('replace', '/authorizerUri', ''), 'BadRequestException', 'Authorizer URI must be specified for TOKEN and REQUEST authorizers.', 400);
    await expectError(patch('replace', '/identitySource', 'stageVariables.x'), 'BadRequestException', 'Invalid identity source specified: stageVariables.x', 400);
    await expectError(update(id, 'nope00', []), 'NotFoundException', 'Invalid Authorizer identifier specified', 404);
    // A refused patch writes nothing.
    expect(fields(await client.send(new GetAuthorizerCommand({ restApiId: id, authorizerId })))).toEqual({ ...token(), id: authorizerId, authorizerResultTtlInSeconds: 300 });
  });
});

describe('methods using an authorizer; DeleteAuthorizer', () => {
  it('PutMethod CUSTOM takes a created authorizer; delete is refused while a method uses it', async () => {
    const { id, root } = await newApi();
    const { id: authorizerId } = await create(id, token());
    await expectError(client.send(new PutMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: 'abc123' })),
      'BadRequestException', 'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.', 400);
    const method = await client.send(new PutMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId }));
    expect(method).toMatchObject({ authorizationType: 'CUSTOM', authorizerId });
    expect((await client.send(new GetMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }))).authorizerId).toBe(authorizerId);

    await expectError(client.send(new DeleteAuthorizerCommand({ restApiId: id, authorizerId })), 'ConflictException',
      "Cannot delete authorizer 'token', is referenced in method: GET//", 409);
    await client.send(new UpdateMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'NONE' }] }));
    expect((await client.send(new DeleteAuthorizerCommand({ restApiId: id, authorizerId }))).$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetAuthorizerCommand({ restApiId: id, authorizerId })), 'NotFoundException', 'Invalid Authorizer identifier specified', 404);
    await expectError(client.send(new DeleteAuthorizerCommand({ restApiId: id, authorizerId })), 'NotFoundException', 'Invalid Authorizer identifier specified', 404);
    await client.send(new DeleteMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }));
  });

  it('a deployment freezes the authorizer as it was (the stage export still shows the old name)', async () => {
    const { id, root } = await newApi();
    const { id: authorizerId } = await create(id, token());
    await client.send(new PutMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId }));
    await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', type: 'MOCK' }));
    await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'test' }));
    await client.send(new UpdateAuthorizerCommand({ restApiId: id, authorizerId, patchOperations: [{ op: 'replace', path: '/name', value: 'renamed' }] }));
    const exported = await client.send(new GetExportCommand({ restApiId: id, stageName: 'test', exportType: 'oas30', parameters: { extensions: 'authorizers' } }));
    const schemes = JSON.parse(new TextDecoder().decode(exported.body)).components.securitySchemes as Record<string, unknown>;
    expect(Object.keys(schemes)).toEqual(['token']);
  });
});
