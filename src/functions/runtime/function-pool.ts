// One function version's scheduler: its invocations' queue and the execution environments
// (function-worker.ts) they run in, one invocation at a time per worker (Lambda's model). A warm
// worker keeps its initialised handler. Concurrency limits are the runtime's (per function
// name); this pool starts at most `concurrency` workers, and each start takes a place in the
// process-wide WorkerBudget.
// Scheduling: idle workers are reused newest first; a function known to be quick (< 1 ms per
// invocation) gets several invocations queued into one worker, which still runs them one by one,
// so a burst costs one thread wake-up each way instead of one per request (the answers come back
// through the worker's answer ring, announced once per turn). Queued invocations a worker has not
// started while one invocation holds it up for SCALE_UP_AFTER_MS are taken back and go to another
// worker. Slow functions get a worker each, started on demand.
import { AwsServiceError } from '../../aws/errors.js';
import { FunctionWorker, type WorkerEvents } from './function-worker.js';
import type { FunctionLogSink, InvocationOutcome, InvocationRequest, PendingInvocation } from './invocation.js';
import { WorkerBudget, type BudgetedPool } from './worker-budget.js';
import type { FunctionInit } from './worker-protocol.js';

export interface PoolConfig {
  init: FunctionInit;
  env: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  /** Workers this pool may start (the function's concurrency limit). */
  concurrency: number;
  /** How long an idle worker is kept warm. */
  idleMs: number;
}

/** Invocations quicker than this (moving average) are queued several to a worker. */
const QUICK_INVOCATION_MS = 1;
/** How many invocations a worker of a quick function may have queued. */
const PIPELINE_DEPTH = 32;
/** An invocation waiting longer than this (in the pool, or in a busy worker) goes to another worker. */
const SCALE_UP_AFTER_MS = 10;

let nextInvocationId = 0;
/** Invocation ids: unique among those in flight, and an Int32 (the answer ring stores them so). */
function nextId(): number {
  nextInvocationId = nextInvocationId >= 0x7fffffff ? 1 : nextInvocationId + 1;
  return nextInvocationId;
}

export class FunctionPool implements BudgetedPool {
  readonly #config: PoolConfig;
  readonly #budget: WorkerBudget;
  readonly #events: WorkerEvents;
  /** Least recently used first. */
  readonly #workers: FunctionWorker[] = [];
  #queue: PendingInvocation[] = [];
  /** Invocations taken and not yet settled. */
  #active = 0;
  #averageMs = -1;
  #closed = false;
  #retiring = false;
  #scaleTimer: NodeJS.Timeout | undefined;
  #stealTimer: NodeJS.Timeout | undefined;
  #flushScheduled = false;
  #onDrained: (() => void) | undefined;

  constructor(config: PoolConfig, logSink?: FunctionLogSink, budget = new WorkerBudget(Number.MAX_SAFE_INTEGER)) {
    this.#config = config;
    this.#budget = budget;
    const functionName = config.init.functionName;
    this.#events = {
      log: logSink === undefined ? () => {} : (text) => logSink(functionName, text),
      answered: (worker, pending, outcome, measuredMs, reusable) => this.#answered(worker, pending, outcome, measuredMs, reusable),
      ended: (worker, failed, unstarted) => this.#ended(worker, failed, unstarted),
      // Scaling up waits for the newest worker to be online (the pool's view of load is wrong
      // until then); work still queued must not wait for an answer to be looked at again.
      online: () => this.#pump(),
    };
    budget.register(this);
  }

  get workerCount(): number {
    return this.#workers.length;
  }

  get activeInvocations(): number {
    return this.#active;
  }

  invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    if (this.#closed) {
      request.onSettled?.();
      return Promise.reject(closedError());
    }
    this.#active++;
    return new Promise<InvocationOutcome>((resolve, reject) => {
      const now = performance.now();
      this.#queue.push({
        item: {
          id: nextId(),
          seq: 0,
          requestId: request.requestId,
          payload: request.payload,
          timeoutMs: this.#config.timeoutMs,
          invokedArn: request.invokedArn,
          ...(request.clientContext === undefined ? {} : { clientContext: request.clientContext }),
        },
        collectLog: request.collectLog,
        log: '',
        queuedAt: now,
        assignedAt: now,
        onSettled: request.onSettled,
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  /** Stops taking work: what it has (running or queued) finishes, then every worker ends. */
  retire(): Promise<void> {
    this.#retiring = true;
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
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#scaleTimer);
    clearTimeout(this.#stealTimer);
    for (const worker of [...this.#workers]) {
      for (const pending of this.#remove(worker)) this.#reject(pending, closedError());
    }
    const queued = this.#queue;
    this.#queue = [];
    for (const pending of queued) this.#reject(pending, closedError());
    this.#budget.forget(this);
  }

  /** Ends workers idle longer than the keep-warm time. */
  reapIdle(now = performance.now()): void {
    for (const worker of [...this.#workers]) {
      if (worker.idle && now - worker.lastUsed > this.#config.idleMs) this.#remove(worker);
    }
  }

  wake(): void {
    this.#pump();
  }

  oldestIdle(): number | undefined {
    return this.#leastRecentlyUsedIdle()?.lastUsed;
  }

  evictIdle(): void {
    const worker = this.#leastRecentlyUsedIdle();
    if (worker !== undefined) this.#remove(worker);
  }

  #leastRecentlyUsedIdle(): FunctionWorker | undefined {
    let oldest: FunctionWorker | undefined;
    for (const worker of this.#workers) {
      if (worker.idle && (oldest === undefined || worker.lastUsed < oldest.lastUsed)) oldest = worker;
    }
    return oldest;
  }

  #quick(): boolean {
    return this.#averageMs >= 0 && this.#averageMs < QUICK_INVOCATION_MS;
  }

  #pump(): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const worker = this.#pickWorker();
      if (worker === undefined) {
        // A new worker takes queued work at once (its messages wait until it is online).
        if (this.#scaleUp()) continue;
        return;
      }
      const depth = this.#quick() ? PIPELINE_DEPTH : 1;
      const batch = queue.splice(0, Math.min(depth - worker.queued, queue.length));
      const now = performance.now();
      for (const pending of batch) worker.assign(pending, now);
      this.#scheduleFlush();
      if (worker.queued > 1) this.#scheduleSteal();
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
      for (const worker of this.#workers) worker.flush();
    });
  }

  /**
   * The worker for the next invocation, most recently used first: for a quick function the first
   * with room in its queue (work stays on few threads, the others go idle and are reaped), else
   * the first idle one. The chosen worker moves to the end (most recent).
   */
  #pickWorker(): FunctionWorker | undefined {
    const depth = this.#quick() ? PIPELINE_DEPTH : 1;
    const workers = this.#workers;
    for (let i = workers.length - 1; i >= 0; i--) {
      const worker = workers[i];
      // A stalled worker with nothing left of ours is given work again (it runs it when free).
      if (worker.stalled && worker.queued === 0) worker.stalled = false;
      if (worker.queued >= depth || worker.stalled) continue;
      if (i !== workers.length - 1) {
        workers.splice(i, 1);
        workers.push(worker);
      }
      return worker;
    }
    return undefined;
  }

  /** Starts a worker when the queue calls for one; true when it did. */
  #scaleUp(): boolean {
    if (this.#closed) return false;
    const workers = this.#workers.length;
    if (workers >= this.#config.concurrency) return false;
    const slow = this.#averageMs >= QUICK_INVOCATION_MS;
    if (workers > 0 && !slow) {
      if (this.#workers.some((worker) => !worker.online)) return false;
      // Quick (or not yet measured) functions: add a worker only when work has been waiting.
      const waited = performance.now() - this.#queue[0].queuedAt;
      if (waited < SCALE_UP_AFTER_MS) {
        if (this.#scaleTimer === undefined) {
          this.#scaleTimer = setTimeout(() => {
            this.#scaleTimer = undefined;
            this.#pump();
          }, SCALE_UP_AFTER_MS - waited + 1);
          this.#scaleTimer.unref();
        }
        return false;
      }
    }
    if (!this.#budget.acquire(this)) return false;
    const { init, env, timeoutMs, memoryMb } = this.#config;
    this.#workers.push(new FunctionWorker({ init, env, timeoutMs, memoryMb }, this.#events));
    return true;
  }

  #answered(worker: FunctionWorker, pending: PendingInvocation, outcome: InvocationOutcome, measuredMs: number | undefined, reusable: boolean): void {
    if (measuredMs !== undefined) this.#averageMs = this.#averageMs < 0 ? measuredMs : this.#averageMs * 0.9 + measuredMs * 0.1;
    this.#settle(pending, outcome);
    if (!reusable) return;
    // Another function waits for a worker place: this idle one gives it up.
    if (worker.queued === 0 && this.#budget.contended && this.#queue.length === 0) this.#remove(worker);
    this.#pump();
  }

  #ended(worker: FunctionWorker, failed: [PendingInvocation, InvocationOutcome][], unstarted: PendingInvocation[]): void {
    this.#forget(worker);
    for (const [pending, outcome] of failed) this.#settle(pending, outcome);
    this.#queue.unshift(...unstarted);
    this.#pump();
  }

  /** Taking back, every SCALE_UP_AFTER_MS, queued invocations that a busy worker has not started. */
  #scheduleSteal(): void {
    if (this.#stealTimer !== undefined || this.#closed) return;
    this.#stealTimer = setTimeout(() => {
      this.#stealTimer = undefined;
      this.#steal();
    }, SCALE_UP_AFTER_MS);
    this.#stealTimer.unref();
  }

  #steal(): void {
    let later = false;
    const taken: PendingInvocation[] = [];
    for (const worker of [...this.#workers]) {
      const back = worker.takeBackQueued(SCALE_UP_AFTER_MS);
      if (back === 'later') later = true;
      else taken.push(...back);
    }
    if (taken.length > 0) {
      taken.sort((a, b) => a.queuedAt - b.queuedAt);
      this.#queue.unshift(...taken);
      this.#pump();
    }
    if (later) this.#scheduleSteal();
  }

  /** Stops a worker; returns what it had in flight (not settled). */
  #remove(worker: FunctionWorker): PendingInvocation[] {
    const rest = worker.stop();
    if (rest === undefined) return [];
    this.#forget(worker);
    return rest;
  }

  #forget(worker: FunctionWorker): void {
    const index = this.#workers.indexOf(worker);
    if (index === -1) return;
    this.#workers.splice(index, 1);
    this.#budget.release();
  }

  #settle(pending: PendingInvocation, outcome: InvocationOutcome): void {
    this.#active--;
    pending.onSettled?.();
    pending.resolve(outcome);
    this.#drained();
  }

  #reject(pending: PendingInvocation, error: unknown): void {
    this.#active--;
    pending.onSettled?.();
    pending.reject(error);
    this.#drained();
  }

  #drained(): void {
    if (this.#active === 0 && this.#retiring && this.#onDrained !== undefined) {
      const onDrained = this.#onDrained;
      this.#onDrained = undefined;
      queueMicrotask(onDrained);
    }
  }
}

function closedError(): AwsServiceError {
  return new AwsServiceError('ServiceException', 500, 'The function was closed');
}
