// Who may call an HTTP API route: JWT authorizers against a real OpenID Connect issuer
// (oidc-provider on loopback) and AWS_IAM with real SigV4 signatures, over real HTTP, with the
// answers AWS gives (401 with `www-authenticate`, 403 Forbidden) and the claims the
// integration receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayV2Client, CreateApiCommand, CreateAuthorizerCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand } from '@aws-sdk/client-apigatewayv2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';
import { CLIENT_ID, OTHER_CLIENT_ID, startOidcIssuer, type OidcIssuer } from '../helpers/oidc-issuer.js';
import { request } from 'undici';
import { signedCall } from '../helpers/sigv4-client.js';

let archway: TestArchway;
let v2: ApiGatewayV2Client;
let lambda: LambdaClient;
let issuer: OidcIssuer;
let apiId: string;

const url = (path: string) => `${archway.endpoint}/_aws/execute-api/${apiId}${path}`;

beforeAll(async () => {
  archway = await startArchway();
  issuer = await startOidcIssuer();
  v2 = new ApiGatewayV2Client({ endpoint: archway.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  lambda = lambdaClient(archway);
  const echo = await createFunction(lambda, 'authorized-echo', 'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer ?? null) });');
  apiId = (await v2.send(new CreateApiCommand({ Name: 'secured', ProtocolType: 'HTTP' }))).ApiId!;
  const integration = await v2.send(new CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: echo }));
  const target = `integrations/${integration.IntegrationId}`;
  const jwt = await v2.send(new CreateAuthorizerCommand({
    ApiId: apiId, Name: 'oidc', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Issuer: issuer.issuer, Audience: [CLIENT_ID] },
  }));
  await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /me', Target: target, AuthorizationType: 'JWT', AuthorizerId: jwt.AuthorizerId }));
  await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /admin', Target: target, AuthorizationType: 'JWT', AuthorizerId: jwt.AuthorizerId, AuthorizationScopes: ['admin'] }));
  await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /signed', Target: target, AuthorizationType: 'AWS_IAM' }));
  const gate = await createFunction(lambda, 'gate', `export const handler = async (event) => {
    calls += 1;
    return { isAuthorized: event.headers['x-key'] === 'open', context: { who: event.headers['x-key'], calls, route: event.routeArn } };
  }; let calls = 0;`);
  const simple = await v2.send(new CreateAuthorizerCommand({
    ApiId: apiId, Name: 'gate', AuthorizerType: 'REQUEST', AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${gate}/invocations`,
    AuthorizerPayloadFormatVersion: '2.0', EnableSimpleResponses: true, IdentitySource: ['$request.header.x-key'], AuthorizerResultTtlInSeconds: 300,
  }));
  await v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /gated', Target: target, AuthorizationType: 'CUSTOM', AuthorizerId: simple.AuthorizerId }));
  await v2.send(new CreateStageCommand({ ApiId: apiId, StageName: '$default', AutoDeploy: true }));
  await archway.running.dataPlane.deployments.settled();
});

afterAll(async () => {
  v2.destroy();
  lambda.destroy();
  await issuer.stop();
  await archway.stop();
});

describe('HTTP APIs: JWT authorizers', () => {
  it('lets a valid token in and hands its claims to the integration', async () => {
    const token = await issuer.idToken('alice', { email: 'alice@example.com' });
    const response = await fetch(url('/me'), { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const authorizer = (await response.json()) as { jwt: { claims: Record<string, string>; scopes: string[] | null } };
    expect(authorizer.jwt.claims).toMatchObject({ sub: 'alice', email: 'alice@example.com', aud: CLIENT_ID, iss: issuer.issuer });
    expect(authorizer.jwt.scopes).toBeNull();
  });

  it('answers 401 with a www-authenticate challenge without a token or with another audience', async () => {
    const missing = await fetch(url('/me'));
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe('{"message":"Unauthorized"}');
    const valid = await issuer.idToken('alice');
    // Two Authorization headers: never one checked and the other forwarded.
    const twice = await request(url('/me'), { headers: ['Authorization', 'Bearer junk', 'Authorization', `Bearer ${valid}`] });
    expect(twice.statusCode).toBe(401);
    await twice.body.dump();
    const other = await fetch(url('/me'), { headers: { Authorization: await issuer.idToken('bob', {}, { clientId: OTHER_CLIENT_ID }) } });
    expect(other.status).toBe(401);
    expect(other.headers.get('www-authenticate')).toMatch(/error="invalid_token" error_description="the token does not have a valid audience"/);
  });

  it('answers 403 Forbidden when the token has none of the route\'s scopes', async () => {
    const response = await fetch(url('/admin'), { headers: { Authorization: `Bearer ${await issuer.idToken('alice')}` } });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('{"message":"Forbidden"}');
  });
});

describe('HTTP APIs: Lambda REQUEST authorizers (simple responses)', () => {
  it('401 without the identity source, 403 when not authorized, the context to the integration when authorized, cached by identity', async () => {
    const missing = await fetch(url('/gated'));
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe('{"message":"Unauthorized"}');
    const refused = await fetch(url('/gated'), { headers: { 'x-key': 'shut' } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe('{"message":"Forbidden"}');
    const allowed = await fetch(url('/gated'), { headers: { 'x-key': 'open' } });
    expect(allowed.status).toBe(200);
    const first = (await allowed.json()) as { lambda: { who: string; calls: number; route: string } };
    expect(first.lambda).toMatchObject({ who: 'open', route: `arn:aws:execute-api:us-east-1:000000000000:${apiId}/$default/GET/gated` });
    const again = (await (await fetch(url('/gated'), { headers: { 'x-key': 'open' } })).json()) as { lambda: { calls: number } };
    expect(again.lambda.calls).toBe(first.lambda.calls);
  });
});

describe('HTTP APIs: AWS_IAM routes', () => {
  it('refuses an unsigned call with 403 Forbidden and lets the signed caller in', async () => {
    const unsigned = await fetch(url('/signed'));
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toBe('{"message":"Forbidden"}');
    const signed = await signedCall(url('/signed'), { accessKeyId: 'test', secretAccessKey: 'test' });
    expect(signed.status).toBe(200);
    expect(JSON.parse(signed.body)).toMatchObject({ iam: { accessKey: 'test', accountId: '000000000000' } });
    const wrong = await signedCall(url('/signed'), { accessKeyId: 'test', secretAccessKey: 'wrong' });
    expect(wrong.status).toBe(403);
  });
});

describe('HTTP APIs: CORS preflights and an authorized $default route', () => {
  it('a preflight the authorized $default route would take goes to its authorizer, until an OPTIONS /{proxy+} route takes it', async () => {
    const { ApiId } = await v2.send(new CreateApiCommand({ Name: 'cors-auth', ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: ['https://app.example'], AllowMethods: ['GET'] } }));
    const integration = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: 'http://127.0.0.1:9/', IntegrationMethod: 'ANY' }));
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: '$default', Target: `integrations/${integration.IntegrationId}`, AuthorizationType: 'AWS_IAM' }));
    await v2.send(new CreateStageCommand({ ApiId, StageName: '$default', AutoDeploy: true }));
    await archway.running.dataPlane.deployments.settled();
    const preflight = () => fetch(`${archway.endpoint}/_aws/execute-api/${ApiId}/things`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' } });
    expect((await preflight()).status).toBe(403);
    await v2.send(new CreateRouteCommand({ ApiId, RouteKey: 'OPTIONS /{proxy+}', Target: `integrations/${integration.IntegrationId}` }));
    await archway.running.dataPlane.deployments.settled();
    const answered = await preflight();
    expect(answered.status).toBe(204);
    expect(answered.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});
