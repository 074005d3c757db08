// Structured logs (pino): one line per request, and for every 5xx the reason.
import pino, { type Logger } from 'pino';
import type { RequestLogEntry } from '../data-plane/data-plane.js';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
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
