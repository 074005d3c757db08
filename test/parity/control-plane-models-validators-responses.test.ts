// AWS parity: Models, RequestValidators and GatewayResponses of the apigateway control plane
// through the real AWS SDK v3 client. Expected values are AWS-recorded unless the
// implementation marks them unverified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient, CreateModelCommand, CreateRequestValidatorCommand, CreateRestApiCommand, DeleteGatewayResponseCommand,
  DeleteMethodCommand, DeleteModelCommand, DeleteRequestValidatorCommand, GetGatewayResponseCommand, GetGatewayResponsesCommand,
  GetModelCommand, GetModelsCommand, GetRequestValidatorCommand, GetRequestValidatorsCommand, PutGatewayResponseCommand,
  PutMethodCommand, UpdateGatewayResponseCommand, UpdateModelCommand, UpdateRequestValidatorCommand,
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
  const api = await client.send(new CreateRestApiCommand({ name: 'collections' }));
  return { id: api.id!, root: api.rootResourceId! };
}

const SCHEMA = JSON.stringify({ title: 'Calc output', type: 'object', properties: { a: { type: 'number' } }, required: ['a'] });
const DEFAULT_TEMPLATE = { 'application/json': '{"message":$context.error.messageString}' };

describe('Models', () => {
  it('creates, lists, gets, updates and deletes a model', async () => {
    const { id } = await newApi();
    const model = await client.send(new CreateModelCommand({ restApiId: id, name: 'Calc', description: 'Calc output model', contentType: 'application/json', schema: SCHEMA }));
    expect(model.$metadata.httpStatusCode).toBe(201);
    expect(model).toMatchObject({ name: 'Calc', description: 'Calc output model', contentType: 'application/json', schema: SCHEMA });
    expect(model.id).toMatch(/^[a-z0-9]{6}$/);
    const list = await client.send(new GetModelsCommand({ restApiId: id }));
    expect(list.items!.map((m) => [m.name, m.description])).toEqual([
      ['Calc', 'Calc output model'], ['Empty', 'This is a default empty schema model'], ['Error', 'This is a default error schema model'],
    ]);
    expect((await client.send(new GetModelCommand({ restApiId: id, modelName: 'Calc' }))).schema).toBe(SCHEMA);
    const newSchema = JSON.stringify({ title: 'Updated schema', type: 'object' });
    const updated = await client.send(new UpdateModelCommand({ restApiId: id, modelName: 'Calc', patchOperations: [{ op: 'replace', path: '/schema', value: newSchema }] }));
    expect(updated.schema).toBe(newSchema);
    expect((await client.send(new DeleteModelCommand({ restApiId: id, modelName: 'Calc' }))).$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetModelCommand({ restApiId: id, modelName: 'Calc' })), 'NotFoundException', 'Invalid model name specified: Calc', 404);
  });

  it('validates with AWS messages', async () => {
    const { id, root } = await newApi();
    const create = (input: Record<string, unknown>) =>
      client.send(new CreateModelCommand({ restApiId: id, contentType: 'application/json', ...input } as never));
    await expectError(create({ name: 'Empty', schema: SCHEMA }), 'ConflictException', 'Model name already exists for this REST API', 409);
    await expectError(create({ name: '', schema: SCHEMA }), 'BadRequestException', 'Model name must be non-empty', 400);
    await expectError(create({ name: 'NoSchema' }), 'BadRequestException', 'Model schema must have at least 1 property or array items defined', 400);
    await expectError(create({ name: 'EmptySchema', schema: '{}' }), 'BadRequestException', 'Model schema must have at least 1 property or array items defined', 400);
    await expectError(client.send(new CreateModelCommand({ restApiId: 'abcde00000', name: 'X', contentType: 'application/json', schema: SCHEMA })),
      'NotFoundException', 'Invalid API identifier specified 000000000000:abcde00000', 404);
    await expectError(client.send(new GetModelsCommand({ restApiId: 'abcde00000' })), 'NotFoundException', 'Invalid API identifier specified 000000000000:abcde00000', 404);
    await expectError(client.send(new DeleteModelCommand({ restApiId: id, modelName: 'MySchema' })), 'NotFoundException', 'Invalid model name specified: MySchema', 404);

    const update = (op: string, path: string, value?: string) =>
      client.send(new UpdateModelCommand({ restApiId: id, modelName: 'Empty', patchOperations: [{ op, path, value } as never] }));
    await expectError(update('add', '/wrong-path', 'x'), 'BadRequestException', "Invalid patch path  '/wrong-path' specified for op 'add'. Please choose supported operations", 400);
    await expectError(update('replace', '/name', 'x'), 'BadRequestException', "Invalid patch path  '/name' specified for op 'replace'. Must be one of: [/description, /schema]", 400);
    await expectError(update('replace', '/schema', '{}'), 'BadRequestException', 'Model schema must have at least 1 property or array items defined', 400);
    await expectError(client.send(new UpdateModelCommand({ restApiId: id, modelName: 'mySchema', patchOperations: [] })), 'NotFoundException', 'Invalid model name specified: mySchema', 404);

    await client.send(new PutMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'ANY', authorizationType: 'NONE', requestModels: { 'application/json': 'Error' } }));
    await expectError(client.send(new DeleteModelCommand({ restApiId: id, modelName: 'Error' })), 'ConflictException',
      "Cannot delete model 'Error', is referenced in method request: //ANY", 409);
    await client.send(new DeleteMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'ANY' }));
    expect((await client.send(new DeleteModelCommand({ restApiId: id, modelName: 'Error' }))).$metadata.httpStatusCode).toBe(202);
  });
});

describe('RequestValidators', () => {
  it('runs the lifecycle', async () => {
    const { id, root } = await newApi();
    const created = await client.send(new CreateRequestValidatorCommand({ restApiId: id, name: 'body' }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({ name: 'body', validateRequestBody: false, validateRequestParameters: false });
    expect(created.id).toMatch(/^[a-z0-9]{6}$/);
    expect((await client.send(new GetRequestValidatorCommand({ restApiId: id, requestValidatorId: created.id }))).name).toBe('body');
    expect((await client.send(new GetRequestValidatorsCommand({ restApiId: id }))).items).toHaveLength(1);
    const update = (op: string, path: string, value?: string) =>
      client.send(new UpdateRequestValidatorCommand({ restApiId: id, requestValidatorId: created.id, patchOperations: [{ op, path, value } as never] }));
    expect((await update('replace', '/validateRequestBody', 'true')).validateRequestBody).toBe(true);
    expect((await update('replace', '/validateRequestBody')).validateRequestBody).toBe(false);
    await expectError(update('add', '/validateRequestBody', 'true'), 'BadRequestException',
      "Invalid patch path  '/validateRequestBody' specified for op 'add'. Please choose supported operations", 400);
    await expectError(update('replace', '/invalidPath', 'x'), 'BadRequestException',
      "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of: [/name, /validateRequestParameters, /validateRequestBody]", 400);
    await expectError(update('replace', '/name', ''), 'BadRequestException', 'Request Validator name cannot be blank', 400);

    await client.send(new PutMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE', requestValidatorId: created.id }));
    await expectError(client.send(new DeleteRequestValidatorCommand({ restApiId: id, requestValidatorId: created.id })), 'ConflictException', /referenced/, 409);
    await client.send(new DeleteMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'GET' }));
    expect((await client.send(new DeleteRequestValidatorCommand({ restApiId: id, requestValidatorId: created.id }))).$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetRequestValidatorCommand({ restApiId: id, requestValidatorId: created.id })), 'NotFoundException',
      'Invalid Request Validator identifier specified', 404);
    expect((await client.send(new GetRequestValidatorsCommand({ restApiId: id }))).items).toEqual([]);
  });

  it('answers unknown APIs as AWS does', async () => {
    await expectError(client.send(new CreateRequestValidatorCommand({ restApiId: 'nosuchapi0', name: 'x' })), 'BadRequestException', 'Invalid REST API identifier specified', 400);
    await expectError(client.send(new GetRequestValidatorsCommand({ restApiId: 'nosuchapi0' })), 'NotFoundException', 'Invalid API identifier specified 000000000000:nosuchapi0', 404);
    await expectError(client.send(new GetRequestValidatorCommand({ restApiId: 'nosuchapi0', requestValidatorId: 'abc123' })), 'NotFoundException',
      'Invalid Request Validator identifier specified', 404);
    await expectError(client.send(new DeleteRequestValidatorCommand({ restApiId: 'nosuchapi0', requestValidatorId: 'abc123' })), 'NotFoundException',
      'Invalid Request Validator identifier specified', 404);
  });
});

describe('GatewayResponses', () => {
  it('lists all 21 defaults alphabetically', async () => {
    const { id } = await newApi();
    const list = await client.send(new GetGatewayResponsesCommand({ restApiId: id, limit: 500 }));
    expect(list.items).toHaveLength(21);
    const types = list.items!.map((r) => r.responseType!);
    expect(types).toEqual([...types].sort());
    expect(types[0]).toBe('ACCESS_DENIED');
    for (const item of list.items!) {
      expect(item.defaultResponse).toBe(true);
      expect(item.responseParameters).toEqual({});
      expect(item.responseTemplates).toEqual(DEFAULT_TEMPLATE);
    }
    const byType = Object.fromEntries(list.items!.map((r) => [r.responseType, r.statusCode]));
    expect(byType).toMatchObject({ MISSING_AUTHENTICATION_TOKEN: '403', THROTTLED: '429', UNAUTHORIZED: '401', INTEGRATION_FAILURE: '504', REQUEST_TOO_LARGE: '413' });
    expect(byType.DEFAULT_4XX).toBeUndefined();
    expect(byType.DEFAULT_5XX).toBeUndefined();
    const page = await client.send(new GetGatewayResponsesCommand({ restApiId: id, limit: 5 }));
    expect(page.items).toHaveLength(5);
    expect(page.position).toBeTruthy();
  });

  it('puts, gets, updates and resets a response', async () => {
    const { id } = await newApi();
    const parameters = { 'gatewayresponse.header.Access-Control-Allow-Origin': "'a.b.c'", 'gatewayresponse.header.x-request-header': 'method.request.header.Accept' };
    const templates = { 'application/json': '{"message": $context.error.messageString, "type": "$context.error.responseType"}' };
    const put = await client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN', statusCode: '404', responseParameters: parameters, responseTemplates: templates }));
    expect(put.$metadata.httpStatusCode).toBe(201);
    expect(put).toMatchObject({ responseType: 'MISSING_AUTHENTICATION_TOKEN', statusCode: '404', responseParameters: parameters, responseTemplates: templates, defaultResponse: false });
    const statusOnly = await client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'UNAUTHORIZED', statusCode: '401' }));
    expect(statusOnly).toMatchObject({ responseParameters: {}, responseTemplates: DEFAULT_TEMPLATE, defaultResponse: false });
    const paramsOnly = await client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'ACCESS_DENIED', responseParameters: { 'gatewayresponse.header.x': "'y'" } }));
    expect(paramsOnly.statusCode).toBe('403');

    // a customised DEFAULT_5XX shows through on 5XX types that are still default (recorded)
    await client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'DEFAULT_5XX', statusCode: '599' }));
    const inherited = await client.send(new GetGatewayResponseCommand({ restApiId: id, responseType: 'INTEGRATION_TIMEOUT' }));
    expect(inherited).toMatchObject({ statusCode: '599', defaultResponse: true });

    const updated = await client.send(new UpdateGatewayResponseCommand({
      restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN', patchOperations: [
        { op: 'replace', path: '/statusCode', value: '444' },
        { op: 'replace', path: '/responseParameters/gatewayresponse.header.Access-Control-Allow-Origin', value: "'example.com'" },
        { op: 'add', path: '/responseTemplates/application~1xml', value: '<message>$context.error.messageString</message>' },
      ],
    }));
    expect(updated.$metadata.httpStatusCode).toBe(200);
    expect(updated.statusCode).toBe('444');
    expect(updated.responseParameters!['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'example.com'");
    expect(updated.responseTemplates!['application/xml']).toBe('<message>$context.error.messageString</message>');

    const notSet = await client.send(new UpdateGatewayResponseCommand({ restApiId: id, responseType: 'DEFAULT_4XX', patchOperations: [{ op: 'replace', path: '/statusCode', value: '444' }] }));
    expect(notSet).toMatchObject({ statusCode: '444', defaultResponse: false, responseParameters: {}, responseTemplates: DEFAULT_TEMPLATE });

    expect((await client.send(new DeleteGatewayResponseCommand({ restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN' }))).$metadata.httpStatusCode).toBe(202);
    const reset = await client.send(new GetGatewayResponseCommand({ restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN' }));
    expect(reset).toMatchObject({ statusCode: '444', defaultResponse: true }); // inherits the customised DEFAULT_4XX
    await client.send(new DeleteGatewayResponseCommand({ restApiId: id, responseType: 'DEFAULT_4XX' }));
    expect((await client.send(new GetGatewayResponseCommand({ restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN' }))).statusCode).toBe('403');
  });

  it('validates with AWS messages', async () => {
    const { id } = await newApi();
    const enumText = "1 validation error detected: Value 'FAKE_RESPONSE_TYPE' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: [REQUEST_TOO_LARGE, RESOURCE_NOT_FOUND, AUTHORIZER_CONFIGURATION_ERROR, MISSING_AUTHENTICATION_TOKEN, BAD_REQUEST_BODY, INVALID_SIGNATURE, INVALID_API_KEY, BAD_REQUEST_PARAMETERS, AUTHORIZER_FAILURE, UNAUTHORIZED, INTEGRATION_TIMEOUT, ACCESS_DENIED, DEFAULT_4XX, DEFAULT_5XX, WAF_FILTERED, QUOTA_EXCEEDED, THROTTLED, API_CONFIGURATION_ERROR, UNSUPPORTED_MEDIA_TYPE, INTEGRATION_FAILURE, EXPIRED_TOKEN]";
    await expectError(client.send(new GetGatewayResponseCommand({ restApiId: id, responseType: 'FAKE_RESPONSE_TYPE' as never })), 'ValidationException', enumText, 400);
    await expectError(client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'FAKE_RESPONSE_TYPE' as never })), 'ValidationException', enumText, 400);
    await expectError(client.send(new DeleteGatewayResponseCommand({ restApiId: id, responseType: 'UNAUTHORIZED' })), 'NotFoundException', 'Gateway response type not defined on api', 404);
    await expectError(client.send(new GetGatewayResponsesCommand({ restApiId: 'fake-api-id' })), 'NotFoundException', 'Invalid API identifier specified 000000000000:fake-api-id', 404);
    await expectError(client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'UNAUTHORIZED', statusCode: '99' })), 'ValidationException', /regular expression pattern: \[1-5\]\\d\\d$/, 400);
    await expectError(client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'UNAUTHORIZED', responseParameters: { 'gatewayresponse.header.x': 'nonsense' } })),
      'BadRequestException', /^Invalid mapping expression specified: /, 400);

    const update = (patchOperations: unknown[]) =>
      client.send(new UpdateGatewayResponseCommand({ restApiId: id, responseType: 'DEFAULT_4XX', patchOperations } as never));
    await expectError(update([{ op: 'add', path: '/statusCode', value: '400' }]), 'BadRequestException', 'Invalid patch path /statusCode', 400);
    await expectError(update([{ op: 'remove', path: '/statusCode' }]), 'BadRequestException', 'Invalid patch path /statusCode', 400);
    await expectError(update([{ op: 'replace', path: '/responseParameters/gatewayresponse.header.nope', value: "'x'" }]), 'NotFoundException', 'Invalid parameter name specified', 404);
    await expectError(update([{ op: 'replace' }]), 'BadRequestException', 'Invalid patch path null', 400);
    await expectError(update([{ op: 'replace', path: '/wrongPath', value: 'x' }]), 'BadRequestException', 'Invalid patch path /wrongPath', 400);
    await expectError(update([{ op: 'add', path: '/responseTemplates/application~1json' }]), 'BadRequestException', 'Invalid null or empty value in responseTemplates', 400);
    await expectError(update([{ op: 'add', path: '/responseParameters/gatewayresponse.header.x' }]), 'BadRequestException', 'Invalid null or empty value in responseParameters', 400);
    await expectError(update([{ op: 'wrong-op', path: '/statusCode', value: '400' }]), 'ValidationException',
      "1 validation error detected: Value 'wrong-op' at 'updateGatewayResponseInput.patchOperations.1.member.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]", 400);
  });
});
