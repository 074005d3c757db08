// Structured logs (pino) on stdout: one line per request, and for every 5xx the reason.
import pino, { type Logger } from 'pino';
import type { RequestLogEntry } from '../data-plane/data-plane.js';
import { stdoutLogStream } from './stdout-log-stream.js';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: isoTime }, stdoutLogStream());
}

/** Resolves once every line logged so far is written (graceful shutdown). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

// pino's isoTime, with the text up to the second made once a second: `toISOString` on every
// line was 30 % of the cost of a request line.
let second = -1;
let upToSecond = '';

function isoTime(): string {
  const now = Date.now();
  const ms = now % 1000;
  if (now - ms !== second) {
    second = now - ms;
    upToSecond = `,"time":"${new Date(second).toISOString().slice(0, -4)}`;
  }
  return `${upToSecond}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
}

/** The data plane's per-request line: method, path, api, stage, status, latency (+ reason on 5xx). */
export function logDataPlaneRequest(logger: Logger, entry: RequestLogEntry): void {
  const line = {
    plane: 'data',
    method: entry.method,
    path: entry.path,
    api: entry.restApiId,
    stage: entry.stage,
    status: entry.status,
    latencyMs: entry.latencyMs,
    requestId: entry.requestId,
    ...(entry.error !== undefined && { reason: entry.error }),
  };
  if (entry.status >= 500) logger.error(line, 'request');
  else logger.info(line, 'request');
}
