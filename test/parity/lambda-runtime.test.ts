// The local runtime under pressure, through @aws-sdk/client-lambda over loopback: answers that
// must not wait behind (or be blamed for) a blocked invocation, calls that run exactly once,
// the concurrency accounting (per function name, import errors, asynchronous invocations that
// wait for capacity, the global worker cap), the Init phase apart from Timeout, what a handler
// sees of its working directory, stdout and installed packages, and DeleteFunction mid-call.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand, PublishVersionCommand, type InvokeCommandOutput, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient, ROLE, payloadText } from '../helpers/lambda.js';
import { createZip } from '../../src/functions/zip.js';
import { DEFAULT_OPTIONS } from '../../src/options/options.js';
import type { Limits } from '../../src/options/limits.js';

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function invokeWith(client: LambdaClient, name: string, event: unknown = {}, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) {
  return client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), ...extra }));
}
const invoke = (name: string, event: unknown = {}, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) => invokeWith(lambda, name, event, extra);

/** The call's answer and how long it took from the moment it was sent. */
async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await promise;
  return { value, ms: performance.now() - started };
}

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !check() && waited < ms; waited += 20) await sleep(20);
}

const tailOf = (out: InvokeCommandOutput) => Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');

/** Another Archway with other limits, stopped after `body`. */
async function withArchway(limits: Partial<Limits>, body: (client: LambdaClient) => Promise<void>): Promise<void> {
  const other = await startArchway({ limits: { ...DEFAULT_OPTIONS.limits, ...limits } as Limits });
  const client = lambdaClient(other);
  try {
    await body(client);
  } finally {
    client.destroy();
    await other.stop();
  }
}

/** Appends the event's `name` to $MARKER (one line per run), then does what the event asks. */
const RECORDER = `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  if (event.name) appendFileSync(process.env.MARKER, event.name + '\\n');
  if (event.spinMs) { const end = Date.now() + event.spinMs; while (Date.now() < end); }
  if (event.hang) for (;;);
  return event.name ?? 'warm';
};`;

describe('answers never wait behind a blocked invocation of the same worker', () => {
  it('answers A and B at once, times the hung call out once, and runs C (each exactly once)', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'archway-once-')), 'runs');
    await createFunction(lambda, 'once', RECORDER, { Timeout: 2, Environment: { Variables: { MARKER: marker } } });
    // Warm and quick (the pool queues several invocations into one worker), with four
    // keep-alive connections open so that the next four requests arrive in one turn.
    for (let i = 0; i < 10; i++) await Promise.all([0, 1, 2, 3].map(() => invoke('once')));
    const finished: string[] = [];
    const call = (name: string, hang = false) => timed(invoke('once', { name, hang })).finally(() => finished.push(name));
    const [a, b, hung, c] = await Promise.all([call('A'), call('B'), call('hang', true), call('C')]);
    expect(payloadText(a.value.Payload)).toBe('"A"');
    expect(payloadText(b.value.Payload)).toBe('"B"');
    // A and B were answered before the hung call timed out: they did not wait for it.
    expect(finished.indexOf('A')).toBeLessThan(finished.indexOf('hang'));
    expect(finished.indexOf('B')).toBeLessThan(finished.indexOf('hang'));
    expect(hung.value.FunctionError).toBe('Unhandled');
    expect(JSON.parse(payloadText(hung.value.Payload))).toEqual({
      errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 2\.00 seconds$/),
    });
    expect(payloadText(c.value.Payload)).toBe('"C"');
    expect(c.value.FunctionError).toBeUndefined();
    expect(readFileSync(marker, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['A', 'B', 'C', 'hang']);
  }, 20_000);

  it('moves quick calls queued behind a long CPU-bound call to another worker', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'archway-steal-')), 'runs');
    await createFunction(lambda, 'busy', RECORDER, { Timeout: 10, Environment: { Variables: { MARKER: marker } } });
    for (let i = 0; i < 20; i++) await invoke('busy');
    let longDone = false;
    const long = timed(invoke('busy', { name: 'long', spinMs: 1500 })).finally(() => {
      longDone = true;
    });
    await sleep(100);
    const quick = await Promise.all([1, 2, 3, 4].map((n) => timed(invoke('busy', { name: `q${n}`, spinMs: 2 }))));
    // Answered while the long call still runs: none waited for it (an order, not a time).
    expect(longDone).toBe(false);
    for (const [i, call] of quick.entries()) expect(payloadText(call.value.Payload)).toBe(`"q${i + 1}"`);
    expect(payloadText((await long).value.Payload)).toBe('"long"');
    expect(readFileSync(marker, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['long', 'q1', 'q2', 'q3', 'q4']);
  }, 20_000);
});

describe('answers of every size, in bursts', () => {
  it('gives each call its own answer and log, small or large, many at a time (the answer ring wraps, large ones are posted)', async () => {
    await createFunction(lambda, 'sizes', `export const handler = async (event) => {
      if (event.log) console.log('line ' + event.n);
      return { n: event.n, text: (String(event.n) + 'é').repeat(event.size) };
    };`);
    const sizes = Array.from({ length: 240 }, (_, n) => (n * 7919) % 12_000 + (n % 40 === 0 ? 40_000 : 0));
    for (let start = 0; start < sizes.length; start += 40) {
      const outs = await Promise.all(sizes.slice(start, start + 40).map((size, i) => invoke('sizes', { n: start + i, size, log: i % 3 === 0 }, i % 3 === 0 ? { LogType: 'Tail' } : {})));
      outs.forEach((out, i) => {
        const n = start + i;
        expect(JSON.parse(payloadText(out.Payload))).toEqual({ n, text: (String(n) + 'é').repeat(sizes[n]) });
        if (i % 3 === 0) expect(tailOf(out)).toMatch(new RegExp(`\\tINFO\\tline ${n}\\n`));
      });
    }
  }, 30_000);
});

describe('concurrency accounting', () => {
  it('never uses up the limit on import errors (bursts at the limit, round after round)', async () => {
    await withArchway({ functionConcurrency: 4 }, async (client) => {
      await createFunction(client, 'no-module', 'export const handler = async () => 1;', { Handler: 'missing.handler' });
      for (let round = 0; round < 5; round++) {
        const outs = await Promise.allSettled([0, 1, 2, 3].map(() => invokeWith(client, 'no-module')));
        for (const out of outs) {
          expect(out.status).toBe('fulfilled');
          const value = (out as PromiseFulfilledResult<InvokeCommandOutput>).value;
          expect(value.FunctionError).toBe('Unhandled');
          expect(JSON.parse(payloadText(value.Payload)).errorType).toBe('Runtime.ImportModuleError');
        }
      }
    });
  }, 30_000);

  it('counts a function\'s versions and aliases against one limit (per function name)', async () => {
    await withArchway({ functionConcurrency: 2 }, async (client) => {
      await createFunction(client, 'shared', 'export const handler = () => new Promise((r) => setTimeout(() => r("done"), 400));');
      await client.send(new PublishVersionCommand({ FunctionName: 'shared' }));
      const calls = await Promise.allSettled([invokeWith(client, 'shared'), invokeWith(client, 'shared:1'), invokeWith(client, 'shared', {}, { Qualifier: '1' })]);
      expect(calls.filter((call) => call.status === 'fulfilled')).toHaveLength(2);
      const refused = calls.find((call) => call.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    });
  });

  it('queues throttled Event invocations and runs each once capacity frees up', async () => {
    await withArchway({ functionConcurrency: 1 }, async (client) => {
      const dir = mkdtempSync(join(tmpdir(), 'archway-async-'));
      await createFunction(client, 'queued', `import { writeFileSync } from 'node:fs';
        export const handler = async (event) => { await new Promise((r) => setTimeout(r, 100)); writeFileSync(process.env.DIR + '/' + event.n, 'ran'); };`,
      { Environment: { Variables: { DIR: dir } } });
      const accepted = await Promise.all([0, 1, 2, 3, 4].map((n) => invokeWith(client, 'queued', { n }, { InvocationType: 'Event' })));
      expect(accepted.map((out) => out.StatusCode)).toEqual([202, 202, 202, 202, 202]);
      await eventually(() => [0, 1, 2, 3, 4].every((n) => existsSync(join(dir, String(n)))));
      expect([0, 1, 2, 3, 4].map((n) => existsSync(join(dir, String(n))))).toEqual([true, true, true, true, true]);
    });
  });

  it('waits for a worker under the global worker cap instead of starting one more, and takes idle workers from other functions', async () => {
    await withArchway({ maxFunctionWorkers: 2 } as Partial<Limits>, async (client) => {
      const slow = 'export const handler = () => new Promise((r) => setTimeout(() => r(process.env.AWS_LAMBDA_FUNCTION_NAME), 300));';
      for (const name of ['cap-a', 'cap-b', 'cap-c']) await createFunction(client, name, slow);
      const started = performance.now();
      const outs = await Promise.all(['cap-a', 'cap-b', 'cap-c'].map((name) => invokeWith(client, name)));
      expect(outs.map((out) => payloadText(out.Payload))).toEqual(['"cap-a"', '"cap-b"', '"cap-c"']);
      // Two workers at a time: the third call ran after one of the first two.
      expect(performance.now() - started).toBeGreaterThan(550);
      // Idle warm workers of other functions give way to a new one.
      for (const name of ['cap-a', 'cap-b', 'cap-c', 'cap-a']) expect(payloadText((await invokeWith(client, name)).Payload)).toBe(`"${name}"`);
    });
  });
});

describe('the Init phase is not part of Timeout', () => {
  it('answers a function whose module takes 1.5 s to initialise with Timeout 1, and reports Init Duration', async () => {
    await createFunction(lambda, 'slow-init', `await new Promise((r) => setTimeout(r, 1500));
      export const handler = async () => 'ready';`, { Timeout: 1 });
    const out = await invoke('slow-init', {}, { LogType: 'Tail' });
    expect(out.FunctionError).toBeUndefined();
    expect(payloadText(out.Payload)).toBe('"ready"');
    const init = /Init Duration: ([\d.]+) ms/.exec(tailOf(out));
    expect(Number(init?.[1])).toBeGreaterThan(1400);
  });

  it('reports a cold start\'s Init Duration in its REPORT line, a time within the call, and none when warm', async () => {
    await createFunction(lambda, 'cold-start', 'export const handler = async () => "hello";', { Timeout: 30 });
    const { value: cold, ms } = await timed(invoke('cold-start', {}, { LogType: 'Tail' }));
    const report = /^REPORT RequestId: .*$/m.exec(tailOf(cold))?.[0] ?? '';
    const init = Number(/\tInit Duration: ([\d.]+) ms\t/.exec(report)?.[1]);
    // The Init phase ran during this call: not longer than the call, nor than the function's Timeout.
    expect(init).toBeGreaterThan(0);
    expect(init).toBeLessThan(ms);
    expect(init).toBeLessThan(30_000);
    const warm = await invoke('cold-start', {}, { LogType: 'Tail' });
    expect(tailOf(warm)).toMatch(/^REPORT RequestId: /m);
    expect(tailOf(warm)).not.toContain('Init Duration');
  });

  it('ends an Init phase past 10 seconds with the call\'s timeout (Timeout shorter than the Init limit)', async () => {
    await createFunction(lambda, 'stuck-init', `await new Promise(() => setInterval(() => {}, 1000));
      export const handler = async () => 'never';`, { Timeout: 1 });
    const { value: out, ms } = await timed(invoke('stuck-init'));
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(payloadText(out.Payload))).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/) });
    expect(ms).toBeGreaterThan(9500);
    expect(ms).toBeLessThan(13_000);
  }, 20_000);
});

describe('what a handler sees', () => {
  it('runs in its code folder: process.cwd(), LAMBDA_TASK_ROOT and relative paths in fs', async () => {
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'reads-data', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler',
      Code: {
        ZipFile: createZip({
          'index.mjs': `import { readFileSync, existsSync, promises } from 'node:fs';
            import { readFile } from 'node:fs/promises';
            import { resolve } from 'node:path';
            export const handler = async () => ({
              sync: JSON.parse(readFileSync('./data.json', 'utf8')).color,
              promise: JSON.parse(await promises.readFile('data.json', 'utf8')).color,
              named: JSON.parse(await readFile('./conf/more.json', 'utf8')).more,
              exists: existsSync('./data.json'),
              cwdIsRoot: process.cwd() === process.env.LAMBDA_TASK_ROOT,
              resolved: resolve('data.json') === process.env.LAMBDA_TASK_ROOT + '/data.json',
            });`,
          'data.json': '{"color":"teal"}',
          'conf/more.json': '{"more":true}',
        }),
      },
    }));
    expect(JSON.parse(payloadText((await invoke('reads-data')).Payload))).toEqual({ sync: 'teal', promise: 'teal', named: true, exists: true, cwdIsRoot: true, resolved: true });
  });

  it('captures process.stdout/stderr writes, console.dir and fd writes into the invocation\'s log', async () => {
    await createFunction(lambda, 'writer', `import { writeSync } from 'node:fs';
      export const handler = async () => {
        process.stdout.write('raw stdout line\\n');
        process.stderr.write(Buffer.from('raw stderr line\\n'));
        console.dir({ dir: 1 });
        writeSync(1, 'fd one line\\n');
        return 'written';
      };`);
    const out = await invoke('writer', {}, { LogType: 'Tail' });
    const log = tailOf(out);
    expect(log).toContain('\nraw stdout line\n');
    expect(log).toContain('\nraw stderr line\n');
    expect(log).toContain('\n{ dir: 1 }\n');
    expect(log).toContain('\nfd one line\n');
  });

  it('answers a missing CommonJS dependency with Runtime.ImportModuleError, a missing ES package as the Node runtime does', async () => {
    await createFunction(lambda, 'cjs-missing', 'const pad = require("left-pad"); exports.handler = async () => pad;', { file: 'index.js' });
    const cjs = JSON.parse(payloadText((await invoke('cjs-missing')).Payload));
    expect(cjs.errorType).toBe('Runtime.ImportModuleError');
    expect(cjs.errorMessage).toMatch(/^Error: Cannot find module 'left-pad'\nRequire stack:\n- \/.+\/index\.js/);
    await createFunction(lambda, 'esm-missing', 'import pad from "left-pad"; export const handler = async () => pad;');
    const esm = JSON.parse(payloadText((await invoke('esm-missing')).Payload));
    // The Node runtime wraps only MODULE_NOT_FOUND (CommonJS); an ES import error goes out as is.
    expect(esm).toMatchObject({ errorType: 'Error', errorMessage: expect.stringMatching(/^Cannot find package 'left-pad' imported from \/.+\/index\.mjs$/) });
  });

  it('resolves @aws-sdk/* from Archway\'s own packages when the function does not bundle them (ESM and CommonJS)', async () => {
    await createFunction(lambda, 'sdk-esm', `import { LambdaClient } from '@aws-sdk/client-lambda';
      export const handler = async () => typeof LambdaClient;`);
    expect(payloadText((await invoke('sdk-esm')).Payload)).toBe('"function"');
    await createFunction(lambda, 'sdk-cjs', 'const { LambdaClient } = require("@aws-sdk/client-lambda"); exports.handler = async () => typeof LambdaClient;', { file: 'index.js' });
    expect(payloadText((await invoke('sdk-cjs')).Payload)).toBe('"function"');
  });
});

describe('DeleteFunction while an invocation runs', () => {
  it('lets the running call finish, then the function is gone', async () => {
    await createFunction(lambda, 'doomed', 'export const handler = () => new Promise((r) => setTimeout(() => r("finished"), 500));');
    const running = invoke('doomed');
    await sleep(150);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'doomed' }));
    const out = await running;
    expect(out.FunctionError).toBeUndefined();
    expect(payloadText(out.Payload)).toBe('"finished"');
    await expect(invoke('doomed')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
