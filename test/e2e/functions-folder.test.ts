// `archway start --functions PATH`: functions declared from a folder or a YAML file, served
// through the lambda API and API Gateway, reloaded when their files change on disk.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { DeleteFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  CreateDeploymentCommand, CreateRestApiCommand, GetResourcesCommand, PutIntegrationCommand, PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { spawnArchway } from '../helpers/archway-process.js';
import { lambdaClient, payloadText } from '../helpers/lambda.js';

let archway: TestArchway | undefined;
let lambda: LambdaClient | undefined;

afterEach(async () => {
  lambda?.destroy();
  await archway?.stop();
  archway = undefined;
});


async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

describe('--functions FOLDER', () => {
  it('declares one function per sub-folder and reloads one whose code changes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'archway-fns-'));
    mkdirSync(join(root, 'hello'));
    writeFileSync(join(root, 'hello', 'index.mjs'), 'export const handler = async () => ({ statusCode: 200, body: "hello v1" });');
    archway = await startArchway({ functionsPath: root });
    lambda = lambdaClient(archway);

    const listed = await lambda.send(new ListFunctionsCommand({}));
    expect(listed.Functions!.map((f) => f.FunctionName)).toEqual(['hello']);
    expect(listed.Functions![0]).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs20.x', Timeout: 3, MemorySize: 128 });

    // Wired to a method like any other function.
    const gw = archway.apigateway;
    const apiId = (await gw.send(new CreateRestApiCommand({ name: 'folder' }))).id!;
    const rootId = (await gw.send(new GetResourcesCommand({ restApiId: apiId }))).items![0].id!;
    await gw.send(new PutMethodCommand({ restApiId: apiId, resourceId: rootId, httpMethod: 'GET', authorizationType: 'NONE' }));
    await gw.send(new PutIntegrationCommand({
      restApiId: apiId, resourceId: rootId, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST',
      uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:hello/invocations',
    }));
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev' }));
    const get = async () => (await request(archway!.invokeUrl(apiId, 'dev', '/'))).body.text();
    expect(await get()).toBe('hello v1');

    // Edit and call again: no redeploy, no restart.
    writeFileSync(join(root, 'hello', 'index.mjs'), 'export const handler = async () => ({ statusCode: 200, body: "hello v2" });');
    expect(await eventually(get, (body) => body === 'hello v2')).toBe('hello v2');

    // A new folder is a new function.
    mkdirSync(join(root, 'added'));
    writeFileSync(join(root, 'added', 'index.js'), 'exports.handler = async () => "added";');
    const added = await eventually(
      async () => (await lambda!.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionName),
      (names) => names!.includes('added'),
    );
    expect(added).toEqual(['added', 'hello']);
    expect(payloadText((await lambda.send(new InvokeCommand({ FunctionName: 'added' }))).Payload)).toBe('"added"');

    // Declared functions are changed on disk, not through the API.
    await expect(lambda.send(new DeleteFunctionCommand({ FunctionName: 'hello' }))).rejects.toMatchObject({ name: 'ResourceConflictException' });
  });
});

describe('--functions YAML', () => {
  it('takes name, runtime, handler, code path, environment and timeout from the file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'archway-yaml-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'app.cjs'), 'module.exports.run = async (e, c) => ({ greeting: process.env.GREETING, remaining: c.getRemainingTimeInMillis() });');
    const file = join(root, 'functions.yaml');
    writeFileSync(file, ['functions:', '  greeter:', '    code: ./src', '    handler: app.run', '    runtime: nodejs22.x', '    timeout: 12', '    environment:', '      GREETING: hola', ''].join('\n'));
    archway = await startArchway({ functionsPath: file });
    lambda = lambdaClient(archway);
    const config = (await lambda.send(new GetFunctionCommand({ FunctionName: 'greeter' }))).Configuration!;
    expect(config).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'app.run', Timeout: 12, Environment: { Variables: { GREETING: 'hola' } } });
    const out = JSON.parse(payloadText((await lambda.send(new InvokeCommand({ FunctionName: 'greeter' }))).Payload));
    expect(out.greeting).toBe('hola');
    expect(out.remaining).toBeGreaterThan(11_000);

    writeFileSync(file, ['functions:', '  greeter:', '    code: ./src', '    handler: app.run', '    environment:', '      GREETING: hello', ''].join('\n'));
    const greeting = await eventually(
      async () => JSON.parse(payloadText((await lambda!.send(new InvokeCommand({ FunctionName: 'greeter' }))).Payload)).greeting as string,
      (value) => value === 'hello',
    );
    expect(greeting).toBe('hello');
  });
});

describe('--functions reload as editors save', () => {
  it('follows saves that replace the file, and keeps the last good code when a save does not parse', async () => {
    const root = mkdtempSync(join(tmpdir(), 'archway-fns-save-'));
    mkdirSync(join(root, 'hello'));
    const file = join(root, 'hello', 'index.mjs');
    const source = (body: string) => `export const handler = async () => ${body};`;
    // Write a new file and rename it over the old one, as sed -i and most editors do.
    const replaceSave = (text: string) => {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    };
    writeFileSync(file, source('"v1"'));
    const archwayProcess = await spawnArchway(['--functions', root, '--in-memory']);
    const client = new LambdaClient({ endpoint: archwayProcess.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const invoke = async () => payloadText((await client.send(new InvokeCommand({ FunctionName: 'hello' }))).Payload);
      expect(await invoke()).toBe('"v1"');
      for (const version of ['v2', 'v3']) {
        replaceSave(source(`"${version}"`));
        expect(await eventually(invoke, (out) => out === `"${version}"`)).toBe(`"${version}"`);
      }
      // A plain write after replace-saves: the file is a new inode by now.
      writeFileSync(file, source('"v3b"'));
      expect(await eventually(invoke, (out) => out === '"v3b"')).toBe('"v3b"');

      replaceSave(source('"v4" +'));
      const reported = await eventually(async () => archwayProcess.output(), (out) => out.includes('SyntaxError'));
      expect(reported).toMatch(/index\.mjs:1: SyntaxError: .*still serving the last good code/);
      expect(await invoke()).toBe('"v3b"');

      replaceSave(source('"v5"'));
      expect(await eventually(invoke, (out) => out === '"v5"')).toBe('"v5"');
    } finally {
      client.destroy();
      archwayProcess.child.kill('SIGKILL');
      await archwayProcess.exited;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
