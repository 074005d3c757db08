// HTTP APIs' control plane (apigatewayv2) with the real @aws-sdk/client-apigatewayv2 over
// loopback: what a user creating an API with the SDK or the CLI checks — ids, defaults, quick
// create, paging, updates, deletes and the NotFound/BadRequest answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiGatewayV2Client, CreateApiCommand, CreateAuthorizerCommand, CreateDeploymentCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand,
  DeleteApiCommand, DeleteIntegrationCommand, DeleteRouteCommand, DeleteStageCommand, GetApiCommand, GetApisCommand, GetDeploymentsCommand, GetIntegrationCommand,
  GetRoutesCommand, GetStageCommand, GetStagesCommand, GetTagsCommand, TagResourceCommand, UntagResourceCommand, UpdateApiCommand, UpdateRouteCommand, UpdateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import { CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { expectError } from '../helpers/aws-errors.js';

let archway: TestArchway;
let v2: ApiGatewayV2Client;

beforeAll(async () => {
  archway = await startArchway();
  v2 = new ApiGatewayV2Client({ endpoint: archway.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
});

afterAll(async () => {
  v2.destroy();
  await archway.stop();
});

describe('apigatewayv2: APIs', () => {
  it('creates an HTTP API with AWS defaults and an endpoint on this Archway', async () => {
    const api = await v2.send(new CreateApiCommand({ Name: 'pets', ProtocolType: 'HTTP', Description: 'd' }));
    expect(api.ApiId).toMatch(/^[a-z0-9]{10}$/);
    expect(api).toMatchObject({
      Name: 'pets', ProtocolType: 'HTTP', Description: 'd', DisableExecuteApiEndpoint: false,
      RouteSelectionExpression: '$request.method $request.path', ApiKeySelectionExpression: '$request.header.x-api-key',
    });
    expect(api.CreatedDate).toBeInstanceOf(Date);
    expect(api.ApiEndpoint).toBe(`${archway.endpoint}/_aws/execute-api/${api.ApiId}`);
    const read = await v2.send(new GetApiCommand({ ApiId: api.ApiId }));
    expect(read.Name).toBe('pets');
    const all = await v2.send(new GetApisCommand({}));
    expect(all.Items?.map((item) => item.ApiId)).toContain(api.ApiId);
  });

  it('quick create makes the integration, the $default route and an auto-deploying $default stage', async () => {
    const api = await v2.send(new CreateApiCommand({ Name: 'quick', ProtocolType: 'HTTP', Target: 'http://127.0.0.1:9/' }));
    const routes = await v2.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    expect(routes.Items).toHaveLength(1);
    expect(routes.Items?.[0]).toMatchObject({ RouteKey: '$default', ApiGatewayManaged: true, AuthorizationType: 'NONE', ApiKeyRequired: false });
    const integrationId = routes.Items?.[0].Target?.replace('integrations/', '');
    const integration = await v2.send(new GetIntegrationCommand({ ApiId: api.ApiId, IntegrationId: integrationId }));
    expect(integration).toMatchObject({ IntegrationType: 'HTTP_PROXY', IntegrationMethod: 'ANY', PayloadFormatVersion: '1.0', TimeoutInMillis: 30000, ApiGatewayManaged: true });
    const stage = await v2.send(new GetStageCommand({ ApiId: api.ApiId, StageName: '$default' }));
    expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true, ApiGatewayManaged: true });
    expect(stage.DeploymentId).toMatch(/^[a-z0-9]{6}$/);
    const deployments = await v2.send(new GetDeploymentsCommand({ ApiId: api.ApiId }));
    expect(deployments.Items?.[0]).toMatchObject({ AutoDeployed: true, DeploymentStatus: 'DEPLOYED' });
  });

  it('quick create with a Lambda ARN makes an AWS_PROXY integration with payload 2.0', async () => {
    const api = await v2.send(new CreateApiCommand({ Name: 'fn', ProtocolType: 'HTTP', Target: 'arn:aws:lambda:us-east-1:000000000000:function:hello', RouteKey: 'GET /hello' }));
    const routes = await v2.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    expect(routes.Items?.[0].RouteKey).toBe('GET /hello');
    const integration = await v2.send(new GetIntegrationCommand({ ApiId: api.ApiId, IntegrationId: routes.Items?.[0].Target?.replace('integrations/', '') }));
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', IntegrationMethod: 'POST', PayloadFormatVersion: '2.0' });
  });

  it('updates and deletes an API, then answers NotFound with AWS\'s text', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'old', ProtocolType: 'HTTP' }));
    const updated = await v2.send(new UpdateApiCommand({ ApiId, Name: 'new', CorsConfiguration: { AllowOrigins: ['https://example.com'] } }));
    expect(updated).toMatchObject({ Name: 'new', CorsConfiguration: { AllowOrigins: ['https://example.com'] } });
    await v2.send(new DeleteApiCommand({ ApiId }));
    await expectError(v2.send(new GetApiCommand({ ApiId })), 'NotFoundException', `Invalid API identifier specified 000000000000:${ApiId}`, 404);
  });

  it('refuses WebSocket APIs (not served yet) and a missing name', async () => {
    await expectError(v2.send(new CreateApiCommand({ Name: 'ws', ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' })), 'BadRequestException', /not supported/, 400);
    await expectError(v2.send(new CreateApiCommand({ ProtocolType: 'HTTP' } as never)), 'BadRequestException', /name/, 400);
  });

  it('pages with maxResults and nextToken', async () => {
    for (let i = 0; i < 3; i++) await v2.send(new CreateApiCommand({ Name: `page-${i}`, ProtocolType: 'HTTP' }));
    const first = await v2.send(new GetApisCommand({ MaxResults: '2' }));
    expect(first.Items).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const rest = await v2.send(new GetApisCommand({ MaxResults: '500', NextToken: first.NextToken }));
    const seen = [...(first.Items ?? []), ...(rest.Items ?? [])].map((item) => item.ApiId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await v2.send(new GetApisCommand({}))).Items?.length);
  });
});

describe('apigatewayv2: routes, integrations, stages, deployments', () => {
  it('builds an API piece by piece and deploys it to a named stage', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'pieces', ProtocolType: 'HTTP' }));
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: 'http://127.0.0.1:9/pets/{id}', IntegrationMethod: 'GET', PayloadFormatVersion: '1.0' }));
    expect(integration).toMatchObject({ IntegrationType: 'HTTP_PROXY', ConnectionType: 'INTERNET', TimeoutInMillis: 30000 });
    expect(integration.IntegrationId).toMatch(/^[a-z0-9]{7}$/);
    const route = await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /pets/{id}', Target: `integrations/${integration.IntegrationId}` }));
    expect(route).toMatchObject({ RouteKey: 'GET /pets/{id}', AuthorizationType: 'NONE', ApiKeyRequired: false });
    const stage = await v2.send(new CreateStageCommand({ ApiId, StageName: 'dev', StageVariables: { color: 'blue' } }));
    expect(stage).toMatchObject({ StageName: 'dev', AutoDeploy: false, StageVariables: { color: 'blue' }, DefaultRouteSettings: { DetailedMetricsEnabled: false }, RouteSettings: {} });
    expect(stage.DeploymentId).toBeUndefined();
    const deployment = await v2.send(new CreateDeploymentCommand({ ApiId, StageName: 'dev', Description: 'first' }));
    expect(deployment).toMatchObject({ DeploymentStatus: 'DEPLOYED', AutoDeployed: false, Description: 'first' });
    expect((await v2.send(new GetStageCommand({ ApiId, StageName: 'dev' }))).DeploymentId).toBe(deployment.DeploymentId);
    const updated = await v2.send(new UpdateStageCommand({ ApiId, StageName: 'dev', RouteSettings: { 'GET /pets/{id}': { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 } } }));
    expect(updated.RouteSettings).toEqual({ 'GET /pets/{id}': { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 } });
    expect((await v2.send(new GetStagesCommand({ ApiId }))).Items?.map((item) => item.StageName)).toEqual(['dev']);
    await v2.send(new DeleteStageCommand({ ApiId, StageName: 'dev' }));
    await expectError(v2.send(new GetStageCommand({ ApiId, StageName: 'dev' })), 'NotFoundException', /dev/, 404);
  });

  it('refuses bad route keys, duplicates, unknown targets and integrations in use', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'checks', ProtocolType: 'HTTP' }));
    await expectError(v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'FETCH /x' })), 'BadRequestException', /FETCH/, 400);
    await expectError(v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET pets' })), 'BadRequestException', /route key/i, 400);
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /pets' }));
    await expectError(v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /pets' })), 'ConflictException', /GET \/pets/, 409);
    await expectError(v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /x', Target: 'integrations/nope123' })), 'BadRequestException', /target/, 400);
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: 'arn:aws:lambda:us-east-1:000000000000:function:f' }));
    expect(integration).toMatchObject({ IntegrationMethod: 'POST', PayloadFormatVersion: '2.0' });
    const route = await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'POST /f', Target: `integrations/${integration.IntegrationId}` }));
    await expectError(v2.send(new DeleteIntegrationCommand({ ApiId, IntegrationId: integration.IntegrationId })), 'ConflictException', /in use/, 409);
    await v2.send(new UpdateRouteCommand({ ApiId, RouteId: route.RouteId, RouteKey: 'PUT /f' }));
    await v2.send(new DeleteRouteCommand({ ApiId, RouteId: route.RouteId }));
    await v2.send(new DeleteIntegrationCommand({ ApiId, IntegrationId: integration.IntegrationId }));
  });

  it('checks integrations: timeouts, payload versions, URIs', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'integrations', ProtocolType: 'HTTP' }));
    await expectError(v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: 'http://x.test/', IntegrationMethod: 'GET', TimeoutInMillis: 30001 })), 'BadRequestException', /30000/, 400);
    await expectError(v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: 'http://x.test/', IntegrationMethod: 'GET', TimeoutInMillis: 49 })), 'BadRequestException', /50/, 400);
    await expectError(v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: 'http://x.test/', IntegrationMethod: 'GET', PayloadFormatVersion: '2.0' })), 'BadRequestException', /1\.0/, 400);
    await expectError(v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: 'not a url', IntegrationMethod: 'GET' })), 'BadRequestException', /URI/, 400);
    await expectError(v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'MOCK' })), 'BadRequestException', /MOCK/, 400);
  });

  it('stores JWT and Lambda authorizers with their checks', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'auth', ProtocolType: 'HTTP' }));
    const jwt = await v2.send(new CreateAuthorizerCommand({
      ApiId, Name: 'jwt', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Issuer: 'https://issuer.test', Audience: ['a'] },
    }));
    expect(jwt.AuthorizerId).toMatch(/^[a-z0-9]{6}$/);
    await expectError(v2.send(new CreateAuthorizerCommand({ ApiId, Name: 'bad', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] })), 'BadRequestException', /issuer/, 400);
    await expectError(v2.send(new CreateAuthorizerCommand({
      ApiId, Name: 'simple', AuthorizerType: 'REQUEST', AuthorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations',
      AuthorizerPayloadFormatVersion: '1.0', EnableSimpleResponses: true, IdentitySource: ['$request.header.Authorization'],
    })), 'BadRequestException', /2\.0/, 400);
    await expectError(v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /x', AuthorizationType: 'CUSTOM', AuthorizerId: jwt.AuthorizerId })), 'BadRequestException', /JWT/, 400);
    const route = await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'GET /x', AuthorizationType: 'JWT', AuthorizerId: jwt.AuthorizerId, AuthorizationScopes: ['read'] }));
    expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: jwt.AuthorizerId, AuthorizationScopes: ['read'] });
  });
});

describe('apigatewayv2: tags', () => {
  it('tags and untags an API and a stage by ARN', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'tagged', ProtocolType: 'HTTP', Tags: { team: 'a' } }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: 'dev' }));
    const apiArn = `arn:aws:apigateway:us-east-1::/apis/${ApiId}`;
    await v2.send(new TagResourceCommand({ ResourceArn: apiArn, Tags: { env: 'test' } }));
    expect((await v2.send(new GetTagsCommand({ ResourceArn: apiArn }))).Tags).toEqual({ team: 'a', env: 'test' });
    await v2.send(new UntagResourceCommand({ ResourceArn: apiArn, TagKeys: ['team'] }));
    expect((await v2.send(new GetApiCommand({ ApiId }))).Tags).toEqual({ env: 'test' });
    const stageArn = `${apiArn}/stages/dev`;
    await v2.send(new TagResourceCommand({ ResourceArn: stageArn, Tags: { tier: 'gold' } }));
    expect((await v2.send(new GetTagsCommand({ ResourceArn: stageArn }))).Tags).toEqual({ tier: 'gold' });
  });

  it('merges corsConfiguration on UpdateApi, and refuses credentials with any origin', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'cors', ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: ['*'] } }));
    const updated = await v2.send(new UpdateApiCommand({ ApiId, CorsConfiguration: { MaxAge: 60 } }));
    expect(updated.CorsConfiguration).toEqual({ AllowOrigins: ['*'], MaxAge: 60 });
    await expectError(v2.send(new UpdateApiCommand({ ApiId, CorsConfiguration: { AllowCredentials: true } })), 'BadRequestException', /allow-credentials/, 400);
  });
});

describe('one id space for REST and HTTP APIs', () => {
  it('CreateRestApi refuses an id an HTTP API holds, and the HTTP API keeps serving', async () => {
    await v2.send(new CreateApiCommand({ Name: 'owner', ProtocolType: 'HTTP', Tags: { _custom_id_: 'sharedid01' } }));
    await expectError(archway.apigateway.send(new CreateRestApiCommand({ name: 'intruder', tags: { _custom_id_: 'sharedid01' } })), 'ConflictException', /sharedid01/, 409);
    expect((await v2.send(new GetApiCommand({ ApiId: 'sharedid01' }))).Name).toBe('owner');
    await expectError(v2.send(new CreateApiCommand({ Name: 'again', ProtocolType: 'HTTP', Tags: { _custom_id_: 'sharedid01' } })), 'ConflictException', /sharedid01/, 409);
  });
});
