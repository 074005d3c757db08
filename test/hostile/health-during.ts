// The hostile ring's one timing check (the issue "The first ten minutes and the worst hour"):
// while an attack request is in flight, Archway's health endpoint keeps answering. Archway runs
// in the test's own process, so a stalled event loop delays these probes as it would a caller's.
import { request } from 'undici';

export interface AttackOutcome {
  status: number;
  body: string;
  /** The slowest health answer (ms) seen while the attack was in flight. */
  slowestHealthMs: number;
}

/** The time a health request takes, from send to its body. */
async function healthMs(endpoint: string): Promise<number> {
  const start = performance.now();
  const response = await request(`${endpoint}/_archway/health`);
  await response.body.text();
  if (response.statusCode !== 200) throw new Error(`health answered ${response.statusCode}`);
  return performance.now() - start;
}

/** Probes health, one probe after another, until `work` settles; at least one probe is sent. */
export async function probeHealthWhile<T>(endpoint: string, work: Promise<T>): Promise<{ result: T; slowestHealthMs: number }> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  let slowestHealthMs = 0;
  do slowestHealthMs = Math.max(slowestHealthMs, await healthMs(endpoint));
  while (!settled);
  return { result: await done, slowestHealthMs };
}

/** Sends the attack and probes health until the attack is answered. */
export async function attackWithHealthProbes(endpoint: string, url: string, init: { method?: 'GET' | 'POST'; body?: string } = {}): Promise<AttackOutcome> {
  const attack = request(url, { method: init.method ?? 'GET', body: init.body, headersTimeout: 30_000, bodyTimeout: 30_000 })
    .then(async (response) => ({ status: response.statusCode, body: await response.body.text() }));
  const { result, slowestHealthMs } = await probeHealthWhile(endpoint, attack);
  return { ...result, slowestHealthMs };
}
