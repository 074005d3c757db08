// The hostile ring's liveness checks (the issue "The first ten minutes and the worst hour"): while
// a long attack request is in flight, Archway's health endpoint keeps answering. Archway runs in the
// test's own process, so an attack that blocked its event loop would hold every probe until the
// attack ends. What is asserted is that probes are answered (200) *before* the attack settles, not
// how fast: tests carry no timing thresholds (a loaded CI machine schedules late), and the latency
// of health under attack is a bench figure.
import { request } from 'undici';

async function healthy(endpoint: string): Promise<void> {
  const response = await request(`${endpoint}/_archway/health`);
  await response.body.text();
  if (response.statusCode !== 200) throw new Error(`health answered ${response.statusCode}`);
}

/** Probes health, one probe after another, until `work` settles; counts the answers that came before it did. */
export async function probeHealthWhile<T>(endpoint: string, work: Promise<T>): Promise<{ result: T; healthAnswers: number }> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  let healthAnswers = 0;
  while (!settled) {
    await healthy(endpoint);
    if (!settled) healthAnswers++;
  }
  return { result: await done, healthAnswers };
}

/** Sends an attack request and reads its answer. */
export async function attack(url: string, init: { method?: 'GET' | 'POST'; body?: string } = {}): Promise<{ status: number; body: string }> {
  const response = await request(url, { method: init.method ?? 'GET', body: init.body, headersTimeout: 30_000, bodyTimeout: 30_000 });
  return { status: response.statusCode, body: await response.body.text() };
}

/** Health's status code now. */
export async function healthStatus(endpoint: string): Promise<number> {
  const response = await request(`${endpoint}/_archway/health`);
  await response.body.text();
  return response.statusCode;
}
