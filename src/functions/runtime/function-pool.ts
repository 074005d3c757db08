// One function version's execution environments: worker threads, each its own V8 isolate with
// its own globals and `process.env`, running one invocation at a time (Lambda's model). A warm
// worker keeps its initialised handler. What Lambda does and this pool mirrors:
// - concurrency: at most `concurrency` invocations in the pool; one more is refused with
//   429 TooManyRequestsException (reserved-concurrency throttling);
// - Timeout: the worker running an invocation past its Timeout is terminated and the caller
//   gets `Sandbox.Timedout` "Task timed out after N.00 seconds";
// - MemorySize: the worker's V8 heap limit; exceeding it ends the worker (Runtime.OutOfMemory);
// - a worker that exits, crashes or hangs is replaced; the gateway and other functions go on.
// Scheduling: idle workers are reused newest first; a function known to be quick (< 1 ms per
// invocation) gets several invocations queued into one worker, which still runs them one by
// one, so a burst costs one thread wake-up instead of one per request; slow functions get a
// worker each, started on demand.
import { Worker } from 'node:worker_threads';
import { AwsServiceError } from '../../aws/errors.js';
import { WORKER_SOURCE, type WorkerInit, type WorkerInvocation, type WorkerMessage, type WorkerPost } from './worker-main.js';

export interface PoolConfig {
  init: WorkerInit;
  env: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  /** Invocations allowed at once (in flight plus waiting for a worker). */
  concurrency: number;
  /** How long an idle worker is kept warm. */
  idleMs: number;
}

export interface InvocationRequest {
  requestId: string;
  payload: string;
  invokedArn: string;
  clientContext?: string;
  /** Collect this invocation's log lines (LogType: Tail). */
  collectLog: boolean;
}

export interface InvocationOutcome {
  /** false → a function error (X-Amz-Function-Error: Unhandled). */
  ok: boolean;
  /** The result JSON, or the error object JSON. */
  payload: string;
  durationMs: number;
  memoryUsedMb: number;
  /** Set when this invocation started its worker. */
  initDurationMs?: number;
  /** The function's own log lines for this invocation (when collected). */
  log?: string;
}

export interface FunctionLogSink {
  (functionName: string, text: string): void;
}

/** Invocations quicker than this (moving average) are queued several to a worker. */
const QUICK_INVOCATION_MS = 1;
/** How many invocations a worker of a quick function may have queued. */
const PIPELINE_DEPTH = 32;
/** A queued invocation waiting longer than this starts another worker (quick functions). */
const SCALE_UP_AFTER_MS = 10;

interface Pending {
  item: WorkerInvocation;
  collectLog: boolean;
  log: string;
  queuedAt: number;
  resolve(outcome: InvocationOutcome): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  inFlight: Pending[];
  online: boolean;
  createdAt: number;
  /** Time to first answer, reported once as Init Duration. */
  initReported: boolean;
  timer: NodeJS.Timeout | undefined;
  lastUsed: number;
  gone: boolean;
  /** Assigned this turn, not yet posted. */
  outbox: WorkerInvocation[];
}

let nextInvocationId = 1;

export class FunctionPool {
  readonly #config: PoolConfig;
  readonly #logSink: FunctionLogSink | undefined;
  readonly #slots: Slot[] = [];
  #queue: Pending[] = [];
  #active = 0;
  #starting = 0;
  #averageMs = -1;
  #retired = false;
  #scaleTimer: NodeJS.Timeout | undefined;
  #flushScheduled = false;
  #onDrained: (() => void) | undefined;

  constructor(config: PoolConfig, logSink?: FunctionLogSink) {
    this.#config = config;
    this.#logSink = logSink;
  }

  get workerCount(): number {
    return this.#slots.length;
  }

  get activeInvocations(): number {
    return this.#active;
  }

  invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    if (this.#active >= this.#config.concurrency) {
      // Lambda's answer when a function's reserved concurrency is used up (Invoke API reference).
      return Promise.reject(tooManyRequests());
    }
    this.#active++;
    return new Promise<InvocationOutcome>((resolve, reject) => {
      this.#queue.push({
        item: {
          id: nextInvocationId++,
          requestId: request.requestId,
          payload: request.payload,
          timeoutMs: this.#config.timeoutMs,
          invokedArn: request.invokedArn,
          ...(request.clientContext === undefined ? {} : { clientContext: request.clientContext }),
        },
        collectLog: request.collectLog,
        log: '',
        queuedAt: performance.now(),
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  /** Stops taking work: in-flight invocations finish, then every worker ends. */
  retire(): Promise<void> {
    this.#retired = true;
    if (this.#active === 0) {
      this.close();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#onDrained = () => {
        this.close();
        resolve();
      };
    });
  }

  /** Ends every worker now; pending invocations fail. */
  close(): void {
    this.#retired = true;
    clearTimeout(this.#scaleTimer);
    for (const slot of [...this.#slots]) this.#remove(slot, 'the function was closed');
    for (const pending of this.#queue) pending.reject(new AwsServiceError('ServiceException', 500, 'The function was closed'));
    this.#queue = [];
  }

  /** Ends workers idle longer than the keep-warm time. */
  reapIdle(now = performance.now()): void {
    for (const slot of [...this.#slots]) {
      if (slot.inFlight.length === 0 && slot.online && now - slot.lastUsed > this.#config.idleMs) this.#remove(slot);
    }
  }

  #quick(): boolean {
    return this.#averageMs >= 0 && this.#averageMs < QUICK_INVOCATION_MS;
  }

  #pump(): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const slot = this.#pickSlot();
      if (slot === undefined) {
        // A new worker takes queued work at once (its messages wait until it is online).
        if (this.#scaleUp()) continue;
        return;
      }
      const depth = this.#quick() ? PIPELINE_DEPTH : 1;
      const room = depth - slot.inFlight.length;
      const batch = queue.splice(0, Math.min(room, queue.length));
      const wasIdle = slot.inFlight.length === 0;
      for (const pending of batch) {
        slot.inFlight.push(pending);
        slot.outbox.push(pending.item);
      }
      if (wasIdle) this.#arm(slot);
      this.#scheduleFlush();
    }
  }

  /**
   * Invocations assigned during one turn of the event loop go to each worker in one message
   * (posting costs a thread wake-up; a burst of requests read in one poll becomes one post).
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      for (const slot of this.#slots) {
        if (slot.outbox.length === 0) continue;
        slot.worker.postMessage({ t: 'run', items: slot.outbox });
        slot.outbox = [];
      }
    });
  }

  /**
   * The worker for the next invocation, most recently used first: for a quick function the first
   * with room in its queue (work stays on few threads, the others go idle and are reaped), else
   * the first idle one. The chosen worker moves to the end (most recent).
   */
  #pickSlot(): Slot | undefined {
    const depth = this.#quick() ? PIPELINE_DEPTH : 1;
    const slots = this.#slots;
    for (let i = slots.length - 1; i >= 0; i--) {
      const slot = slots[i];
      if (slot.inFlight.length >= depth) continue;
      if (i !== slots.length - 1) {
        slots.splice(i, 1);
        slots.push(slot);
      }
      return slot;
    }
    return undefined;
  }

  /** Starts a worker when the queue calls for one; true when it did. */
  #scaleUp(): boolean {
    if (this.#retired) return false;
    const workers = this.#slots.length;
    if (workers >= this.#config.concurrency) return false;
    const slow = this.#averageMs >= QUICK_INVOCATION_MS;
    if (workers === 0 || slow) {
      this.#spawn();
      return true;
    }
    if (this.#starting > 0) return false;
    // Quick (or not yet measured) functions: add a worker only when work has been waiting.
    const waited = performance.now() - this.#queue[0].queuedAt;
    if (waited >= SCALE_UP_AFTER_MS) {
      this.#spawn();
      return true;
    }
    if (this.#scaleTimer === undefined) {
      this.#scaleTimer = setTimeout(() => {
        this.#scaleTimer = undefined;
        this.#pump();
      }, SCALE_UP_AFTER_MS - waited + 1);
      this.#scaleTimer.unref();
    }
    return false;
  }

  #spawn(): void {
    const config = this.#config;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: config.init,
      env: config.env,
      resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
      stdin: false,
    });
    const slot: Slot = {
      worker, inFlight: [], online: false, createdAt: performance.now(), initReported: false, timer: undefined, lastUsed: performance.now(), gone: false, outbox: [],
    };
    this.#starting++;
    this.#slots.push(slot);
    worker.unref();
    worker.on('online', () => {
      slot.online = true;
      this.#starting--;
    });
    worker.on('message', (post: WorkerPost) => {
      if (post.t !== 'batch') this.#onMessage(slot, post);
      else for (const message of post.messages) this.#onMessage(slot, message);
    });
    worker.on('error', (error: Error) => this.#onCrash(slot, crashPayload(error, slot)));
    worker.on('exit', (code) => this.#onCrash(slot, exitPayload(code, slot)));
  }

  #onMessage(slot: Slot, message: WorkerMessage): void {
    const pending = slot.inFlight[0];
    if (message.t === 'log') {
      const owner = pending !== undefined && pending.item.id === message.id ? pending : undefined;
      if (owner?.collectLog) owner.log += message.text;
      this.#logSink?.(this.#config.init.functionName, message.text);
      return;
    }
    if (pending === undefined || pending.item.id !== message.id) return;
    slot.inFlight.shift();
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.lastUsed = performance.now();
    const outcome: InvocationOutcome = { ok: message.ok, payload: message.payload, durationMs: message.durationMs, memoryUsedMb: message.memoryMb };
    if (!slot.initReported) {
      slot.initReported = true;
      outcome.initDurationMs = Math.max(0, slot.lastUsed - slot.createdAt - message.durationMs);
    }
    if (pending.collectLog) outcome.log = pending.log;
    this.#averageMs = this.#averageMs < 0 ? message.durationMs : this.#averageMs * 0.9 + message.durationMs * 0.1;
    this.#settle(pending, outcome);
    if (message.fatal) {
      // The handler could not be loaded: start afresh for the next invocation (Lambda re-inits).
      this.#remove(slot);
    } else if (slot.inFlight.length > 0) this.#arm(slot);
    this.#pump();
  }

  /** Times the invocation at the head of the worker's queue; past Timeout the worker ends. */
  #arm(slot: Slot): void {
    const pending = slot.inFlight[0];
    if (pending === undefined) return;
    slot.timer = setTimeout(() => {
      if (slot.inFlight[0] !== pending) return;
      const seconds = (this.#config.timeoutMs / 1000).toFixed(2);
      // AWS: {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: … Error: Task timed out after 3.00 seconds"}
      // and the log line "{time} {requestId} Task timed out after 3.00 seconds".
      const note = `${new Date().toISOString()} ${pending.item.requestId} Task timed out after ${seconds} seconds\n`;
      if (pending.collectLog) pending.log += note;
      this.#logSink?.(this.#config.init.functionName, note);
      this.#fail(slot, JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${pending.item.requestId} Error: Task timed out after ${seconds} seconds` }));
    }, this.#config.timeoutMs);
  }

  /** The worker is unusable: its current invocation fails with `payload`, the rest go back to the queue. */
  #fail(slot: Slot, payload: string): void {
    if (slot.gone) return;
    const [current, ...rest] = slot.inFlight;
    slot.inFlight = [];
    slot.outbox = [];
    this.#remove(slot);
    if (current !== undefined) {
      const outcome: InvocationOutcome = { ok: false, payload, durationMs: performance.now() - current.queuedAt, memoryUsedMb: 0 };
      if (current.collectLog) outcome.log = current.log;
      this.#settle(current, outcome);
    }
    // They never started in that worker: run them elsewhere.
    this.#queue.unshift(...rest);
    this.#pump();
  }

  #onCrash(slot: Slot, payload: string): void {
    this.#fail(slot, payload);
  }

  #remove(slot: Slot, reason?: string): void {
    if (slot.gone) return;
    slot.gone = true;
    clearTimeout(slot.timer);
    const index = this.#slots.indexOf(slot);
    if (index !== -1) this.#slots.splice(index, 1);
    if (!slot.online) this.#starting = Math.max(0, this.#starting - 1);
    for (const pending of slot.inFlight) pending.reject(new AwsServiceError('ServiceException', 500, reason ?? 'The function was closed'));
    slot.inFlight = [];
    void slot.worker.terminate();
  }

  #settle(pending: Pending, outcome: InvocationOutcome): void {
    this.#active--;
    pending.resolve(outcome);
    if (this.#active === 0 && this.#onDrained !== undefined) this.#onDrained();
  }
}

export function tooManyRequests(): AwsServiceError {
  return Object.assign(new AwsServiceError('TooManyRequestsException', 429, 'Rate Exceeded.'), {
    reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  });
}

/** A worker's uncaught error, in the Node runtime's shapes (unverified wording marked). */
function crashPayload(error: Error, slot: Slot): string {
  const requestId = slot.inFlight[0]?.item.requestId ?? '';
  if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    // AWS reports an OOM kill as the runtime exiting on SIGKILL; errorType per current runtimes (unverified).
    return JSON.stringify({ errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` });
  }
  const rejection = (error as NodeJS.ErrnoException).code === 'ERR_UNHANDLED_REJECTION';
  return JSON.stringify({
    errorType: rejection ? 'Runtime.UnhandledPromiseRejection' : error.name,
    errorMessage: error.message,
    trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
  });
}

/** `process.exit(n)` in a handler: `Runtime.ExitError` "Runtime exited with error: exit status n" (AWS-observed). */
function exitPayload(code: number, slot: Slot): string {
  const requestId = slot.inFlight[0]?.item.requestId ?? '';
  const reason = code === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: exit status ${code}`;
  return JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` });
}
