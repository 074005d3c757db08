// The `lambda` control plane and the local runtime, through @aws-sdk/client-lambda over
// loopback: function CRUD, Invoke's three types, error shapes, logs, versions and aliases,
// policies, and what each Node function sees (isolation, warm reuse, handler styles, context,
// timeouts, crashes, memory limit, concurrency).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddPermissionCommand, CreateAliasCommand, CreateFunctionCommand, DeleteAliasCommand, DeleteFunctionCommand, GetAliasCommand, GetFunctionCommand,
  GetFunctionConfigurationCommand, GetPolicyCommand, InvokeCommand, ListFunctionsCommand, PublishVersionCommand, RemovePermissionCommand,
  UpdateAliasCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient, ROLE, zipOf, payloadText } from '../helpers/lambda.js';
import { createZip } from '../../src/functions/zip.js';
import { DEFAULT_OPTIONS } from '../../src/options/options.js';

let archway: TestArchway;
let lambda: LambdaClient;

beforeAll(async () => {
  archway = await startArchway();
  lambda = lambdaClient(archway);
});

afterAll(async () => {
  lambda?.destroy();
  await archway?.stop();
});

const invoke = async (name: string, event: unknown = {}, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) =>
  lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), ...extra }));
const result = async (name: string, event: unknown = {}) => JSON.parse(payloadText((await invoke(name, event)).Payload));

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number }; $response?: unknown };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, body: e };
  }
  throw new Error('expected the call to fail');
}

describe('functions (CreateFunction, Get*, List, Update*, Delete)', () => {
  it('creates a function and answers with its FunctionConfiguration', async () => {
    const out = await lambda.send(new CreateFunctionCommand({
      FunctionName: 'config-fn', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Timeout: 5, MemorySize: 256,
      Description: 'described', Environment: { Variables: { COLOR: 'red' } }, Code: { ZipFile: zipOf('export const handler = async () => process.env.COLOR;') },
    }));
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out).toMatchObject({
      FunctionName: 'config-fn', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:config-fn', Runtime: 'nodejs22.x', Role: ROLE,
      Handler: 'index.handler', Timeout: 5, MemorySize: 256, Description: 'described', Version: '$LATEST', State: 'Active',
      LastUpdateStatus: 'Successful', PackageType: 'Zip', Architectures: ['x86_64'], Environment: { Variables: { COLOR: 'red' } },
      TracingConfig: { Mode: 'PassThrough' }, EphemeralStorage: { Size: 512 },
    });
    expect(out.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(out.LastModified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(out.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await result('config-fn')).toBe('red');

    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:config-fn' }));
    expect(got.Configuration).toMatchObject({ FunctionName: 'config-fn', CodeSha256: out.CodeSha256 });
    expect(got.Code?.RepositoryType).toBe('S3');
    const listed = await lambda.send(new ListFunctionsCommand({}));
    expect(listed.Functions!.map((f) => f.FunctionName)).toContain('config-fn');
  });

  it('applies UpdateFunctionConfiguration and UpdateFunctionCode to the next invocation', async () => {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'config-fn', Environment: { Variables: { COLOR: 'green' } }, Timeout: 7 }));
    expect(await result('config-fn')).toBe('green');
    const code = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'config-fn', ZipFile: zipOf('export const handler = async () => "new " + process.env.COLOR;') }));
    expect(code.Timeout).toBe(7);
    expect(await result('config-fn')).toBe('new green');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'config-fn', Handler: 'other.run' }));
    const conf = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'config-fn' }));
    expect(conf.Handler).toBe('other.run');
    const broken = await invoke('config-fn');
    expect(broken.FunctionError).toBe('Unhandled');
    expect(JSON.parse(payloadText(broken.Payload))).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringContaining("Cannot find module 'other'") });
  });

  it('deletes a function', async () => {
    await createFunction(lambda, 'short-lived', 'export const handler = async () => 1;');
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
    const error = await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: 'short-lived' })));
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:short-lived' });
  });

  it('answers AWS error shapes for conflicts and bad input', async () => {
    await createFunction(lambda, 'dup', 'export const handler = async () => 1;');
    expect(await errorOf(createFunction(lambda, 'dup', 'export const handler = async () => 1;'))).toMatchObject({
      name: 'ResourceConflictException', status: 409, message: 'Function already exist: dup',
    });
    expect(await errorOf(createFunction(lambda, 'py', 'x', { Runtime: 'python3.12' }))).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(await errorOf(lambda.send(new CreateFunctionCommand({
      FunctionName: 'badzip', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: Buffer.from('not a zip') },
    })))).toMatchObject({ name: 'InvalidParameterValueException', message: 'Could not unzip uploaded file. Please check your file, then try to upload again.' });
    expect(await errorOf(createFunction(lambda, 'slow', 'x', { Timeout: 901 }))).toMatchObject({
      name: 'ValidationException', message: "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
    });
    expect(await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'dup', Payload: Buffer.from('{not json') })))).toMatchObject({
      name: 'InvalidRequestContentException', status: 400,
    });
  });
});

describe('Invoke', () => {
  beforeAll(async () => {
    await createFunction(lambda, 'logger', `export const handler = async (event, context) => {
      console.log('event', JSON.stringify(event));
      console.error('to stderr');
      return { requestId: context.awsRequestId };
    };`);
    await createFunction(lambda, 'failing', 'export const handler = async () => { throw new RangeError("out of range"); };');
  });

  it('runs RequestResponse and answers the result with the executed version', async () => {
    const out = await invoke('logger', { a: 1 });
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(payloadText(out.Payload)).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns the last 4 KB of the log, base64, with LogType Tail', async () => {
    const out = await invoke('logger', { b: 2 }, { LogType: 'Tail' });
    const { requestId } = JSON.parse(payloadText(out.Payload));
    const log = Buffer.from(out.LogResult!, 'base64').toString('utf8');
    const lines = log.split('\n');
    expect(lines[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${requestId}\\tINFO\\tevent {"b":2}$`));
    expect(lines[2]).toMatch(new RegExp(`\\t${requestId}\\tERROR\\tto stderr$`));
    expect(lines[3]).toBe(`END RequestId: ${requestId}`);
    expect(lines[4]).toMatch(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`));
  });

  it('answers a function error with X-Amz-Function-Error: Unhandled and the Node error object', async () => {
    const out = await invoke('failing');
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    const error = JSON.parse(payloadText(out.Payload));
    expect(error).toEqual({ errorType: 'RangeError', errorMessage: 'out of range', trace: expect.any(Array) });
    expect(error.trace[0]).toBe('RangeError: out of range');
  });

  it('accepts Event (202, runs on) and DryRun (204, runs nothing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archway-event-'));
    const marker = join(dir, 'ran');
    await createFunction(lambda, 'async-writer', `import { writeFileSync } from 'node:fs';
      export const handler = async (event) => { writeFileSync(process.env.MARKER, JSON.stringify(event)); return 'done'; };`,
    { Environment: { Variables: { MARKER: marker } } });
    const dry = await invoke('async-writer', { dry: true }, { InvocationType: 'DryRun' });
    expect(dry.StatusCode).toBe(204);
    const event = await invoke('async-writer', { async: true }, { InvocationType: 'Event' });
    expect(event.StatusCode).toBe(202);
    expect(payloadText(event.Payload)).toBe('');
    for (let i = 0; i < 100 && !existsSync(marker); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toEqual({ async: true });
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    expect(await errorOf(invoke('nobody'))).toMatchObject({
      name: 'ResourceNotFoundException', status: 404, message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody',
    });
  });
});

describe('versions and aliases', () => {
  it('publishes versions, and aliases resolve qualified names', async () => {
    await createFunction(lambda, 'rel', 'export const handler = async () => "one";');
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'rel', Description: 'first' }));
    expect(v1).toMatchObject({ Version: '1', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:rel:1', Description: 'first' });
    // Publishing an unchanged $LATEST gives the same version back.
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'rel' }))).Version).toBe('1');
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'rel', ZipFile: zipOf('export const handler = async () => "two";') }));
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'rel' }))).Version).toBe('2');

    const alias = await lambda.send(new CreateAliasCommand({ FunctionName: 'rel', Name: 'live', FunctionVersion: '1', Description: 'prod' }));
    expect(alias).toMatchObject({ AliasArn: 'arn:aws:lambda:us-east-1:000000000000:function:rel:live', Name: 'live', FunctionVersion: '1', Description: 'prod' });
    const viaAlias = await invoke('rel:live');
    expect(payloadText(viaAlias.Payload)).toBe('"one"');
    expect(viaAlias.ExecutedVersion).toBe('1');
    expect(payloadText((await invoke('rel', {}, { Qualifier: '2' })).Payload)).toBe('"two"');
    expect(payloadText((await invoke('arn:aws:lambda:us-east-1:000000000000:function:rel:$LATEST')).Payload)).toBe('"two"');

    await lambda.send(new UpdateAliasCommand({ FunctionName: 'rel', Name: 'live', FunctionVersion: '2' }));
    expect((await lambda.send(new GetAliasCommand({ FunctionName: 'rel', Name: 'live' }))).FunctionVersion).toBe('2');
    expect(payloadText((await invoke('rel:live')).Payload)).toBe('"two"');
    await lambda.send(new DeleteAliasCommand({ FunctionName: 'rel', Name: 'live' }));
    expect(await errorOf(lambda.send(new GetAliasCommand({ FunctionName: 'rel', Name: 'live' })))).toMatchObject({
      name: 'ResourceNotFoundException', message: 'Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:rel:live',
    });
    expect(await errorOf(invoke('rel:9'))).toMatchObject({ name: 'ResourceNotFoundException', message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:rel:9' });
    expect(await errorOf(lambda.send(new CreateAliasCommand({ FunctionName: 'rel', Name: 'x', FunctionVersion: '7' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('resource policy (AddPermission, GetPolicy, RemovePermission)', () => {
  it('stores statements and returns them in AWS shapes', async () => {
    await createFunction(lambda, 'guarded', 'export const handler = async () => 1;');
    expect(await errorOf(lambda.send(new GetPolicyCommand({ FunctionName: 'guarded' })))).toMatchObject({
      name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.',
    });
    const added = await lambda.send(new AddPermissionCommand({
      FunctionName: 'guarded', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
      SourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc/*/GET/pets',
    }));
    const statement = {
      Sid: 'apigw', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:guarded',
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:us-east-1:000000000000:abc/*/GET/pets' } },
    };
    expect(JSON.parse(added.Statement!)).toEqual(statement);
    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'guarded' }));
    expect(JSON.parse(policy.Policy!)).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [statement] });
    expect(await errorOf(lambda.send(new AddPermissionCommand({
      FunctionName: 'guarded', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
    })))).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'apigw' }));
    expect(await errorOf(lambda.send(new GetPolicyCommand({ FunctionName: 'guarded' })))).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('the Node runtime', () => {
  it('reuses a warm handler and keeps each function\'s globals and environment to itself', async () => {
    await createFunction(lambda, 'counter', `let count = 0;
      export const handler = async () => { globalThis.shared = 'counter'; process.env.LEAK = 'counter'; return ++count; };`);
    await createFunction(lambda, 'peeker', 'export const handler = async () => ({ shared: globalThis.shared ?? null, leak: process.env.LEAK ?? null, name: process.env.AWS_LAMBDA_FUNCTION_NAME });');
    expect(await result('counter')).toBe(1);
    expect(await result('counter')).toBe(2);
    expect(await result('counter')).toBe(3);
    expect(await result('peeker')).toEqual({ shared: null, leak: null, name: 'peeker' });
    expect(process.env.LEAK).toBeUndefined();
  });

  it('runs callback-style CommonJS handlers (.js, .cjs) and nested handler paths', async () => {
    await createFunction(lambda, 'cjs', 'exports.handler = function (event, context, callback) { setTimeout(() => callback(null, { cjs: event.n * 2 }), 5); };', { file: 'index.js' });
    expect(await result('cjs', { n: 21 })).toEqual({ cjs: 42 });
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'nested', Runtime: 'nodejs18.x', Role: ROLE, Handler: 'src/app.main',
      Code: { ZipFile: createZip({ 'src/app.cjs': 'module.exports.main = async () => "nested";' }) },
    }));
    expect(await result('nested')).toBe('nested');
    await createFunction(lambda, 'cb-error', 'exports.handler = (e, c, cb) => cb(new Error("via callback"));', { file: 'index.js' });
    expect(JSON.parse(payloadText((await invoke('cb-error')).Payload))).toMatchObject({ errorType: 'Error', errorMessage: 'via callback' });
  });

  it('hands the handler a context like Lambda\'s', async () => {
    await createFunction(lambda, 'ctx', `export const handler = async (event, context) => ({
      functionName: context.functionName, functionVersion: context.functionVersion, invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB, awsRequestId: context.awsRequestId, logGroupName: context.logGroupName,
      logStreamName: context.logStreamName, remaining: context.getRemainingTimeInMillis(), waits: context.callbackWaitsForEmptyEventLoop,
    });`, { Timeout: 10 });
    const out = await result('ctx');
    expect(out).toMatchObject({
      functionName: 'ctx', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ctx',
      memoryLimitInMB: '128', logGroupName: '/aws/lambda/ctx', waits: true,
    });
    expect(out.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(out.remaining).toBeGreaterThan(9000);
    expect(out.remaining).toBeLessThanOrEqual(10_000);
  });

  it('reports a missing handler export as Runtime.HandlerNotFound', async () => {
    await createFunction(lambda, 'no-export', 'export const other = () => 1;');
    expect(JSON.parse(payloadText((await invoke('no-export')).Payload))).toMatchObject({
      errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported',
    });
  });

  it('survives a function that throws, exits, hangs and leaks memory, then serves a healthy one', async () => {
    await createFunction(lambda, 'healthy', 'export const handler = async (e) => ({ ok: true, e });');
    await createFunction(lambda, 'exiter', 'export const handler = async () => { process.exit(3); };');
    await createFunction(lambda, 'hanger', 'export const handler = () => new Promise(() => {});', { Timeout: 1 });
    await createFunction(lambda, 'leaker', `const keep = [];
      export const handler = async () => { for (;;) keep.push(new Array(1e6).fill(Math.random())); };`);
    await createFunction(lambda, 'async-thrower', 'export const handler = async () => { setTimeout(() => { throw new Error("late"); }); return new Promise(() => {}); };', { Timeout: 5 });

    const [exited, hung, leaked, late] = await Promise.all([invoke('exiter'), invoke('hanger'), invoke('leaker'), invoke('async-thrower')]);
    expect(exited.FunctionError).toBe('Unhandled');
    const exitError = JSON.parse(payloadText(exited.Payload));
    expect(exitError).toEqual({ errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/) });

    expect(hung.FunctionError).toBe('Unhandled');
    expect(JSON.parse(payloadText(hung.Payload))).toEqual({
      errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/),
    });

    expect(leaked.FunctionError).toBe('Unhandled');
    expect(JSON.parse(payloadText(leaked.Payload))).toMatchObject({ errorType: 'Runtime.OutOfMemory' });

    expect(late.FunctionError).toBe('Unhandled');
    expect(JSON.parse(payloadText(late.Payload))).toMatchObject({ errorType: 'Error', errorMessage: 'late' });

    expect(await result('healthy', { n: 1 })).toEqual({ ok: true, e: { n: 1 } });
    // Each broken function gets a fresh worker next time.
    expect((await invoke('hanger')).FunctionError).toBe('Unhandled');
    expect(await result('healthy', { n: 2 })).toEqual({ ok: true, e: { n: 2 } });
  }, 30_000);
});

describe('one worker, several invocations queued (a quick function)', () => {
  it('gives every invocation its own answer when one of them ends the worker', async () => {
    await createFunction(lambda, 'quick', 'export const handler = async (e) => { if (e.exit) process.exit(2); return e.n; };');
    for (let i = 0; i < 5; i++) expect(await result('quick', { n: i })).toBe(i);
    const outs = await Promise.all(Array.from({ length: 30 }, (_, n) => invoke('quick', n === 15 ? { exit: true } : { n })));
    outs.forEach((out, n) => {
      if (n === 15) {
        expect(out.FunctionError).toBe('Unhandled');
        expect(JSON.parse(payloadText(out.Payload)).errorType).toBe('Runtime.ExitError');
      } else {
        expect(out.FunctionError).toBeUndefined();
        expect(JSON.parse(payloadText(out.Payload))).toBe(n);
      }
    });
  });
});

describe('concurrency limit', () => {
  it('answers 429 TooManyRequestsException beyond the per-function limit', async () => {
    const limited = await startArchway({ limits: { ...DEFAULT_OPTIONS.limits, functionConcurrency: 2 } });
    const client = lambdaClient(limited);
    try {
      await createFunction(client, 'slowpoke', 'export const handler = () => new Promise((resolve) => setTimeout(() => resolve("done"), 400));');
      const calls = await Promise.allSettled([0, 1, 2].map(() => client.send(new InvokeCommand({ FunctionName: 'slowpoke' }))));
      const refused = calls.filter((call) => call.status === 'rejected') as PromiseRejectedResult[];
      expect(calls.filter((call) => call.status === 'fulfilled')).toHaveLength(2);
      expect(refused).toHaveLength(1);
      const error = refused[0].reason as Error & { $metadata: { httpStatusCode: number }; Reason?: string };
      expect(error.name).toBe('TooManyRequestsException');
      expect(error.$metadata.httpStatusCode).toBe(429);
      expect(error.message).toBe('Rate Exceeded.');
      expect(error.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    } finally {
      client.destroy();
      await limited.stop();
    }
  });
});
