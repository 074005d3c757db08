// AWS parity: AWS_IAM methods over real HTTP. Callers provisioned with @aws-sdk/client-iam,
// requests signed by @smithy/signature-v4 (header and presigned forms, a session token, clock
// skew, a tampered signature, an unknown key, none) and once by botocore's signer, AWS's 403
// answers word for word, the caller in `$context.identity` and the Lambda proxy event, and the
// API's resource policy combined with the caller's identity policies as AWS's Table A says
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand, TestInvokeMethodCommand, UpdateRestApiCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';
import { signedCall, type Keys } from '../helpers/sigv4-client.js';
import { DEFAULT_OPTIONS } from '../../src/options/options.js';

let archway: TestArchway;
let gw: APIGatewayClient;
let iam: IAMClient;
const ADMIN = DEFAULT_OPTIONS.adminCredentials;
const ACCOUNT = DEFAULT_OPTIONS.accountId;

const policyOf = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const invoke = (effect: string, resource: string | string[], extra: object = {}) => ({ Effect: effect, Action: 'execute-api:Invoke', Resource: resource, ...extra });

/** A user with these inline policies and one access key. */
async function newUser(name: string, ...policies: string[]): Promise<Keys & { arn: string; userId: string }> {
  const user = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
  for (const [i, document] of policies.entries()) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `p${i}`, PolicyDocument: document }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  await archway.running.dataPlane.iamCallers.catchUp();
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey!, arn: user.Arn!, userId: user.UserId! };
}

const IDENTITY_TEMPLATE = '{"userArn":"$context.identity.userArn","user":"$context.identity.user","caller":"$context.identity.caller","accessKey":"$context.identity.accessKey","accountId":"$context.identity.accountId"}';

/** An API whose GET /pets (MOCK answering `$context.identity`) and POST /echo (Lambda proxy) use AWS_IAM, and GET /open does not. */
async function newApi(policy?: string): Promise<string> {
  const api = await gw.send(new CreateRestApiCommand({ name: 'signed', policy }));
  const add = async (pathPart: string, httpMethod: string, authorizationType: string, integration: 'MOCK' | 'LAMBDA') => {
    const resourceId = (await gw.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart }))).id!;
    const method = { restApiId: api.id, resourceId, httpMethod };
    await gw.send(new PutMethodCommand({ ...method, authorizationType }));
    if (integration === 'LAMBDA') {
      await gw.send(new PutIntegrationCommand({
        ...method, type: 'AWS_PROXY', integrationHttpMethod: 'POST',
        uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:echo/invocations`,
      }));
      return;
    }
    await gw.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await gw.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': IDENTITY_TEMPLATE } }));
  };
  await add('pets', 'GET', 'AWS_IAM', 'MOCK');
  await add('echo', 'POST', 'AWS_IAM', 'LAMBDA');
  await add('open', 'GET', 'NONE', 'MOCK');
  await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
  return api.id!;
}

const denial = (user: string, apiId: string, path: string, explicit: boolean) => ({
  status: 403,
  errorType: 'AccessDeniedException',
  body: JSON.stringify({
    Message: `User: ${user} is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:${apiId}/dev/GET${path}`
      + (explicit ? ' with an explicit deny' : ' because no identity-based policy allows the execute-api:Invoke action'),
  }),
});

let apiId: string;
let alice: Awaited<ReturnType<typeof newUser>>;
let bob: Awaited<ReturnType<typeof newUser>>;
let carol: Awaited<ReturnType<typeof newUser>>;

beforeAll(async () => {
  archway = await startArchway();
  gw = archway.apigateway;
  iam = new IAMClient({ endpoint: archway.endpoint, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1 });
  const lambda = lambdaClient(archway);
  await createFunction(lambda, 'echo', 'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });');
  lambda.destroy();
  apiId = await newApi();
  // alice may call everything under /dev (wildcards in the ARN), bob nothing, carol everything but GET /pets.
  alice = await newUser('alice', policyOf(invoke('Allow', `arn:aws:execute-api:us-east-1:*:${apiId}/dev/*`)));
  bob = await newUser('bob');
  carol = await newUser('carol', policyOf(invoke('Allow', '*'), invoke('Deny', 'arn:aws:execute-api:*:*:*/*/GET/pets')));
});
afterAll(async () => {
  iam?.destroy();
  await archway?.stop();
});

const url = (path: string, id = apiId) => archway.invokeUrl(id, 'dev', path);

describe('SigV4 on AWS_IAM methods', () => {
  it('answers an unsigned call MissingAuthenticationTokenException, and serves a method without AWS_IAM unsigned', async () => {
    expect(await signedCall(url('/pets'), undefined)).toEqual({ status: 403, errorType: 'MissingAuthenticationTokenException', body: '{"message":"Missing Authentication Token"}' });
    expect((await signedCall(url('/open'), undefined)).status).toBe(200);
  });

  it('serves a header-signed call and puts the caller in $context.identity', async () => {
    const answer = await signedCall(url('/pets'), alice);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ userArn: alice.arn, user: alice.userId, caller: alice.userId, accessKey: alice.accessKeyId, accountId: ACCOUNT });
    expect(alice.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(alice.userId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(alice.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
  });

  it('serves a presigned URL (query-string form)', async () => {
    const answer = await signedCall(url('/pets?color=dark%20red'), alice, { presign: true });
    expect([answer.status, JSON.parse(answer.body).userArn]).toEqual([200, alice.arn]);
  });

  it('passes the caller to a Lambda proxy function in requestContext.identity', async () => {
    const answer = await signedCall(url('/echo'), alice, { method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(200);
    const event = JSON.parse(answer.body);
    expect(event.body).toBe('{"n":1}');
    expect(event.requestContext.identity).toMatchObject({ userArn: alice.arn, user: alice.userId, caller: alice.userId, accessKey: alice.accessKeyId, accountId: ACCOUNT });
    // The signature is dropped before the integration, as for HTTP integrations; the rest of the signed headers stay.
    expect(Object.keys(event.headers).map((name) => name.toLowerCase())).toEqual(expect.arrayContaining(['x-amz-date', 'content-type']));
    expect(Object.keys(event.headers).map((name) => name.toLowerCase())).not.toContain('authorization');
    expect(Object.keys(event.multiValueHeaders).map((name) => name.toLowerCase())).not.toContain('authorization');
  });

  it('refuses a session token the key was not issued with: UnrecognizedClientException', async () => {
    expect(await signedCall(url('/pets'), { ...alice, sessionToken: 'FwoGZXIvYXdzEBoaD' })).toEqual({
      status: 403, errorType: 'UnrecognizedClientException', body: '{"message":"The security token included in the request is invalid."}',
    });
    expect((await signedCall(url('/pets'), { ...alice, sessionToken: 'FwoGZXIvYXdzEBoaD' }, { presign: true })).errorType).toBe('UnrecognizedClientException');
  });

  it('refuses a signature more than 5 minutes old or ahead, with AWS messages', async () => {
    const old = await signedCall(url('/pets'), alice, { signingDate: new Date(Date.now() - 6 * 60_000) });
    expect([old.status, old.errorType]).toEqual([403, 'InvalidSignatureException']);
    expect(JSON.parse(old.body).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    const ahead = await signedCall(url('/pets'), alice, { signingDate: new Date(Date.now() + 6 * 60_000) });
    expect(JSON.parse(ahead.body).message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
    // Within the skew: served.
    expect((await signedCall(url('/pets'), alice, { signingDate: new Date(Date.now() - 4 * 60_000) })).status).toBe(200);
  });

  it('refuses a wrong secret, a tampered body, an unknown key and a non-SigV4 Authorization header', async () => {
    const mismatch = {
      status: 403, errorType: 'InvalidSignatureException',
      body: JSON.stringify({ message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' }),
    };
    expect(await signedCall(url('/pets'), { ...alice, secretAccessKey: 'wrong' })).toEqual(mismatch);
    expect(await signedCall(url('/echo'), alice, { method: 'POST', body: 'x', headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } })).toEqual(mismatch);
    expect(await signedCall(url('/pets'), { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' })).toEqual({
      status: 403, errorType: 'UnrecognizedClientException', body: '{"message":"The security token included in the request is invalid."}',
    });
    const bearer = await signedCall(url('/pets'), undefined, { headers: { authorization: 'Bearer abc' } });
    expect([bearer.status, bearer.errorType]).toEqual([403, 'IncompleteSignatureException']);
    expect(JSON.parse(bearer.body).message).toBe(
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
    );
  });

  it('refuses a signature scoped to another service or region', async () => {
    const region = await signedCall(url('/pets'), alice, { region: 'eu-west-1' });
    expect([region.errorType, JSON.parse(region.body).message]).toEqual(['InvalidSignatureException', "Credential should be scoped to a valid region, not 'eu-west-1'. "]);
    const service = await signedCall(url('/pets'), alice, { service: 'lambda' });
    expect([service.status, service.errorType, JSON.parse(service.body).message]).toEqual([403, 'InvalidSignatureException', "Credential should be scoped to correct service: 'execute-api'. "]);
  });

  it('accepts a request signed by botocore (the AWS CLI\'s signer)', async () => {
    const script = [
      'import sys, urllib.request',
      'from botocore.auth import SigV4Auth',
      'from botocore.awsrequest import AWSRequest',
      'from botocore.credentials import Credentials',
      'key, secret, url = sys.argv[1:4]',
      "request = AWSRequest(method='GET', url=url, headers={'Accept': 'application/json'})",
      "SigV4Auth(Credentials(key, secret), 'execute-api', 'us-east-1').add_auth(request)",
      'prepared = request.prepare()',
      'try:',
      '    answer = urllib.request.urlopen(urllib.request.Request(prepared.url, headers=dict(prepared.headers)))',
      '    print(answer.status, answer.read().decode())',
      'except urllib.error.HTTPError as error:',
      '    print(error.code, error.read().decode())',
    ].join('\n');
    // Asynchronously: the server answering it runs in this process.
    const out = (await promisify(execFile)('python3', ['-c', script, alice.accessKeyId, alice.secretAccessKey, url('/pets?q=a%20b&a=1')], { encoding: 'utf8' })).stdout.trim();
    expect(out.slice(0, 3)).toBe('200');
    expect(JSON.parse(out.slice(4)).userArn).toBe(alice.arn);
  });

  it('serves the admin credentials as the account root', async () => {
    const answer = await signedCall(url('/pets'), ADMIN);
    expect(JSON.parse(answer.body)).toEqual({ userArn: `arn:aws:iam::${ACCOUNT}:root`, user: ACCOUNT, caller: ACCOUNT, accessKey: ADMIN.accessKeyId, accountId: ACCOUNT });
  });

  it('runs TestInvokeMethod as its own caller, the account root, without a signature', async () => {
    const resources = await gw.send(new (await import('@aws-sdk/client-api-gateway')).GetResourcesCommand({ restApiId: apiId }));
    const pets = resources.items!.find((r) => r.path === '/pets')!;
    const answer = await gw.send(new TestInvokeMethodCommand({ restApiId: apiId, resourceId: pets.id, httpMethod: 'GET' }));
    expect([answer.status, JSON.parse(answer.body!).userArn]).toEqual([200, `arn:aws:iam::${ACCOUNT}:root`]);
  });
});

describe('identity policies', () => {
  it('refuses a caller no identity policy allows, and one a Deny covers, with AWS text', async () => {
    expect(await signedCall(url('/pets'), bob)).toEqual(denial(bob.arn, apiId, '/pets', false));
    expect(await signedCall(url('/pets'), carol)).toEqual(denial(carol.arn, apiId, '/pets', true));
    expect((await signedCall(url('/echo'), carol, { method: 'POST', body: '{}' })).status).toBe(200);
  });

  it('follows policy changes without a redeployment', async () => {
    const dave = await newUser('dave');
    expect((await signedCall(url('/pets'), dave)).status).toBe(403);
    await iam.send(new PutUserPolicyCommand({ UserName: 'dave', PolicyName: 'p', PolicyDocument: policyOf(invoke('Allow', `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/*/GET/*`)) }));
    await archway.running.dataPlane.iamCallers.catchUp();
    expect((await signedCall(url('/pets'), dave)).status).toBe(200);
    await iam.send(new PutUserPolicyCommand({ UserName: 'dave', PolicyName: 'p', PolicyDocument: policyOf({ Effect: 'Allow', NotAction: 'execute-api:*', Resource: '*' }) }));
    await archway.running.dataPlane.iamCallers.catchUp();
    expect((await signedCall(url('/pets'), dave)).status).toBe(403);
  });

  it('refuses a deleted access key as an unknown one', async () => {
    const erin = await newUser('erin', policyOf(invoke('Allow', '*')));
    expect((await signedCall(url('/pets'), erin)).status).toBe(200);
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'erin', AccessKeyId: erin.accessKeyId }));
    await archway.running.dataPlane.iamCallers.catchUp();
    const refused = await signedCall(url('/pets'), erin);
    expect(refused.status).toBe(403);
    expect(refused.errorType).toBe('UnrecognizedClientException');
  });

  it('evaluates identity-policy conditions on the caller\'s own keys (aws:PrincipalTag, aws:username)', async () => {
    const byTag = policyOf({ ...invoke('Allow', '*'), Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a', 'aws:username': ['frank', 'gina'] } } });
    for (const [name, team] of [['frank', 'a'], ['gina', 'b']] as const) {
      await iam.send(new CreateUserCommand({ UserName: name, Tags: [{ Key: 'team', Value: team }] }));
    }
    const keysOf = async (name: string) => {
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: byTag }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    };
    const [frank, gina] = [await keysOf('frank'), await keysOf('gina')];
    await archway.running.dataPlane.iamCallers.catchUp();
    expect((await signedCall(url('/pets'), frank)).status).toBe(200);
    expect((await signedCall(url('/pets'), gina)).status).toBe(403);
  });
});

describe('resource policy combined with the caller (Table A, same account)', () => {
  it('identity silent, resource policy Allow for the user: allowed', async () => {
    const id = await newApi(policyOf({ Effect: 'Allow', Principal: { AWS: bob.arn }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }));
    expect((await signedCall(url('/pets', id), bob)).status).toBe(200);
  });

  it('identity Allow, resource policy silent: allowed; both silent: implicit deny', async () => {
    const id = await newApi(policyOf({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/nobody` }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }));
    const carolOnly = await newApi(policyOf({ Effect: 'Allow', Principal: { AWS: carol.arn }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }));
    expect((await signedCall(url('/pets', carolOnly), alice)).status).toBe(403); // alice's policy names the first API only
    expect(await signedCall(url('/pets', id), bob)).toEqual(denial(bob.arn, id, '/pets', false));
    expect((await signedCall(url('/pets', carolOnly), carol)).status).toBe(403); // carol's own Deny wins
  });

  it('resource policy Deny (a condition on aws:username): explicit deny whatever the identity allows', async () => {
    const id = await newApi(policyOf(
      { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
      { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { StringEquals: { 'aws:username': 'carol' } } },
    ));
    expect((await signedCall(url('/echo', id), bob, { method: 'POST', body: '{}' })).status).toBe(200);
    const refused = await signedCall(url('/echo', id), carol, { method: 'POST', body: '{}' });
    expect([refused.status, JSON.parse(refused.body).Message]).toEqual([403, expect.stringMatching(/with an explicit deny$/)]);
  });

  it('identity Deny, resource policy Allow: explicit deny', async () => {
    const id = await newApi(policyOf({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }));
    expect(await signedCall(url('/pets', id), carol)).toEqual(denial(carol.arn, id, '/pets', true));
  });

  it('a redeployed resource policy decides anew for a caller it already served', async () => {
    const id = await newApi(policyOf({ Effect: 'Allow', Principal: { AWS: bob.arn }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }));
    expect((await signedCall(url('/pets', id), bob)).status).toBe(200);
    const deny = policyOf({ Effect: 'Deny', Principal: { AWS: bob.arn }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*' });
    await gw.send(new UpdateRestApiCommand({ restApiId: id, patchOperations: [{ op: 'replace', path: '/policy', value: deny }] }));
    expect((await signedCall(url('/pets', id), bob)).status).toBe(200); // the stage still serves its deployment's policy
    await gw.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'dev' }));
    expect(await signedCall(url('/pets', id), bob)).toEqual(denial(bob.arn, id, '/pets', true));
  });

  it('resource policy Deny for the account root refuses the admin credentials too', async () => {
    const id = await newApi(policyOf({ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'execute-api:Invoke', Resource: 'execute-api:/*/GET/pets' }));
    expect(await signedCall(url('/pets', id), ADMIN)).toEqual(denial(`arn:aws:iam::${ACCOUNT}:root`, id, '/pets', true));
  });
});
