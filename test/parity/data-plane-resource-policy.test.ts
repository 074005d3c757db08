// AWS parity: a REST API's resource policy over real HTTP — shorthand resources, an IP condition,
// the explicit and implicit denials with AWS's text (account masked), a policy change served only
// after a deployment, and a Lambda authorizer's method refused only by an explicit Deny.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import {
  CreateAuthorizerCommand, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, PutIntegrationCommand,
  PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand, UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';

let archway: TestArchway;

/** The Lambda authorizer of GET /custom: allows every method of every API. */
const ALLOWING_AUTHORIZER = `export const handler = async () => ({
  principalId: 'caller',
  policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:*' }] },
});`;

beforeAll(async () => {
  archway = await startArchway();
  const lambda = lambdaClient(archway);
  await createFunction(lambda, 'auth', ALLOWING_AUTHORIZER);
  lambda.destroy();
});
afterAll(async () => {
  await archway?.stop();
});

const policyOf = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ALLOW_ALL = { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };

/** An API with GET /open (no authorizer) and GET /custom (a Lambda authorizer that allows), deployed to dev. */
async function newApi(policy: string): Promise<string> {
  const gw = archway.apigateway;
  const api = await gw.send(new CreateRestApiCommand({ name: 'guarded', policy }));
  const authorizer = await gw.send(new CreateAuthorizerCommand({
    restApiId: api.id, name: 'lambda', type: 'TOKEN', identitySource: 'method.request.header.Authorization',
    authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations',
  }));
  for (const [path, custom] of [['open', false], ['custom', true]] as const) {
    const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: path }))).id!;
    const method = { restApiId: api.id, resourceId, httpMethod: 'GET' };
    await gw.send(new PutMethodCommand({ ...method, authorizationType: custom ? 'CUSTOM' : 'NONE', authorizerId: custom ? authorizer.id : undefined }));
    await gw.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await gw.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } }));
  }
  await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
  return api.id!;
}

async function call(apiId: string, path: string) {
  const response = await request(archway.invokeUrl(apiId, 'dev', path), { headers: { authorization: 'token' } });
  return { status: response.statusCode, errorType: response.headers['x-amzn-errortype'], body: await response.body.text() };
}

const denial = (apiId: string, path: string, explicit: boolean) => ({
  status: 403,
  errorType: 'AccessDeniedException',
  body: JSON.stringify({ Message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:${apiId}/dev/GET${path}${explicit ? ' with an explicit deny' : ''}` }),
});

describe('resource policies', () => {
  it('an Allow for everyone serves every method', async () => {
    const apiId = await newApi(policyOf(ALLOW_ALL));
    expect((await call(apiId, '/open')).status).toBe(200);
    expect((await call(apiId, '/custom')).status).toBe(200);
  });

  it('a Deny unless the caller is in an IP range refuses others with an explicit deny', async () => {
    const apiId = await newApi(policyOf(ALLOW_ALL, {
      Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24'] } },
    }));
    expect(await call(apiId, '/open')).toEqual(denial(apiId, '/open', true));
    // A Lambda authorizer's method: the explicit Deny refuses before any authorizer runs.
    expect(await call(apiId, '/custom')).toEqual(denial(apiId, '/custom', true));
  });

  it('a policy that covers only one stage leaves the others to an implicit deny, except an authorizer method', async () => {
    const apiId = await newApi(policyOf({ ...ALLOW_ALL, Resource: 'execute-api:/prod/*' }));
    expect(await call(apiId, '/open')).toEqual(denial(apiId, '/open', false));
    // Silent policy + a Lambda authorizer: the authorizer decides (it allows).
    expect((await call(apiId, '/custom')).status).toBe(200);
  });

  it('a changed policy applies after the next deployment, as on AWS', async () => {
    const gw = archway.apigateway;
    const apiId = await newApi(policyOf(ALLOW_ALL));
    await gw.send(new UpdateRestApiCommand({ restApiId: apiId, patchOperations: [{ op: 'replace', path: '/policy', value: policyOf({ ...ALLOW_ALL, Effect: 'Deny' }) }] }));
    expect((await call(apiId, '/open')).status).toBe(200);
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
    expect(await call(apiId, '/open')).toEqual(denial(apiId, '/open', true));
  });
});
