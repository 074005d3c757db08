// An invocation as the pool handles it: what the runtime asks for, what it gets back, and the
// record that follows it through the pool's queue and a worker until it settles.
import type { WorkerInvocation } from './worker-protocol.js';

export interface InvocationRequest {
  requestId: string;
  payload: string;
  invokedArn: string;
  clientContext?: string;
  /** Collect this invocation's log lines (LogType: Tail). */
  collectLog: boolean;
  /** Called once when the invocation settles (answered or failed), before its promise does. */
  onSettled?: () => void;
}

export interface InvocationOutcome {
  /** false → a function error (X-Amz-Function-Error: Unhandled). */
  ok: boolean;
  /** The result JSON, or the error object JSON. */
  payload: string;
  durationMs: number;
  memoryUsedMb: number;
  /** Set when this invocation waited for its worker's Init phase. */
  initDurationMs?: number;
  /** The function's own log lines for this invocation (when collected). */
  log?: string;
}

/** Where a function's output goes (console.* lines, timeouts). */
export interface FunctionLogSink {
  (functionName: string, text: string): void;
}

/** An invocation taken by a pool and not settled yet. */
export interface PendingInvocation {
  item: WorkerInvocation;
  collectLog: boolean;
  log: string;
  queuedAt: number;
  /** When it was handed to its current worker. */
  assignedAt: number;
  onSettled: (() => void) | undefined;
  resolve(outcome: InvocationOutcome): void;
  reject(error: unknown): void;
}
