// HTTP APIs as OpenAPI 3 documents with the real @aws-sdk/client-apigatewayv2 over loopback:
// ImportApi (what GetRoutes/GetIntegrations/GetAuthorizers then show, and the imported routes
// served over HTTP to a loopback backend), ReimportApi (the routes replaced, the id and stages
// kept), ExportApi (JSON and YAML, a stage's deployment or the working copy, round-tripped
// through ImportApi), failOnWarnings, and the BadRequestException a bad document gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import {
  ApiGatewayV2Client, CreateDeploymentCommand, CreateRouteCommand, CreateStageCommand, ExportApiCommand, GetApiCommand, GetApisCommand,
  GetAuthorizersCommand, GetIntegrationsCommand, GetRoutesCommand, GetStagesCommand, ImportApiCommand, ReimportApiCommand,
} from '@aws-sdk/client-apigatewayv2';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { expectError } from '../helpers/aws-errors.js';

type Json = Record<string, unknown>;

let archway: TestArchway;
let v2: ApiGatewayV2Client;
let backend: TestBackend;

const settled = () => archway.running.dataPlane.deployments.settled();
const url = (apiId: string, path: string) => `${archway.endpoint}/_aws/execute-api/${apiId}${path}`;

const proxy = (path: string, method = 'GET') => ({ type: 'http_proxy', httpMethod: method, uri: `${backend.url}${path}`, payloadFormatVersion: '1.0' });

/** Pets over an HTTP backend, one route behind a JWT authorizer, CORS. */
function petsDocument(): Json {
  return {
    openapi: '3.0.1',
    info: { title: 'pets', description: 'Pets over HTTP', version: '2024-01-01' },
    paths: {
      '/pets': { get: { operationId: 'listPets', 'x-amazon-apigateway-integration': proxy('/animals') } },
      '/pets/{id}': {
        get: { 'x-amazon-apigateway-integration': proxy('/animals/{id}') },
        delete: { security: [{ jwt: ['pets/admin'] }], 'x-amazon-apigateway-integration': proxy('/animals/{id}', 'DELETE') },
      },
    },
    components: {
      securitySchemes: {
        jwt: {
          type: 'oauth2', flows: {},
          'x-amazon-apigateway-authorizer': {
            type: 'jwt', identitySource: '$request.header.Authorization', jwtConfiguration: { issuer: 'https://issuer.example.com', audience: ['pets'] },
          },
        },
      },
    },
    'x-amazon-apigateway-cors': { allowOrigins: ['https://example.com'], allowMethods: ['GET'] },
  };
}

async function importDocument(doc: Json | string, extra: { FailOnWarnings?: boolean; Basepath?: string } = {}) {
  return v2.send(new ImportApiCommand({ Body: typeof doc === 'string' ? doc : JSON.stringify(doc), ...extra }));
}

const routeKeys = async (ApiId: string) => (await v2.send(new GetRoutesCommand({ ApiId }))).Items!.map((route) => route.RouteKey).sort();

async function exported(ApiId: string, extra: { OutputType?: 'JSON' | 'YAML'; StageName?: string; IncludeExtensions?: boolean } = {}): Promise<string> {
  const answer = await v2.send(new ExportApiCommand({ ApiId, Specification: 'OAS30', OutputType: 'JSON', ...extra }));
  return Buffer.from(answer.body!).toString('utf8');
}

beforeAll(async () => {
  archway = await startArchway();
  v2 = new ApiGatewayV2Client({ endpoint: archway.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  backend = await startBackend();
});

afterAll(async () => {
  v2.destroy();
  await backend.close();
  await archway.stop();
});

describe('ImportApi', () => {
  it('creates an HTTP API with the routes, integrations and authorizers the document defines', async () => {
    const api = await importDocument(petsDocument());
    expect(api.ApiId).toMatch(/^[a-z0-9]{10}$/);
    expect(api).toMatchObject({
      Name: 'pets', Description: 'Pets over HTTP', Version: '2024-01-01', ProtocolType: 'HTTP', DisableExecuteApiEndpoint: false,
      RouteSelectionExpression: '$request.method $request.path', ApiEndpoint: `${archway.endpoint}/_aws/execute-api/${api.ApiId}`,
      CorsConfiguration: { AllowOrigins: ['https://example.com'], AllowMethods: ['GET'] },
    });
    expect((await v2.send(new GetApiCommand({ ApiId: api.ApiId }))).Name).toBe('pets');

    const routes = (await v2.send(new GetRoutesCommand({ ApiId: api.ApiId }))).Items!;
    const integrations = (await v2.send(new GetIntegrationsCommand({ ApiId: api.ApiId }))).Items!;
    const authorizers = (await v2.send(new GetAuthorizersCommand({ ApiId: api.ApiId }))).Items!;
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(['DELETE /pets/{id}', 'GET /pets', 'GET /pets/{id}']);
    const integrationOf = (routeKey: string) => {
      const target = routes.find((route) => route.RouteKey === routeKey)!.Target;
      return integrations.find((integration) => `integrations/${integration.IntegrationId}` === target);
    };
    expect(integrationOf('GET /pets')).toMatchObject({
      IntegrationType: 'HTTP_PROXY', IntegrationMethod: 'GET', IntegrationUri: `${backend.url}/animals`, PayloadFormatVersion: '1.0',
      ConnectionType: 'INTERNET', TimeoutInMillis: 30000,
    });
    expect(integrationOf('DELETE /pets/{id}')).toMatchObject({ IntegrationMethod: 'DELETE', IntegrationUri: `${backend.url}/animals/{id}` });
    expect(routes.find((route) => route.RouteKey === 'GET /pets')).toMatchObject({ AuthorizationType: 'NONE', OperationName: 'listPets', ApiKeyRequired: false });
    expect(authorizers).toEqual([expect.objectContaining({
      Name: 'jwt', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['pets'] },
    })]);
    expect(routes.find((route) => route.RouteKey === 'DELETE /pets/{id}')).toMatchObject({
      AuthorizationType: 'JWT', AuthorizerId: authorizers[0].AuthorizerId, AuthorizationScopes: ['pets/admin'],
    });
    // ImportApi makes no stage: the API is served once one is created.
    expect((await v2.send(new GetStagesCommand({ ApiId: api.ApiId }))).Items).toEqual([]);
  });

  it('serves an imported HTTP_PROXY route to the backend', async () => {
    const { ApiId } = await importDocument(petsDocument());
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true }));
    await settled();
    const response = await fetch(url(ApiId!, '/pets/7?x=1'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: 'GET', path: '/animals/7', query: 'x=1' });
    // the JWT route refuses a call without a token
    expect((await fetch(url(ApiId!, '/pets/7'), { method: 'DELETE' })).status).toBe(401);
  });

  it('takes the id of the _custom_id_ tag, and the base path with basepath=prepend', async () => {
    const doc = {
      ...petsDocument(),
      servers: [{ url: 'https://api.example.com/v1' }],
      tags: [{ name: '_custom_id_', 'x-amazon-apigateway-tag-value': 'importedpets' }, { name: 'team', 'x-amazon-apigateway-tag-value': 'blue' }],
    };
    const api = await importDocument(doc, { Basepath: 'prepend' });
    expect(api.ApiId).toBe('importedpets');
    expect(api.Tags).toEqual({ _custom_id_: 'importedpets', team: 'blue' });
    expect(await routeKeys('importedpets')).toEqual(['DELETE /v1/pets/{id}', 'GET /v1/pets', 'GET /v1/pets/{id}']);
    await expectError(importDocument(doc), 'ConflictException', 'API importedpets already exists', 409);
  });

  it('keeps the warnings, or refuses the document with failOnWarnings, creating nothing', async () => {
    const doc = { ...petsDocument(), 'x-amazon-apigateway-unknown': true };
    const before = (await v2.send(new GetApisCommand({}))).Items!.length;
    await expectError(importDocument(doc, { FailOnWarnings: true }), 'BadRequestException', /^Warnings found during import:\n\tUnsupported extension x-amazon-apigateway-unknown/, 400);
    expect((await v2.send(new GetApisCommand({}))).Items).toHaveLength(before);

    const api = await importDocument(doc);
    expect(api.Warnings).toEqual(['Unsupported extension x-amazon-apigateway-unknown at the top level; ignored']);
    expect((await v2.send(new GetApiCommand({ ApiId: api.ApiId }))).Warnings).toEqual(api.Warnings);
  });

  it('answers BadRequestException for a document it cannot import', async () => {
    await expectError(importDocument('openapi: 3.0.1\npaths: [\n'), 'BadRequestException', /^Invalid OpenAPI input\. YAML error/, 400);
    await expectError(importDocument({ swagger: '2.0', info: { title: 't', version: '1' }, paths: {} }), 'BadRequestException', 'Invalid OpenAPI input. HTTP APIs support only OpenAPI 3.0 definitions.', 400);
    // what CreateIntegration, CreateRoute and CORS would refuse, reported together
    const refused = {
      openapi: '3.0.1', info: { title: 'bad', version: '1' },
      paths: {
        '/pets': { get: { 'x-amazon-apigateway-integration': { type: 'http_proxy', httpMethod: 'GET', uri: 'not-a-url', payloadFormatVersion: '1.0' } } },
        '/pets/{id}': { get: { 'x-amazon-apigateway-integration': proxy('/animals') } },
        '/pets/{petId}': { get: { 'x-amazon-apigateway-integration': proxy('/animals') } },
      },
      'x-amazon-apigateway-cors': { allowOrigins: ['https://*.example.com'] },
    };
    const before = (await v2.send(new GetApisCommand({}))).Items!.length;
    await expectError(importDocument(refused), 'BadRequestException', new RegExp([
      '^Errors found during import:',
      "\tUnable to create integration for route 'GET /pets': Invalid integration URI not-a-url: an HTTP_PROXY integration takes an http or https URL",
      '\tUnable to create routes: The route key conflicts with another route of this API: .*',
      '\tInvalid x-amazon-apigateway-cors: allow-origin https://\\*\\.example\\.com can not have wildcards$',
    ].join('\n')), 400);
    expect((await v2.send(new GetApisCommand({}))).Items).toHaveLength(before);
    await expectError(v2.send(new ImportApiCommand({ Body: undefined as unknown as string })), 'BadRequestException', 'Invalid input: body is required', 400);
  });
});

describe('ReimportApi', () => {
  it('replaces the routes, integrations and authorizers, keeps the id and stages, and auto-deploys', async () => {
    const { ApiId } = await importDocument(petsDocument());
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true }));
    await settled();
    expect((await fetch(url(ApiId!, '/pets/7'))).status).toBe(200);

    const replacement = {
      openapi: '3.0.1', info: { title: 'animals', version: '2' },
      paths: { '/animals/{name}': { post: { 'x-amazon-apigateway-integration': proxy('/zoo/{name}', 'POST') } } },
    };
    const api = await v2.send(new ReimportApiCommand({ ApiId, Body: JSON.stringify(replacement) }));
    expect(api).toMatchObject({ ApiId, Name: 'animals', Version: '2' });
    expect(api.Description).toBeUndefined();
    expect(api.CorsConfiguration).toBeUndefined();
    expect(await routeKeys(ApiId!)).toEqual(['POST /animals/{name}']);
    expect((await v2.send(new GetIntegrationsCommand({ ApiId }))).Items).toHaveLength(1);
    expect((await v2.send(new GetAuthorizersCommand({ ApiId }))).Items).toEqual([]);
    expect((await v2.send(new GetStagesCommand({ ApiId }))).Items!.map((stage) => stage.StageName)).toEqual(['$default']);

    await settled();
    expect((await fetch(url(ApiId!, '/pets/7'))).status).toBe(404);
    const response = await fetch(url(ApiId!, '/animals/rex'), { method: 'POST', body: 'woof' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method: 'POST', path: '/zoo/rex', body: 'woof' });
  });

  it('refuses a bad document and changes nothing; a missing API is NotFound', async () => {
    const { ApiId } = await importDocument(petsDocument());
    await expectError(v2.send(new ReimportApiCommand({ ApiId, Body: '{"openapi": "3.0.1"' })), 'BadRequestException', /^Invalid OpenAPI input\. JSON error/, 400);
    expect(await routeKeys(ApiId!)).toEqual(['DELETE /pets/{id}', 'GET /pets', 'GET /pets/{id}']);
    await expectError(
      v2.send(new ReimportApiCommand({ ApiId: 'nosuchapi1', Body: JSON.stringify(petsDocument()) })),
      'NotFoundException', 'Invalid API identifier specified 000000000000:nosuchapi1', 404,
    );
  });
});

describe('ExportApi', () => {
  it('exports the working copy as JSON, and the export imports as the same API', async () => {
    const { ApiId } = await importDocument(petsDocument());
    const doc = JSON.parse(await exported(ApiId!)) as Json & { paths: Record<string, Record<string, Json>> };
    expect(doc).toMatchObject({
      openapi: '3.0.1',
      info: { title: 'pets', description: 'Pets over HTTP', version: '2024-01-01' },
      servers: [{ url: `${archway.endpoint}/_aws/execute-api/${ApiId}/{basePath}` }],
      'x-amazon-apigateway-cors': { allowOrigins: ['https://example.com'], allowMethods: ['GET'] },
      'x-amazon-apigateway-importexport-version': '1.0',
    });
    expect(doc.paths['/pets'].get['x-amazon-apigateway-integration']).toMatchObject({ type: 'http_proxy', uri: `${backend.url}/animals`, httpMethod: 'GET' });
    expect(doc.paths['/pets/{id}'].delete.security).toEqual([{ jwt: ['pets/admin'] }]);

    const copy = await importDocument(JSON.stringify(doc));
    expect(copy.ApiId).not.toBe(ApiId);
    expect(await routeKeys(copy.ApiId!)).toEqual(await routeKeys(ApiId!));
    const uris = async (id: string) => (await v2.send(new GetIntegrationsCommand({ ApiId: id }))).Items!.map((i) => `${i.IntegrationMethod} ${i.IntegrationUri}`).sort();
    expect(await uris(copy.ApiId!)).toEqual(await uris(ApiId!));
    expect((await v2.send(new GetAuthorizersCommand({ ApiId: copy.ApiId }))).Items!.map((a) => a.JwtConfiguration)).toEqual([{ Issuer: 'https://issuer.example.com', Audience: ['pets'] }]);
  });

  it('exports YAML, with or without extensions, that imports again', async () => {
    const { ApiId } = await importDocument(petsDocument());
    const yaml = await exported(ApiId!, { OutputType: 'YAML' });
    expect(yaml.startsWith('openapi: 3.0.1\n')).toBe(true);
    expect(parseYaml(yaml)).toEqual(JSON.parse(await exported(ApiId!)));
    const copy = await importDocument(yaml);
    expect(await routeKeys(copy.ApiId!)).toEqual(await routeKeys(ApiId!));

    const plain = parseYaml(await exported(ApiId!, { OutputType: 'YAML', IncludeExtensions: false })) as Json & { paths: Record<string, Record<string, Json>> };
    expect(plain.paths['/pets'].get).not.toHaveProperty('x-amazon-apigateway-integration');
    expect(plain).not.toHaveProperty('x-amazon-apigateway-cors');
    expect(toYaml(plain)).not.toContain('x-amazon-apigateway');
  });

  it("exports a stage's deployment rather than the working copy", async () => {
    const { ApiId } = await importDocument(petsDocument());
    await v2.send(new CreateStageCommand({ ApiId, StageName: 'v1' }));
    await v2.send(new CreateDeploymentCommand({ ApiId, StageName: 'v1' }));
    const integration = (await v2.send(new GetIntegrationsCommand({ ApiId }))).Items![0];
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /later', Target: `integrations/${integration.IntegrationId}` }));

    const staged = JSON.parse(await exported(ApiId!, { StageName: 'v1' })) as { paths: Json; servers: Json[] };
    expect(Object.keys(staged.paths).sort()).toEqual(['/pets', '/pets/{id}']);
    expect(staged.servers[0]).toMatchObject({ variables: { basePath: { default: 'v1' } } });
    const working = JSON.parse(await exported(ApiId!)) as { paths: Json };
    expect(Object.keys(working.paths).sort()).toEqual(['/later', '/pets', '/pets/{id}']);

    await expectError(exported(ApiId!, { StageName: 'nope' }), 'NotFoundException', `Invalid stage identifier specified 000000000000:${ApiId}:nope`, 404);
    await expectError(
      v2.send(new ExportApiCommand({ ApiId, Specification: 'SWAGGER', OutputType: 'JSON' })),
      'BadRequestException', 'Invalid specification SWAGGER: OAS30 is the only supported value', 400,
    );
    await expectError(
      v2.send(new ExportApiCommand({ ApiId, Specification: 'OAS30', OutputType: 'XML' })), 'BadRequestException', 'Invalid outputType XML: use JSON or YAML', 400,
    );
  });
});
