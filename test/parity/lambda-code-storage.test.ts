// Function code through the whole Archway: zip bombs refused at upload with Lambda's error, the
// gateway serving while a large package unpacks, and `{dataDir}/functions/{sha}` following the
// functions (read-only, removed when no version uses it, checked again after a restart).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import {
  CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand, PublishVersionCommand, UpdateFunctionCodeCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  CreateDeploymentCommand, CreateRestApiCommand, GetResourcesCommand, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient, ROLE, zipOf } from '../helpers/lambda.js';
import { createZip } from '../../src/functions/zip.js';
import { declareSize, deflatedZeros, zipAround } from '../helpers/zip-craft.js';

const UNZIPPED_TOO_LARGE = 'Unzipped size must be smaller than 262144000 bytes';
const hexOf = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

async function invoke(lambda: LambdaClient, name: string): Promise<unknown> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
  const text = Buffer.from(out.Payload ?? []).toString('utf8');
  if (out.FunctionError !== undefined) throw new Error(`${name} failed: ${text}`);
  return JSON.parse(text);
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 3000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('zip bombs at upload', () => {
  let archway: TestArchway;
  let lambda: LambdaClient;
  beforeAll(async () => {
    archway = await startArchway();
    lambda = lambdaClient(archway);
    await createFunction(lambda, 'small', 'export const handler = async () => 1;');
  });
  afterAll(async () => {
    lambda?.destroy();
    await archway?.stop();
  });

  const create = (name: string, zip: Buffer) => lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip },
  }));

  it('refuses declared sizes over 262144000 bytes with InvalidParameterValueException, at once', async () => {
    const bomb = declareSize(declareSize(createZip({ 'index.mjs': 'x', 'zeros.bin': 'y' }), 0, 131_072_000), 1, 131_072_001);
    const started = performance.now();
    await expect(create('bomb', bomb)).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: UNZIPPED_TOO_LARGE });
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'small', ZipFile: bomb })))
      .rejects.toMatchObject({ name: 'InvalidParameterValueException', message: UNZIPPED_TOO_LARGE });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a header that lies about its size without inflating it all', async () => {
    const liar = zipAround('index.mjs', await deflatedZeros(600), 4096);
    const before = process.memoryUsage().rss;
    await expect(create('liar', liar)).rejects.toMatchObject({
      name: 'InvalidParameterValueException', message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
    expect(await invoke(lambda, 'small')).toBe(1);
  }, 30_000);
});

describe('a large package unpacks while the gateway serves', () => {
  let archway: TestArchway;
  let lambda: LambdaClient;
  let pingUrl: string;
  beforeAll(async () => {
    archway = await startArchway();
    lambda = lambdaClient(archway);
    const gw = archway.apigateway;
    const restApiId = (await gw.send(new CreateRestApiCommand({ name: 'ping' }))).id!;
    const resourceId = (await gw.send(new GetResourcesCommand({ restApiId }))).items![0].id!;
    await gw.send(new PutMethodCommand({ restApiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await gw.send(new PutIntegrationCommand({ restApiId, resourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await gw.send(new PutMethodResponseCommand({ restApiId, resourceId, httpMethod: 'GET', statusCode: '200' }));
    await gw.send(new PutIntegrationResponseCommand({ restApiId, resourceId, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': 'pong' } }));
    await gw.send(new CreateDeploymentCommand({ restApiId, stageName: 'dev' }));
    pingUrl = archway.invokeUrl(restApiId, 'dev', '/');
  });
  afterAll(async () => {
    lambda?.destroy();
    await archway?.stop();
  });

  it('answers data-plane requests during the unpack', async () => {
    // 240 MB unzipped (under the quota) in four files, a few hundred KB zipped.
    const zeros = Buffer.alloc(60 * 1024 * 1024);
    const zip = createZip({ 'index.mjs': 'export const handler = async () => "big";', 'a.bin': zeros, 'b.bin': zeros, 'c.bin': zeros, 'd.bin': zeros });
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'big', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } }));
    expect((await request(pingUrl)).statusCode).toBe(200);

    let unpacked = false;
    const invocation = invoke(lambda, 'big').finally(() => {
      unpacked = true;
    });
    let answered = 0;
    while (!unpacked) {
      const response = await request(pingUrl);
      expect(await response.body.text()).toBe('pong');
      answered++;
    }
    expect(await invocation).toBe('big');
    // The unpack takes a while and the pings kept being answered meanwhile (how fast is bench's
    // business: a timed assertion fails on a loaded machine).
    expect(answered).toBeGreaterThan(3);
  }, 60_000);
});

describe('{dataDir}/functions/{sha}', () => {
  let dataDir: string;
  let archway: TestArchway;
  let lambda: LambdaClient;
  const codeDir = (sha: string) => join(dataDir, 'functions', sha);
  const start = async () => {
    archway = await startArchway({ inMemory: false, dataDir });
    lambda = lambdaClient(archway);
  };
  const stop = async () => {
    lambda.destroy();
    await archway.stop();
  };
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'archway-code-'));
    await start();
  });
  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const INSPECT = (tag: string) => `import { statSync, writeFileSync } from 'node:fs';
export const handler = async () => {
  const root = process.env.LAMBDA_TASK_ROOT;
  let write = 'allowed';
  try { writeFileSync(root + '/index.mjs', 'overwritten'); } catch (error) { write = error.code; }
  return { tag: ${JSON.stringify(tag)}, root, fileMode: statSync(root + '/index.mjs').mode & 0o777, dirMode: statSync(root).mode & 0o777, write };
};`;

  it('is read-only for the function, and removed when no version references it', async () => {
    const arn = await createFunction(lambda, 'one', INSPECT('v1'));
    await createFunction(lambda, 'twin', INSPECT('v1'));
    const shaV1 = hexOf((await lambda.send(new PublishVersionCommand({ FunctionName: 'twin' }))).CodeSha256!);
    expect(arn).toContain(':function:one');

    const seen = await invoke(lambda, 'one') as { tag: string; root: string; fileMode: number; dirMode: number; write: string };
    expect(seen).toMatchObject({ tag: 'v1', root: codeDir(shaV1), fileMode: 0o444, dirMode: 0o555 });
    if (process.getuid?.() !== 0) expect(seen.write).toMatch(/EACCES|EPERM/);
    else chmodSync(join(codeDir(shaV1), 'index.mjs'), 0o444); // root writes anyway; put it back
    expect(existsSync(codeDir(shaV1))).toBe(true);

    // UpdateFunctionCode: v1 still runs `twin` ($LATEST and version 1).
    const v2 = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'one', ZipFile: zipOf(INSPECT('v2')) }));
    const shaV2 = hexOf(v2.CodeSha256!);
    expect((await invoke(lambda, 'one') as { tag: string }).tag).toBe('v2');
    expect(existsSync(codeDir(shaV2))).toBe(true);
    expect(existsSync(codeDir(shaV1))).toBe(true);

    // `twin` moves on; its version 1 still holds v1.
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'twin', ZipFile: zipOf(INSPECT('v2')) }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(codeDir(shaV1))).toBe(true);
    // Deleting that version drops the last reference to v1.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'twin', Qualifier: '1' }));
    await eventually(() => !existsSync(codeDir(shaV1)) && !existsSync(`${codeDir(shaV1)}.complete`), 'v1 to be removed');

    // v2 is shared by `one` and `twin`: it goes with the last of them.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'twin' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(codeDir(shaV2))).toBe(true);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'one' }));
    await eventually(() => !existsSync(codeDir(shaV2)), 'v2 to be removed');
    expect(readdirSync(join(dataDir, 'functions'))).toEqual([]);
  });

  it('after a restart, unpacks again a folder that was changed instead of running it', async () => {
    await createFunction(lambda, 'kept', 'export const handler = async () => "original";');
    const sha = hexOf((await lambda.send(new PublishVersionCommand({ FunctionName: 'kept' }))).CodeSha256!);
    expect(await invoke(lambda, 'kept')).toBe('original');
    await stop();

    const file = join(codeDir(sha), 'index.mjs');
    chmodSync(file, 0o644);
    writeFileSync(file, 'export const handler = async () => "tampered";');
    expect(statSync(file).mode & 0o222).not.toBe(0);

    await start();
    expect(await invoke(lambda, 'kept')).toBe('original');
    expect(statSync(file).mode & 0o777).toBe(0o444);
  });
});
