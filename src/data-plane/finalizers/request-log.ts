// The request log: one structured line per data-plane request (method, path, api, stage,
// status, latency, request id, and for every 5xx or unanswered request the reason), written
// once by the pipeline's finalizers whatever happened, through the project's logger.
import { jsonLineWriter, type Logger } from '../../observability/logger.js';
import type { InvocationContext } from '../pipeline/context.js';
import type { Finalizer } from '../pipeline/step.js';

export interface RequestLogEntry {
  method: string;
  /** The resource path after the stage, as requested. */
  path: string;
  apiId: string;
  stage: string | undefined;
  status: number;
  latencyMs: number;
  requestId: string;
  /** For every 5xx (and aborted requests): why. */
  error?: string;
}

/** Status recorded for a request whose client went away before an answer (nginx's convention). */
export const CLIENT_CLOSED = 499;

export function requestLog(log: Logger, onLogged?: (entry: RequestLogEntry) => void): Finalizer<InvocationContext> {
  const writeLine = jsonLineWriter(log);
  return {
    name: 'request-log',
    run(ctx) {
      const status = ctx.clientClosed ? CLIENT_CLOSED : ctx.response?.statusCode ?? 500;
      const level = status >= 500 ? 'error' : 'info';
      const enabled = log.isLevelEnabled(level);
      if (!enabled && onLogged === undefined) return;
      const entry: RequestLogEntry = {
        method: ctx.httpMethod,
        path: ctx.path,
        apiId: ctx.apiId,
        stage: ctx.stageName,
        status,
        latencyMs: Math.round((performance.now() - ctx.startTime) * 1000) / 1000,
        requestId: ctx.answeredRequestId,
      };
      if (ctx.failureReason !== undefined) entry.error = ctx.failureReason;
      if (enabled && writeLine !== undefined) {
        // The same line as below, its members written directly (same fields, same order).
        writeLine(level, `"plane":"data","method":${JSON.stringify(entry.method)},"path":${JSON.stringify(entry.path)},"api":${JSON.stringify(entry.apiId)}${
          entry.stage === undefined ? '' : `,"stage":${JSON.stringify(entry.stage)}`},"status":${status},"latencyMs":${entry.latencyMs},"requestId":${JSON.stringify(entry.requestId)}${
          entry.error === undefined ? '' : `,"reason":${JSON.stringify(entry.error)}`}`, 'request');
      } else if (enabled) {
        const line = {
          plane: 'data',
          method: entry.method,
          path: entry.path,
          api: entry.apiId,
          stage: entry.stage,
          status,
          latencyMs: entry.latencyMs,
          requestId: entry.requestId,
          ...(entry.error !== undefined && { reason: entry.error }),
        };
        log[level](line, 'request');
      }
      if (onLogged === undefined) return;
      try {
        onLogged(entry);
      } catch (failure) {
        log.warn({ err: failure }, 'request log callback threw');
      }
    },
  };
}
