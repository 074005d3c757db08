// Input the AWS SDK would never send but other clients can: non-string patch values, bad
// TestInvokeMethod maps, chosen API ids that could not be addressed. Raw signed requests
// go through the CLI's own SigV4 client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { expectError } from '../helpers/aws-errors.js';
import { ApiError, ControlPlaneClient } from '../../src/cli/client.js';

let archway: TestArchway;
let raw: ControlPlaneClient;

beforeAll(async () => {
  archway = await startArchway();
  raw = new ControlPlaneClient({ endpoint: archway.endpoint, region: 'us-east-1', adminCredentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  await archway?.stop();
});

async function rawError(path: string, method: 'POST' | 'PATCH', body: unknown): Promise<ApiError> {
  const error = await raw.json({ method, path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('chosen REST API ids', () => {
  it('refuses a _custom_id_ that no invoke URL could address', async () => {
    for (const id of ['', '../x', 'has.dot', 'a'.repeat(129)]) {
      await expectError(archway.apigateway.send(new CreateRestApiCommand({ name: 'bad', tags: { _custom_id_: id } })), 'BadRequestException', /^Invalid REST API id/, 400);
    }
    const ok = await archway.apigateway.send(new CreateRestApiCommand({ name: 'ok', tags: { _custom_id_: 'My_Api-01' } }));
    expect(ok.id).toBe('My_Api-01');
  });
});

describe('wire types', () => {
  it('refuses a patch value that is not a string, as AWS does', async () => {
    const api = await archway.apigateway.send(new CreateRestApiCommand({ name: 'patch' }));
    const error = await rawError(`/restapis/${api.id}`, 'PATCH', { patchOperations: [{ op: 'replace', path: '/name', value: { a: 1 } }] });
    expect([error.status, error.type]).toEqual([400, 'SerializationException']);
  });

  it('refuses TestInvokeMethod multiValueHeaders that are not lists of strings', async () => {
    const api = await archway.apigateway.send(new CreateRestApiCommand({ name: 'tim' }));
    await raw.json({ method: 'PUT', path: `/restapis/${api.id}/resources/${api.rootResourceId}/methods/GET`, body: JSON.stringify({ authorizationType: 'NONE' }), headers: { 'content-type': 'application/json' } });
    const error = await rawError(`/restapis/${api.id}/resources/${api.rootResourceId}/methods/GET`, 'POST', { multiValueHeaders: { a: 5 } });
    expect([error.status, error.type]).toEqual([400, 'SerializationException']);
    const notList = await rawError(`/restapis/${api.id}/resources/${api.rootResourceId}/methods/GET`, 'POST', { multiValueHeaders: { a: 'xyz' } });
    expect(notList.status).toBe(400);
  });
});
