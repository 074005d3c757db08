// Functions created through the lambda API live in the data directory: the built `archway`
// command, stopped (SIGTERM, then SIGKILL) and started again on the same --data-dir, still
// serves the function, its published version and its alias (run `npm run build` first).
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand, GetAliasCommand, GetFunctionCommand, InvokeCommand, LambdaClient, PublishVersionCommand, UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { spawnArchway, type ArchwayProcess } from '../helpers/archway-process.js';
import { createFunction, zipOf, payloadText } from '../helpers/lambda.js';

const running: ArchwayProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.child.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

async function start(args: string[]): Promise<{ process: ArchwayProcess; lambda: LambdaClient }> {
  const p = await spawnArchway(['--log-level', 'warn', ...args]);
  running.push(p);
  const lambda = new LambdaClient({ endpoint: p.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  cleanups.push(() => lambda.destroy());
  return { process: p, lambda };
}

const call = async (lambda: LambdaClient, name: string) => {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
  return { payload: payloadText(out.Payload), version: out.ExecutedVersion };
};

describe('functions across restarts (--data-dir)', () => {
  it('keeps an API-created function, its published version and its alias', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'archway-lambda-e2e-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = await start(['--data-dir', dataDir]);
    await createFunction(first.lambda, 'kept', 'export const handler = async () => "one";');
    await first.lambda.send(new PublishVersionCommand({ FunctionName: 'kept' }));
    await first.lambda.send(new CreateAliasCommand({ FunctionName: 'kept', Name: 'live', FunctionVersion: '1' }));
    await first.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'kept', ZipFile: zipOf('export const handler = async () => "two";') }));
    expect(await call(first.lambda, 'kept:live')).toEqual({ payload: '"one"', version: '1' });
    first.process.child.kill('SIGTERM');
    expect(await first.process.exited).toBe(0);

    const second = await start(['--data-dir', dataDir]);
    expect(await call(second.lambda, 'kept')).toEqual({ payload: '"two"', version: '$LATEST' });
    expect(await call(second.lambda, 'kept:1')).toEqual({ payload: '"one"', version: '1' });
    expect(await call(second.lambda, 'kept:live')).toEqual({ payload: '"one"', version: '1' });
    expect((await second.lambda.send(new GetAliasCommand({ FunctionName: 'kept', Name: 'live' }))).FunctionVersion).toBe('1');
    second.process.child.kill('SIGKILL');
    await second.process.exited;

    // After a SIGKILL too.
    const third = await start(['--data-dir', dataDir]);
    expect((await third.lambda.send(new GetFunctionCommand({ FunctionName: 'kept', Qualifier: 'live' }))).Configuration?.Version).toBe('1');
    expect(await call(third.lambda, 'kept:live')).toEqual({ payload: '"one"', version: '1' });
  }, 30_000);
});
