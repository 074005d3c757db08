// AWS parity: Resources, Methods and MethodResponses of the apigateway control plane through
// the real AWS SDK v3 client. Expected messages are AWS-recorded unless the implementation
// marks them unverified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient, CreateModelCommand, CreateRequestValidatorCommand, CreateResourceCommand, CreateRestApiCommand,
  DeleteMethodCommand, DeleteMethodResponseCommand, DeleteResourceCommand, GetMethodCommand, GetMethodResponseCommand,
  GetResourceCommand, GetResourcesCommand, PutIntegrationCommand, PutMethodCommand, PutMethodResponseCommand,
  UpdateMethodCommand, UpdateMethodResponseCommand, UpdateResourceCommand,
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

async function newApi(): Promise<{ id: string; root: string }> {
  const api = await client.send(new CreateRestApiCommand({ name: 'tree' }));
  return { id: api.id!, root: api.rootResourceId! };
}
const createResource = (restApiId: string, parentId: string, pathPart: string) =>
  client.send(new CreateResourceCommand({ restApiId, parentId, pathPart }));
const putMethod = (restApiId: string, resourceId: string, httpMethod: string, input: Record<string, unknown> = {}) =>
  client.send(new PutMethodCommand({ restApiId, resourceId, httpMethod, authorizationType: 'NONE', ...input } as never));

describe('Resources', () => {
  it('creates a tree and lists it sorted by path', async () => {
    const { id, root } = await newApi();
    const pets = await createResource(id, root, 'pets');
    expect(pets.$metadata.httpStatusCode).toBe(201);
    expect(pets.id).toMatch(/^[a-z0-9]{6}$/);
    expect(pets).toMatchObject({ parentId: root, pathPart: 'pets', path: '/pets' });
    const pet = await createResource(id, pets.id!, '{petId}');
    expect(pet.path).toBe('/pets/{petId}');
    const proxy = await createResource(id, root, '{proxy+}');
    const list = await client.send(new GetResourcesCommand({ restApiId: id }));
    expect(list.items!.map((r) => r.path)).toEqual(['/', '/pets', '/pets/{petId}', '/{proxy+}']);
    expect(list.items![0]).toEqual({ id: root, path: '/' });
    expect((await client.send(new GetResourceCommand({ restApiId: id, resourceId: proxy.id }))).pathPart).toBe('{proxy+}');
  });

  it('applies AWS placement rules', async () => {
    const { id, root } = await newApi();
    const proxy = await createResource(id, root, '{proxy+}');
    await createResource(id, root, 'pets');
    await expectError(createResource(id, root, 'pets'), 'ConflictException', 'Another resource with the same parent already has this name: pets', 409);
    await expectError(createResource(id, root, '{child}'), 'BadRequestException',
      'A sibling ({proxy+}) of this resource already has a variable path part -- only one is allowed', 400);
    await expectError(createResource(id, proxy.id!, 'child'), 'BadRequestException',
      'Cannot create a child of a resource with a greedy path variable: {proxy+}', 400);
    await expectError(createResource(id, root, 'bad path'), 'BadRequestException', /^Resource's path part only allow a-zA-Z0-9._-/, 400);
    await expectError(createResource(id, 'nosuch', 'x'), 'NotFoundException', 'Invalid Resource identifier specified', 404);
    await expectError(createResource('nosuchapi0', root, 'x'), 'NotFoundException', 'Invalid Resource identifier specified', 404);
    await expectError(client.send(new GetResourceCommand({ restApiId: id, resourceId: 'nosuch' })), 'NotFoundException', 'Invalid Resource identifier specified', 404);
    await expectError(client.send(new GetResourcesCommand({ restApiId: 'nosuchapi0' })), 'NotFoundException',
      'Invalid API identifier specified 000000000000:nosuchapi0', 404);
  });

  it('embeds methods only with embed=methods', async () => {
    const { id, root } = await newApi();
    await putMethod(id, root, 'GET');
    await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', type: 'MOCK' }));
    const plain = await client.send(new GetResourcesCommand({ restApiId: id }));
    expect(plain.items![0].resourceMethods).toEqual({ GET: {} });
    const embedded = await client.send(new GetResourcesCommand({ restApiId: id, embed: ['methods'] }));
    expect(embedded.items![0].resourceMethods!.GET).toMatchObject({ httpMethod: 'GET', authorizationType: 'NONE', methodIntegration: { type: 'MOCK' } });
    const one = await client.send(new GetResourceCommand({ restApiId: id, resourceId: root, embed: ['methods'] }));
    expect(one.resourceMethods!.GET.httpMethod).toBe('GET');
  });

  it('updates pathPart and parentId, repathing the subtree', async () => {
    const { id, root } = await newApi();
    const pets = await createResource(id, root, 'pets');
    const sub = await createResource(id, pets.id!, 'subpets');
    const leaf = await createResource(id, sub.id!, 'leaf');
    const renamed = await client.send(new UpdateResourceCommand({ restApiId: id, resourceId: pets.id, patchOperations: [{ op: 'replace', path: '/pathPart', value: 'dogs' }] }));
    expect(renamed).toMatchObject({ path: '/dogs', pathPart: 'dogs' });
    expect((await client.send(new GetResourceCommand({ restApiId: id, resourceId: leaf.id }))).path).toBe('/dogs/subpets/leaf');
    const moved = await client.send(new UpdateResourceCommand({ restApiId: id, resourceId: sub.id, patchOperations: [{ op: 'replace', path: '/parentId', value: root }] }));
    expect(moved).toMatchObject({ parentId: root, path: '/subpets' });
    expect((await client.send(new GetResourceCommand({ restApiId: id, resourceId: leaf.id }))).path).toBe('/subpets/leaf');

    const update = (resourceId: string, op: string, path: string, value?: string) =>
      client.send(new UpdateResourceCommand({ restApiId: id, resourceId, patchOperations: [{ op, path, value } as never] }));
    await expectError(update(sub.id!, 'replace', '/parentId', leaf.id), 'BadRequestException', 'Resources cannot be cyclical.', 400);
    await expectError(update(sub.id!, 'replace', '/pathPart', 'dogs'), 'ConflictException', 'Another resource with the same parent already has this name: dogs', 409);
    await expectError(update(root, 'replace', '/pathPart', 'x'), 'BadRequestException', 'Root resource cannot update its pathPart.', 400);
    await expectError(update(root, 'replace', '/parentId', sub.id), 'BadRequestException', 'Root resource cannot update its parentId.', 400);
    await expectError(update(sub.id!, 'replace', '/invalid', 'x'), 'BadRequestException',
      "Invalid patch path  '/invalid' specified for op 'replace'. Must be one of: [/parentId, /pathPart]", 400);
    await expectError(update(sub.id!, 'remove', '/pathPart'), 'BadRequestException',
      "Invalid patch path  '/pathPart' specified for op 'remove'. Please choose supported operations", 400);
    await expectError(update(sub.id!, 'replace', '/parentId', 'nosuch'), 'NotFoundException', 'Invalid Resource identifier specified', 404);
    await expectError(update('nosuch', 'replace', '/pathPart', 'x'), 'NotFoundException', 'Invalid Resource identifier specified', 404);
  });

  it('deletes a resource with its children and refuses the root', async () => {
    const { id, root } = await newApi();
    const pets = await createResource(id, root, 'pets');
    const pet = await createResource(id, pets.id!, '{id}');
    const deleted = await client.send(new DeleteResourceCommand({ restApiId: id, resourceId: pets.id }));
    expect(deleted.$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetResourceCommand({ restApiId: id, resourceId: pet.id })), 'NotFoundException', 'Invalid Resource identifier specified', 404);
    expect((await client.send(new GetResourcesCommand({ restApiId: id }))).items).toEqual([{ id: root, path: '/' }]);
    await expectError(client.send(new DeleteResourceCommand({ restApiId: id, resourceId: root })), 'BadRequestException', /root resource/, 400);
    await expectError(client.send(new DeleteResourceCommand({ restApiId: id, resourceId: pets.id })), 'NotFoundException', 'Invalid Resource identifier specified', 404);
  });
});

describe('Methods', () => {
  it('puts, gets and deletes a method', async () => {
    const { id, root } = await newApi();
    const model = await client.send(new CreateModelCommand({ restApiId: id, name: 'Pet', contentType: 'application/json', schema: '{"type":"object"}' }));
    const validator = await client.send(new CreateRequestValidatorCommand({ restApiId: id, name: 'all', validateRequestBody: true }));
    const put = await putMethod(id, root, 'POST', {
      apiKeyRequired: true, operationName: 'CreatePet', requestModels: { 'application/json': model.name }, requestValidatorId: validator.id,
      requestParameters: { 'method.request.querystring.q': true, 'method.request.header.h': false },
    });
    expect(put.$metadata.httpStatusCode).toBe(201);
    expect(put).toMatchObject({
      httpMethod: 'POST', authorizationType: 'NONE', apiKeyRequired: true, operationName: 'CreatePet', requestValidatorId: validator.id,
      requestModels: { 'application/json': 'Pet' }, requestParameters: { 'method.request.querystring.q': true, 'method.request.header.h': false },
    });
    const got = await client.send(new GetMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'POST' }));
    expect(got.operationName).toBe('CreatePet');
    const plain = await putMethod(id, root, 'ANY');
    expect(plain.apiKeyRequired).toBe(false);
    await expectError(putMethod(id, root, 'ANY'), 'ConflictException', 'Method already exists for this resource', 409);
    expect((await client.send(new DeleteMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'ANY' }))).$metadata.httpStatusCode).toBe(204);
    await expectError(client.send(new GetMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'ANY' })), 'NotFoundException', 'Invalid Method identifier specified', 404);
    await expectError(client.send(new DeleteMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'ANY' })), 'NotFoundException', 'Invalid Method identifier specified', 404);
  });

  it('validates PutMethod with AWS messages', async () => {
    const { id, root } = await newApi();
    await expectError(putMethod('nosuchapi0', root, 'GET'), 'NotFoundException', 'Invalid Resource identifier specified', 404);
    await expectError(putMethod(id, 'nosuch', 'GET'), 'NotFoundException', 'Invalid Resource identifier specified', 404);
    await expectError(putMethod(id, root, 'WRONG'), 'BadRequestException', 'Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY', 400);
    await expectError(putMethod(id, root, 'GET', { authorizationType: 'CUSTOM' }), 'BadRequestException',
      'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.', 400);
    await expectError(putMethod(id, root, 'GET', { requestValidatorId: 'nosuch' }), 'BadRequestException', 'Invalid Request Validator identifier specified', 400);
    await expectError(putMethod(id, root, 'GET', { requestModels: { 'application/json': 'petModel' } }), 'BadRequestException', 'Invalid model identifier specified: petModel', 400);
    await expectError(putMethod(id, root, 'GET', { requestParameters: { 'method.request.querystring.a': true, 'method.request.header.a': true } }),
      'BadRequestException', 'Parameter names must be unique across querystring, header and path', 400);
    await expectError(putMethod(id, root, 'GET', { requestParameters: { 'method.request.body.a': true } }),
      'BadRequestException', /^Invalid mapping expression specified: Validation Result: warnings : \[\], errors : \[/, 400);
    await expectError(putMethod(id, root, 'GET', { authorizationType: undefined }), 'ValidationException',
      "1 validation error detected: Value null at 'putMethodInput.authorizationType' failed to satisfy constraint: Member must not be null", 400);
    await expectError(putMethod(id, root, 'GET', { requestParameters: { 'method.request.querystring.a': 'yes' } }), 'SerializationException',
      'class java.lang.String can not be converted to an Boolean', 400);
  });

  it('updates a method with patch operations', async () => {
    const { id, root } = await newApi();
    await putMethod(id, root, 'ANY');
    const update = (patchOperations: unknown[]) =>
      client.send(new UpdateMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'ANY', patchOperations } as never));
    const added = await update([
      { op: 'add', path: '/requestModels/application~1json', value: 'Empty' },
      { op: 'add', path: '/requestParameters/method.request.querystring.optional', value: 'true' },
    ]);
    expect(added).toMatchObject({ requestModels: { 'application/json': 'Empty' }, requestParameters: { 'method.request.querystring.optional': true } });
    const replaced = await update([
      { op: 'replace', path: '/requestParameters/method.request.querystring.optional', value: 'false' },
      { op: 'replace', path: '/authorizationType', value: 'AWS_IAM' },
      { op: 'replace', path: '/apiKeyRequired', value: 'true' },
      { op: 'replace', path: '/operationName', value: 'ReplacedOperationName' },
    ]);
    expect(replaced).toMatchObject({
      authorizationType: 'AWS_IAM', apiKeyRequired: true, operationName: 'ReplacedOperationName',
      requestParameters: { 'method.request.querystring.optional': false },
    });
    const removed = await update([
      { op: 'remove', path: '/requestModels/application~1json' },
      { op: 'remove', path: '/requestParameters/method.request.querystring.optional' },
    ]);
    expect(removed.requestModels).toBeUndefined();
    expect(removed.requestParameters).toBeUndefined();
    // recorded: a non-boolean value reads as false; an authorizerId on a non-CUSTOM method is dropped
    const lenient = await update([{ op: 'replace', path: '/apiKeyRequired', value: 'wrong' }, { op: 'replace', path: '/authorizerId', value: 'abc' }]);
    expect(lenient.apiKeyRequired).toBe(false);
    expect(lenient.authorizerId).toBeUndefined();

    await expectError(update([{ op: 'add', path: '/operationName', value: 'x' }]), 'BadRequestException', 'Invalid patch operation specified. Must be one of: [replace]', 400);
    await expectError(update([{ op: 'replace', path: '/httpMethod', value: 'GET' }]), 'BadRequestException', 'Invalid patch path /httpMethod', 400);
    await expectError(update([{ op: 'add', path: '/requestParameters', value: 'x' }]), 'BadRequestException', 'Invalid patch path /requestParameters', 400);
    await expectError(update([{ op: 'add', path: '/requestModels/application/json', value: 'Empty' }]), 'BadRequestException',
      'Invalid patch path /requestModels/application/json', 400);
    await expectError(update([{ op: 'replace', path: '/authorizationType', value: 'CUSTOM' }]), 'BadRequestException',
      'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.', 400);
    await expectError(update([{ op: 'replace', path: '/requestValidatorId', value: 'nosuch' }]), 'BadRequestException', 'Invalid Request Validator identifier specified', 400);
    await expectError(client.send(new UpdateMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', patchOperations: [] })),
      'NotFoundException', 'Invalid Method identifier specified', 404);
  });
});

describe('MethodResponses', () => {
  it('puts, updates, gets and deletes a method response', async () => {
    const { id, root } = await newApi();
    await putMethod(id, root, 'GET');
    const put = await client.send(new PutMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' }));
    expect(put.$metadata.httpStatusCode).toBe(201);
    expect(put).toMatchObject({ statusCode: '200', responseParameters: {}, responseModels: {} });
    const full = await client.send(new PutMethodResponseCommand({
      restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200',
      responseParameters: { 'method.response.header.my-header': true }, responseModels: { 'application/json': 'Empty' },
    }));
    expect(full).toMatchObject({ responseParameters: { 'method.response.header.my-header': true }, responseModels: { 'application/json': 'Empty' } });
    const got = await client.send(new GetMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' }));
    expect(got.responseModels).toEqual({ 'application/json': 'Empty' });
    const method = await client.send(new GetMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }));
    expect(method.methodResponses!['200'].responseParameters).toEqual({ 'method.response.header.my-header': true });

    const update = (patchOperations: unknown[], statusCode = '200') =>
      client.send(new UpdateMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode, patchOperations } as never));
    const removed = await update([
      { op: 'remove', path: '/responseParameters/method.response.header.my-header' },
      { op: 'remove', path: '/responseModels/application~1json' },
    ]);
    expect(removed.$metadata.httpStatusCode).toBe(201);
    expect(removed.statusCode).toBe('200');
    expect(removed.responseParameters).toBeUndefined();
    expect(removed.responseModels).toBeUndefined();
    const added = await update([
      { op: 'add', path: '/responseParameters/method.response.header.my-header', value: 'true' },
      { op: 'add', path: '/responseModels/application~1json', value: 'Empty' },
    ]);
    expect(added).toMatchObject({ responseParameters: { 'method.response.header.my-header': true }, responseModels: { 'application/json': 'Empty' } });

    await expectError(update([{ op: 'remove', path: '/responseParameters/method.response.header.nope' }]), 'NotFoundException', 'Invalid parameter name specified', 404);
    await expectError(update([{ op: 'replace', path: '/responseModels/application~1xml', value: 'Empty' }]), 'NotFoundException', 'Content-Type specified was not found', 404);
    await expectError(update([{ op: 'add', path: '/wrong/method.response.header.my-header', value: 'true' }]), 'BadRequestException',
      'Invalid patch path /wrong/method.response.header.my-header', 400);
    await expectError(update([], '404'), 'NotFoundException', 'Invalid Response status code specified', 404);
    await expectError(update([{ op: 'wrong_op', path: '/x' }], 'wrong'), 'ValidationException',
      "2 validation errors detected: Value 'wrong_op' at 'updateMethodResponseInput.patchOperations.1.member.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]; Value 'wrong' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d", 400);

    expect((await client.send(new DeleteMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' }))).$metadata.httpStatusCode).toBe(204);
    await expectError(client.send(new GetMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode: '200' })),
      'NotFoundException', 'Invalid Response status code specified', 404);
  });

  it('validates status codes, mapping keys and models', async () => {
    const { id, root } = await newApi();
    await putMethod(id, root, 'GET');
    const put = (statusCode: string, input: Record<string, unknown> = {}) =>
      client.send(new PutMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', statusCode, ...input }));
    await expectError(put('wrong'), 'ValidationException',
      "1 validation error detected: Value 'wrong' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d", 400);
    await expectError(put('600'), 'ValidationException', /regular expression pattern: \[1-5\]\\d\\d$/, 400);
    await expectError(put('200', { responseParameters: { 'method.response.body': true } }), 'BadRequestException', /^Invalid mapping expression specified: /, 400);
    await expectError(put('200', { responseModels: { 'application/json': 'Nope' } }), 'BadRequestException', 'Invalid model identifier specified: Nope', 400);
    await expectError(client.send(new PutMethodResponseCommand({ restApiId: id, resourceId: root, httpMethod: 'POST', statusCode: '200' })),
      'NotFoundException', 'Invalid Method identifier specified', 404);
  });
});
