// GetExport with the AWS SDK: Swagger 2.0 and OpenAPI 3.0, JSON and YAML, with and without
// extensions, always from the stage's deployment; and the round trip: importing an export gives
// the same API (read back with the SDK) and the same export, authorizers included when exported.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  CreateDeploymentCommand, GetExportCommand, GetGatewayResponsesCommand, GetModelsCommand, GetRequestValidatorsCommand,
  GetResourcesCommand, GetRestApiCommand, ImportRestApiCommand, PutRestApiCommand, type GetExportCommandInput,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/openapi/${name}`, import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- exported documents are read by path
type Doc = Record<string, any>;

let archway: TestArchway;
beforeAll(async () => {
  archway = await startArchway();
});
afterAll(async () => {
  await archway?.stop();
});

async function importAndDeploy(body: Uint8Array, stageName = 'prod'): Promise<string> {
  const api = await archway.apigateway.send(new ImportRestApiCommand({ body, failOnWarnings: true }));
  await archway.apigateway.send(new CreateDeploymentCommand({ restApiId: api.id, stageName }));
  return api.id!;
}

async function exportRaw(input: Partial<GetExportCommandInput> & { restApiId: string }) {
  return archway.apigateway.send(new GetExportCommand({ stageName: 'prod', exportType: 'oas30', ...input }));
}

async function exportDoc(input: Partial<GetExportCommandInput> & { restApiId: string }): Promise<Doc> {
  const out = await exportRaw(input);
  return JSON.parse(Buffer.from(out.body!).toString('utf8')) as Doc;
}

/** The API as the SDK shows it, with generated ids replaced by names: what "the same API" means. */
async function describeApi(restApiId: string): Promise<Doc> {
  const client = archway.apigateway;
  const api = await client.send(new GetRestApiCommand({ restApiId }));
  const validators = (await client.send(new GetRequestValidatorsCommand({ restApiId }))).items ?? [];
  const validatorName = new Map(validators.map((v) => [v.id, v.name]));
  const resources = (await client.send(new GetResourcesCommand({ restApiId, embed: ['methods'] }))).items ?? [];
  const models = (await client.send(new GetModelsCommand({ restApiId }))).items ?? [];
  const responses = (await client.send(new GetGatewayResponsesCommand({ restApiId, limit: 500 }))).items ?? [];
  const { id: _id, createdDate: _c, rootResourceId: _r, $metadata: _m, tags, ...fields } = api;
  const { _custom_id_: _t, ...otherTags } = tags ?? {};
  return {
    // An exported policy names the API it was exported from (its shorthand was expanded when stored).
    api: { ...fields, policy: fields.policy?.replace(/(execute-api:[^:]*:[^:]*:)\w+/g, '$1<api>'), tags: otherTags },
    resources: Object.fromEntries(resources.map((r) => [r.path, Object.fromEntries(Object.entries(r.resourceMethods ?? {}).map(([verb, m]) => {
      const { authorizerId, requestValidatorId, methodIntegration, ...method } = m;
      const integration = methodIntegration && {
        ...methodIntegration,
        cacheNamespace: methodIntegration.cacheNamespace === r.id ? '<resource id>' : methodIntegration.cacheNamespace,
      };
      return [verb, { ...method, authorizer: authorizerId ? 'set' : undefined, validator: validatorName.get(requestValidatorId), integration }];
    }))])),
    models: Object.fromEntries(models.map((m) => [m.name, { ...m, id: undefined, schema: JSON.parse((m.schema ?? '{}').replaceAll(restApiId, '<api id>')) as unknown }])),
    gatewayResponses: responses.filter((r) => !r.defaultResponse),
  };
}

describe('GetExport', () => {
  let petstore: string;
  let orders: string;
  beforeAll(async () => {
    petstore = await importAndDeploy(fixture('petstore.yaml'));
    orders = await importAndDeploy(fixture('swagger2.json'));
  });

  it('exports Swagger 2.0 as AWS does: host, basePath = stage, consumes/produces, body parameters, definitions', async () => {
    const out = await exportRaw({ restApiId: orders, exportType: 'swagger' });
    expect(out.contentType).toBe('application/octet-stream');
    expect(out.contentDisposition).toBe('attachment; filename="swagger_1.0.0.json"');
    const doc = JSON.parse(Buffer.from(out.body!).toString('utf8')) as Doc;
    expect(doc).toMatchObject({
      swagger: '2.0', info: { version: '1.0.0', title: 'Orders (Swagger 2.0)' },
      host: `${orders}.execute-api.us-east-1.amazonaws.com`, basePath: '/prod', schemes: ['https'],
    });
    expect(doc.paths['/orders'].get).toEqual({
      operationId: 'ListOrders',
      consumes: ['application/json'],
      produces: ['application/json'],
      parameters: [
        { name: 'status', in: 'query', required: false, type: 'string' },
        { name: 'X-Customer', in: 'header', required: true, type: 'string' },
      ],
      responses: { '200': { description: '200 response', schema: { $ref: '#/definitions/Orders' }, headers: { 'X-Total': { type: 'string' } } } },
    });
    expect(doc.paths['/orders'].post.parameters).toEqual([{ in: 'body', name: 'Order', required: true, schema: { $ref: '#/definitions/Order' } }]);
    expect(doc.paths['/orders'].post.security).toEqual([{ api_key: [] }]);
    expect(doc.securityDefinitions).toEqual({ api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' } });
    expect(doc.paths['/legacy/{proxy+}']['x-amazon-apigateway-any-method'].parameters).toEqual([{ name: 'proxy', in: 'path', required: true, type: 'string' }]);
    expect(doc.definitions.Orders).toEqual({ type: 'array', items: { $ref: '#/definitions/Order' } });
    expect(doc.paths['/orders'].get['x-amazon-apigateway-integration']).toBeUndefined();
  });

  it('answers YAML for Accept: application/yaml', async () => {
    const out = await exportRaw({ restApiId: petstore, exportType: 'swagger', accepts: 'application/yaml', parameters: { extensions: 'integrations' } });
    expect(out.contentDisposition).toBe('attachment; filename="swagger_2024-06-01.yaml"');
    const text = Buffer.from(out.body!).toString('utf8');
    expect(text.startsWith('swagger: "2.0"\n')).toBe(true);
    const doc = parseYaml(text) as Doc;
    expect(doc.paths['/pets'].post['x-amazon-apigateway-integration']).toMatchObject({
      type: 'http', httpMethod: 'POST', passthroughBehavior: 'never', timeoutInMillis: 10000,
      responses: { '4\\d{2}': { statusCode: '400' }, default: { statusCode: '200' } },
    });
  });

  it('adds API-wide extensions with extensions=apigateway', async () => {
    const id = await importAndDeploy(fixture('every-extension.json'));
    const doc = await exportDoc({ restApiId: id, parameters: { extensions: 'apigateway' } });
    expect(doc['x-amazon-apigateway-binary-media-types']).toEqual(['image/png', 'application/octet-stream']);
    expect(doc['x-amazon-apigateway-minimum-compression-size']).toBe(1024);
    expect(doc['x-amazon-apigateway-request-validators']).toEqual({
      all: { validateRequestBody: true, validateRequestParameters: true },
      'params-only': { validateRequestBody: false, validateRequestParameters: true },
    });
    expect(doc['x-amazon-apigateway-gateway-responses'].MISSING_AUTHENTICATION_TOKEN).toMatchObject({ statusCode: '404' });
    expect(doc.tags).toEqual([{ name: 'team', 'x-amazon-apigateway-tag-value': 'payments' }]);
    expect(doc.paths['/items'].get['x-amazon-apigateway-request-validator']).toBe('all');
    expect(doc.paths['/items/{id}']['x-amazon-apigateway-any-method'].security).toEqual([{ 'token-auth': [] }]);
    expect(doc.components.securitySchemes['token-auth']).toEqual({
      type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': {
        type: 'token',
        authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations',
        authorizerCredentials: 'arn:aws:iam::000000000000:role/apigateway-authorizer',
        identitySource: 'method.request.header.Authorization',
        identityValidationExpression: '^Bearer [-0-9a-zA-Z._]+$',
        authorizerResultTtlInSeconds: 60,
      },
    });
    expect(doc['x-amazon-apigateway-documentation'].documentationParts).toEqual([
      { location: { type: 'API' }, properties: { description: 'The everything API' } },
      { location: { type: 'METHOD', path: '/items', method: 'GET' }, properties: { summary: 'List items' } },
    ]);
    // a REQUEST authorizer's scheme names no header: "Unused", as AWS's documented examples write it
    expect(doc.components.securitySchemes['request-auth']).toMatchObject({ type: 'apiKey', name: 'Unused', in: 'header' });
    // recorded: the API key source is written only when it is AUTHORIZER
    expect(doc).not.toHaveProperty('x-amazon-apigateway-api-key-source');
    const plain = await exportDoc({ restApiId: id });
    expect(plain['x-amazon-apigateway-request-validators']).toBeUndefined();
    expect(plain.components.securitySchemes['token-auth']).toEqual({ type: 'apiKey', name: 'Authorization', in: 'header' });
  });

  it('writes x-amazon-apigateway-api-key-source AUTHORIZER, and components {} when an OpenAPI 3 document has none (recorded)', async () => {
    const id = await importAndDeploy(Buffer.from(fixture('anchors.yaml').toString('utf8').replace('paths:', 'x-amazon-apigateway-api-key-source: AUTHORIZER\npaths:')));
    const doc = await exportDoc({ restApiId: id, parameters: { extensions: 'apigateway' } });
    expect(doc['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
    expect(doc.components).toEqual({});
    expect((await exportDoc({ restApiId: id })).components).toEqual({});
    expect(await exportDoc({ restApiId: id, exportType: 'swagger' })).not.toHaveProperty('components');
  });

  it('exports the deployment the stage serves, not the working copy', async () => {
    const id = await importAndDeploy(fixture('anchors.yaml'));
    await archway.apigateway.send(new PutRestApiCommand({ restApiId: id, mode: 'overwrite', body: fixture('oas31.yaml') }));
    const doc = await exportDoc({ restApiId: id });
    expect(Object.keys(doc.paths)).toEqual(['/alpha', '/beta']);
    expect(doc.info.title).toBe('Anchored');
  });

  it('answers an unknown stage and an unknown export type', async () => {
    await expect(exportRaw({ restApiId: petstore, stageName: 'nope' })).rejects.toMatchObject({ name: 'NotFoundException', message: 'Invalid Stage identifier specified' });
    await expect(exportRaw({ restApiId: petstore, exportType: 'raml' })).rejects.toMatchObject({ name: 'BadRequestException' });
  });
});

describe('round trip of authorizer-protected methods', () => {
  type Methods = Record<string, Record<string, { authorizationType?: string; apiKeyRequired?: boolean; authorizerId?: string }>>;
  let original: string;
  beforeAll(async () => {
    original = await importAndDeploy(Buffer.from(fixture('every-extension.json').toString('utf8').replace('everything1', 'everything3')));
  });
  const methodsOf = async (restApiId: string): Promise<Methods> => Object.fromEntries(
    ((await archway.apigateway.send(new GetResourcesCommand({ restApiId, embed: ['methods'] }))).items ?? []).map((r) => [r.path, r.resourceMethods ?? {}]),
  );

  it('with extensions=integrations the authorizer is not exported, and the re-import neither asks for an API key nor keeps the authorizer', async () => {
    const exported = await exportRaw({ restApiId: original, parameters: { extensions: 'integrations' } });
    const doc = JSON.parse(Buffer.from(exported.body!).toString('utf8')) as Doc;
    expect(doc.components.securitySchemes['token-auth']).toEqual({ type: 'apiKey', name: 'Authorization', in: 'header' });
    const copy = await archway.apigateway.send(new ImportRestApiCommand({ body: exported.body! }));
    expect(copy.warnings).toContain("Security scheme 'token-auth' used by ANY /items/{id} is not supported by API Gateway; ignored");
    const resources = await methodsOf(copy.id!);
    expect(resources['/items/{id}'].ANY).toMatchObject({ authorizationType: 'NONE', apiKeyRequired: false });
    expect(resources['/items'].GET).toMatchObject({ authorizationType: 'NONE', apiKeyRequired: true });
  });

  it.each(['authorizers', 'apigateway'])('with extensions=%s the re-import protects the same methods with the same authorizers', async (extensions) => {
    const exported = await exportRaw({ restApiId: original, parameters: { extensions } });
    const copy = await archway.apigateway.send(new ImportRestApiCommand({ body: exported.body! }));
    const before = await methodsOf(original);
    const after = await methodsOf(copy.id!);
    for (const [path, verb] of [['/items/{id}', 'ANY'], ['/admin', 'GET'], ['/items', 'GET'], ['/items', 'POST']]) {
      const { authorizationType, apiKeyRequired, authorizerId } = before[path][verb];
      expect(after[path][verb], `${verb} ${path}`).toMatchObject({ authorizationType, apiKeyRequired });
      expect(after[path][verb].authorizerId === undefined, `${verb} ${path}`).toBe(authorizerId === undefined);
    }
    expect(after['/items/{id}'].ANY.authorizationType).toBe('CUSTOM');
  });
});

describe('round trip: importing an export gives the same API', () => {
  it.each([
    ['every-extension.json', 'oas30', 'apigateway'],
    ['petstore.yaml', 'swagger', 'integrations'],
    ['petstore.yaml', 'oas30', 'apigateway'],
    ['swagger2.json', 'swagger', 'apigateway'],
    ['anchors.yaml', 'oas30', 'integrations'],
  ])('%s through %s with extensions=%s', async (file, exportType, extensions) => {
    // (every-extension.json carries a _custom_id_ another test already took)
    const original = await importAndDeploy(Buffer.from(fixture(file).toString('utf8').replace('everything1', 'everything2')));
    const exported = await exportRaw({ restApiId: original, exportType, parameters: { extensions } });
    const copy = await importAndDeploy(exported.body!);
    expect(copy).not.toBe(original);
    expect(await describeApi(copy)).toEqual(await describeApi(original));
    const again = await exportDoc({ restApiId: copy, exportType, parameters: { extensions } });
    const first = JSON.parse(Buffer.from(exported.body!).toString('utf8').replaceAll(original, copy)) as Doc;
    // The policy names the API it was first stored for, in both exports.
    const policyOf = (doc: Doc) => doc['x-amazon-apigateway-policy'];
    expect(policyOf(again)).toEqual(policyOf(first) === undefined ? undefined : JSON.parse(JSON.stringify(policyOf(first)).replaceAll(copy, original)));
    expect({ ...again, 'x-amazon-apigateway-policy': undefined }).toEqual({ ...first, 'x-amazon-apigateway-policy': undefined });
  });
});
