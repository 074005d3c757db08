// AWS parity: the iam control plane over AWS's query protocol, driven by @aws-sdk/client-iam
// and by the AWS CLI (botocore): users, access keys, inline policies, roles, and IAM's errors
// (IAM API Reference, https://docs.aws.amazon.com/IAM/latest/APIReference/).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AttachRolePolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteRoleCommand,
  DeleteUserCommand, DeleteUserPolicyCommand, GetRoleCommand, GetUserCommand, GetUserPolicyCommand, IAMClient, ListAccessKeysCommand,
  ListUserPoliciesCommand, PutRolePolicyCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { DEFAULT_OPTIONS } from '../../src/options/options.js';

let archway: TestArchway;
let iam: IAMClient;
const ACCOUNT = DEFAULT_OPTIONS.accountId;

beforeAll(async () => {
  archway = await startArchway();
  iam = new IAMClient({ endpoint: archway.endpoint, region: 'us-east-1', credentials: DEFAULT_OPTIONS.adminCredentials, maxAttempts: 1 });
});
afterAll(async () => {
  iam?.destroy();
  await archway?.stop();
});

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:*/prod/*' }] });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  const error = await promise.then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata?: { httpStatusCode?: number } });
  expect(error).toBeDefined();
  return { name: error!.name, message: error!.message, status: error!.$metadata?.httpStatusCode };
}

describe('users, access keys and inline policies', () => {
  it('creates a user with AWS ids and ARN, and refuses a second of the same name (any case)', async () => {
    const user = (await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/team/', Tags: [{ Key: 'team', Value: 'pets' }] }))).User!;
    expect(user).toMatchObject({ UserName: 'alice', Path: '/team/', Arn: `arn:aws:iam::${ACCOUNT}:user/team/alice`, Tags: [{ Key: 'team', Value: 'pets' }] });
    expect(user.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(user.CreateDate).toBeInstanceOf(Date);
    expect((await iam.send(new GetUserCommand({ UserName: 'alice' }))).User).toEqual(user);
    expect(await failure(iam.send(new CreateUserCommand({ UserName: 'ALICE' })))).toEqual({ name: 'EntityAlreadyExistsException', message: 'User with name ALICE already exists.', status: 409 });
    expect(await failure(iam.send(new GetUserCommand({ UserName: 'nobody' })))).toEqual({ name: 'NoSuchEntityException', message: 'The user with name nobody cannot be found.', status: 404 });
    expect((await failure(iam.send(new CreateUserCommand({ UserName: 'bad name' })))).name).toBe('ValidationError');
  });

  it('issues at most two access keys, lists them without secrets, and deletes them', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'keys' }));
    const first = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keys' }))).AccessKey!;
    expect(first).toMatchObject({ UserName: 'keys', Status: 'Active' });
    expect(first.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(first.SecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    const second = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keys' }))).AccessKey!;
    expect(await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'keys' })))).toEqual({ name: 'LimitExceededException', message: 'Cannot exceed quota for AccessKeysPerUser: 2', status: 409 });
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'keys' }));
    expect(listed.AccessKeyMetadata!.map((k) => [k.AccessKeyId, k.Status, 'SecretAccessKey' in k])).toEqual([[first.AccessKeyId, 'Active', false], [second.AccessKeyId, 'Active', false]]);
    expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'keys' })))).toEqual({ name: 'DeleteConflictException', message: 'Cannot delete entity, must delete access keys first.', status: 409 });
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'keys', AccessKeyId: first.AccessKeyId }));
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'keys', AccessKeyId: second.AccessKeyId }));
    expect(await failure(iam.send(new DeleteAccessKeyCommand({ UserName: 'keys', AccessKeyId: first.AccessKeyId })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    await iam.send(new DeleteUserCommand({ UserName: 'keys' }));
    expect((await failure(iam.send(new GetUserCommand({ UserName: 'keys' })))).name).toBe('NoSuchEntityException');
  });

  it('puts, reads (URL-encoded, as IAM answers), lists and deletes inline policies; refuses a malformed one', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'policies' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'policies', PolicyName: 'invoke', PolicyDocument: POLICY }));
    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'policies', PolicyName: 'invoke' }));
    expect([got.UserName, got.PolicyName, decodeURIComponent(got.PolicyDocument!)]).toEqual(['policies', 'invoke', POLICY]);
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'policies' }))).PolicyNames).toEqual(['invoke']);
    expect(await failure(iam.send(new PutUserPolicyCommand({ UserName: 'policies', PolicyName: 'bad', PolicyDocument: '{not json' })))).toEqual({
      name: 'MalformedPolicyDocumentException', message: 'Syntax errors in policy.', status: 400,
    });
    expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'policies' })))).toMatchObject({ message: 'Cannot delete entity, must delete policies first.' });
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'policies', PolicyName: 'invoke' }));
    expect(await failure(iam.send(new GetUserPolicyCommand({ UserName: 'policies', PolicyName: 'invoke' })))).toEqual({
      name: 'NoSuchEntityException', message: 'The user policy with name invoke cannot be found.', status: 404,
    });
    await iam.send(new DeleteUserCommand({ UserName: 'policies' }));
  });
});

describe('roles', () => {
  it('creates a role with its trust policy, takes inline and managed policies, and deletes it once they are gone', async () => {
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'integration', AssumeRolePolicyDocument: TRUST, Description: 'calls Lambda' }))).Role!;
    expect(role).toMatchObject({ RoleName: 'integration', Path: '/', Arn: `arn:aws:iam::${ACCOUNT}:role/integration`, Description: 'calls Lambda', MaxSessionDuration: 3600 });
    expect(role.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toBe(TRUST);
    expect((await iam.send(new GetRoleCommand({ RoleName: 'integration' }))).Role).toEqual(role);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'integration', PolicyName: 'invoke', PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }] }) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'integration', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaRole' }));
    expect((await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'integration', PolicyArn: 'not-an-arn' })))).name).toBe('InvalidInputException');
    expect(await failure(iam.send(new DeleteRoleCommand({ RoleName: 'integration' })))).toEqual({
      name: 'DeleteConflictException', message: 'Cannot delete entity, must detach all policies first.', status: 409,
    });
    expect(await failure(iam.send(new GetRoleCommand({ RoleName: 'nobody' })))).toEqual({ name: 'NoSuchEntityException', message: 'The role with name nobody cannot be found.', status: 404 });
  });
});

describe('secret access keys at rest', () => {
  it('stores them sealed, serves them after a restart, and refuses to start with another encryption key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'archway-iam-'));
    try {
      const first = await startArchway({ inMemory: false, dataDir });
      const client = new IAMClient({ endpoint: first.endpoint, region: 'us-east-1', credentials: DEFAULT_OPTIONS.adminCredentials, maxAttempts: 1 });
      await client.send(new CreateUserCommand({ UserName: 'stored' }));
      const key = (await client.send(new CreateAccessKeyCommand({ UserName: 'stored' }))).AccessKey!;
      client.destroy();
      await first.stop();
      const files = readdirSync(dataDir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(dataDir, entry.name));
      for (const file of files) expect(readFileSync(file).includes(key.SecretAccessKey!), `${file} holds the plain secret`).toBe(false);
      const second = await startArchway({ inMemory: false, dataDir });
      try {
        await second.running.dataPlane.iamCallers.catchUp();
        expect(second.running.dataPlane.iamCallers.callerOf(key.AccessKeyId!)?.secretAccessKey).toBe(key.SecretAccessKey);
      } finally {
        await second.stop();
      }
      await expect(startArchway({ inMemory: false, dataDir, encryptionKey: 'ab'.repeat(32) })).rejects.toThrow(/encrypted with another key/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the AWS CLI', () => {
  const aws = async (...args: string[]) => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    // Asynchronously: the server answering it runs in this process.
    return (await promisify(execFile)('aws', ['--endpoint-url', archway.endpoint, '--output', 'json', ...args], { env, encoding: 'utf8' })).stdout;
  };

  it('creates a user, an access key and a policy, and reads them back', async () => {
    expect(JSON.parse(await aws('iam', 'create-user', '--user-name', 'cli-user')).User.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/cli-user`);
    const key = JSON.parse(await aws('iam', 'create-access-key', '--user-name', 'cli-user')).AccessKey;
    expect(key.AccessKeyId).toMatch(/^AKIA/);
    await aws('iam', 'put-user-policy', '--user-name', 'cli-user', '--policy-name', 'invoke', '--policy-document', POLICY);
    // The CLI decodes the URL-encoded document, as it does against AWS.
    expect(JSON.parse(await aws('iam', 'get-user-policy', '--user-name', 'cli-user', '--policy-name', 'invoke')).PolicyDocument).toEqual(JSON.parse(POLICY));
    expect(JSON.parse(await aws('iam', 'list-access-keys', '--user-name', 'cli-user')).AccessKeyMetadata[0].AccessKeyId).toBe(key.AccessKeyId);
    const missing = await aws('iam', 'get-user', '--user-name', 'nobody').then(() => '', (error: { stderr: string }) => error.stderr);
    expect(missing).toContain('An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name nobody cannot be found.');
  });
});
