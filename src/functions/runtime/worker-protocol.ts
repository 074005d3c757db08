// What a function's pool and its worker threads say to each other, over the MessagePort in
// `WorkerInit.port`. The pool posts `{ t: 'run', items }`; the worker runs them strictly one
// after another (one invocation per execution environment at a time, as Lambda does). Each answer
// is published the moment its invocation ends, before the next one starts, so an invocation that
// then blocks the thread never holds back an earlier answer: written into the answer ring
// (answer-ring.ts) and announced by one doorbell message (`0`) per turn of the worker's loop; an
// answer the ring does not take, or the last one of a worker that ends, is posted as
// `{ t: 'done', … }` instead. Console output goes out as `{ t: 'log' }` once per turn of the
// worker's loop while an invocation runs; what is left rides on its answer. Who runs what, and
// since when, is in the control block (control-block.ts).
import type { MessagePort } from 'node:worker_threads';
import type { Answer } from './answer-ring.js';

/** What the runtime knows of a function version. */
export interface FunctionInit {
  codeDir: string;
  handler: string;
  functionName: string;
  functionVersion: string;
  memoryMb: number;
  logGroupName: string;
  logStreamName: string;
  /** `@aws-sdk/*` the function does not bundle resolve from here (Archway's own module URL), as the Node runtimes ship SDK v3. */
  sdkFallbackUrl?: string;
}

/** What one worker is started with (its `workerData`). */
export interface WorkerInit extends FunctionInit {
  /** The control block (control-block.ts). */
  control: SharedArrayBuffer;
  /** The answer ring (answer-ring.ts). */
  answers: SharedArrayBuffer;
  port: MessagePort;
  /** When the pool started the worker (clock()): its Init phase runs from here. */
  startedAt: number;
  /** Lambda's Init-phase limit (ms); a longer Init is charged to the first invocation's Timeout. */
  initTimeoutMs: number;
  /** Largest result (bytes of JSON) a synchronous invocation may return. */
  maxResponseBytes: number;
  /** How often a running invocation's memory is checked (ms). */
  memoryCheckMs: number;
}

export interface WorkerInvocation {
  id: number;
  /** Per-worker sequence number (its control block entry); set when handed to a worker. */
  seq: number;
  requestId: string;
  payload: string;
  timeoutMs: number;
  invokedArn: string;
  /** Decoded X-Amz-Client-Context (JSON text), if any. */
  clientContext?: string;
}

/** An answer posted rather than written into the ring. */
export interface PostedAnswer extends Answer {
  t: 'done';
  /** The worker takes no more work: its handler could not be loaded, or it is over its memory. */
  end?: 'fatal' | 'recycle';
}

/** Worker → pool: a log chunk, a posted answer, or `0`: the doorbell (read the answer ring). */
export type WorkerMessage = { t: 'log'; id: number; text: string } | PostedAnswer | 0;

/** Pool → worker. */
export interface RunMessage {
  t: 'run';
  items: WorkerInvocation[];
}
