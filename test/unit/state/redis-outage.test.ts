// What the Redis backends do when Redis goes away and comes back (src/state/redis-connection.ts):
// this test runs its own redis-server on a free port, kills it mid-traffic and starts it again on
// the same port, and pauses it (SIGSTOP) to check every call is bounded. Under `failure: 'open'` requests are allowed with one warning per outage; under
// `'closed'` calls reject with StateUnavailableError (the control plane's calls do under both); enforcement resumes by itself, logged once.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { refusedPort } from '../../helpers/backend.js';
import { createState, StateUnavailableError, type StateBackends } from '../../../src/state/index.js';

const ONCE_ONLY = { rate: 0, burst: 1 };
const DAILY = { limit: 1, period: 'DAY' } as const;

let port = 0;
let server: ChildProcess | undefined;
const states: StateBackends[] = [];
let keys = 0;
const uniqueKey = (): string => `outage-${process.pid}-${++keys}`;

async function startRedis(): Promise<void> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  server = child;
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
}

async function stopRedis(): Promise<void> {
  const child = server;
  server = undefined;
  if (child === undefined || child.exitCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

function recordingLog() {
  const lines = { warn: [] as string[], info: [] as string[] };
  return { lines, log: { warn: (_: object, message: string) => lines.warn.push(message), info: (_: object, message: string) => lines.info.push(message) } };
}

async function open(failure: 'open' | 'closed') {
  const { lines, log } = recordingLog();
  const state = await createState({ redisUrl: `redis://127.0.0.1:${port}`, failure, log, keyPrefix: 'outage-test:' });
  states.push(state);
  return { state, lines };
}

/** Whether `state` enforces again: a fresh once-only bucket allows one take, then refuses. Tries for up to 10 s. */
async function enforcesAgain(state: StateBackends): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const key = uniqueKey();
    try {
      if ((await state.rateLimiter.take(key, ONCE_ONLY)) && !(await state.rateLimiter.take(key, ONCE_ONLY))) return true;
    } catch (error) {
      if (!(error instanceof StateUnavailableError)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

beforeAll(async () => {
  port = await refusedPort();
  await startRedis();
});

afterAll(async () => {
  for (const state of states.splice(0)) await state.close();
  await stopRedis();
});

describe('Redis state when Redis goes away', () => {
  it('fails open with one warning, fails closed with StateUnavailableError, and resumes by itself', async () => {
    const opened = await open('open');
    const closed = await open('closed');
    expect(await enforcesAgain(opened.state)).toBe(true);
    expect(await enforcesAgain(closed.state)).toBe(true);

    // Traffic keeps flowing on both while Redis dies: open answers every call, closed only ever rejects with StateUnavailableError.
    let flowing = true;
    const traffic = [opened, closed].map(async ({ state }) => {
      const unexpected: unknown[] = [];
      while (flowing) {
        try {
          await state.rateLimiter.take(uniqueKey(), ONCE_ONLY);
        } catch (error) {
          if (state === opened.state || !(error instanceof StateUnavailableError)) unexpected.push(error);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      return unexpected;
    });
    await stopRedis();

    for (let i = 0; i < 20; i++) {
      expect(await opened.state.rateLimiter.take(uniqueKey(), ONCE_ONLY)).toBe(true);
      expect(await opened.state.quotaCounter.consume(uniqueKey(), DAILY)).toEqual({ allowed: true, remaining: null });
    }
    const key = uniqueKey();
    expect([await opened.state.rateLimiter.take(key, ONCE_ONLY), await opened.state.rateLimiter.take(key, ONCE_ONLY)]).toEqual([true, true]);
    // The control plane's reads and writes fail whatever the policy.
    await expect(Promise.resolve().then(() => opened.state.quotaCounter.usage(uniqueKey(), '2026-01-01', '2026-01-02'))).rejects.toBeInstanceOf(StateUnavailableError);
    expect(opened.lines.warn).toHaveLength(1);

    await expect(Promise.resolve().then(() => closed.state.rateLimiter.take(uniqueKey(), ONCE_ONLY))).rejects.toBeInstanceOf(StateUnavailableError);
    await expect(Promise.resolve().then(() => closed.state.quotaCounter.consume(uniqueKey(), DAILY))).rejects.toBeInstanceOf(StateUnavailableError);
    expect(closed.lines.warn).toHaveLength(1);
    flowing = false;
    expect(await Promise.all(traffic)).toEqual([[], []]);

    await startRedis();

    expect(await enforcesAgain(opened.state)).toBe(true);
    expect(await enforcesAgain(closed.state)).toBe(true);
    expect(opened.lines).toEqual({ warn: [expect.stringContaining('allowed without')], info: [expect.stringContaining('enforced again')] });
    expect(closed.lines).toEqual({ warn: [expect.stringContaining('refused')], info: [expect.stringContaining('enforced again')] });
    const quotaKey = uniqueKey();
    expect([(await opened.state.quotaCounter.consume(quotaKey, DAILY)).allowed, (await opened.state.quotaCounter.consume(quotaKey, DAILY)).allowed]).toEqual([true, false]);
  });

  it('answers from the policy when Redis stops answering (commands are bounded), and resumes', async () => {
    const opened = await open('open');
    const closed = await open('closed');
    expect(await enforcesAgain(opened.state)).toBe(true);
    server!.kill('SIGSTOP');
    try {
      expect(await opened.state.rateLimiter.take(uniqueKey(), ONCE_ONLY)).toBe(true);
      await expect(Promise.resolve().then(() => closed.state.quotaCounter.consume(uniqueKey(), DAILY))).rejects.toBeInstanceOf(StateUnavailableError);
    } finally {
      server!.kill('SIGCONT');
    }
    expect(await enforcesAgain(opened.state)).toBe(true);
    expect(await enforcesAgain(closed.state)).toBe(true);
    expect(opened.lines.warn).toHaveLength(1);
    expect(opened.lines.info).toHaveLength(1);
  });
});
