// One function version's execution environments: worker threads, each its own V8 isolate with
// its own globals and `process.env`, running one invocation at a time (Lambda's model). A warm
// worker keeps its initialised handler. What Lambda does and this pool mirrors:
// - Timeout: runs from the moment the handler starts (the worker publishes it in shared
//   memory); past it the worker is terminated and the caller gets `Sandbox.Timedout` "Task timed
//   out after N.00 seconds". The Init phase (loading the handler) has its own limit,
//   INIT_TIMEOUT_MS; an Init past it is charged to the first invocation's Timeout (Lambda re-runs
//   Init within it), so a worker still initialising at max(INIT_TIMEOUT_MS, Timeout) is ended;
// - MemorySize: the worker's V8 heap limit, plus the worker's own check of heap + Buffers +
//   ArrayBuffers after each invocation and while one runs: `Runtime.OutOfMemory`, worker ended;
// - a worker that exits, crashes or hangs is replaced; the gateway and other functions go on.
//   An invocation that had started in it gets the failure; one that had not runs elsewhere.
//   No invocation ever runs twice.
// Concurrency limits are the runtime's (per function name); this pool starts at most
// `concurrency` workers, and each start takes a place in the process-wide WorkerBudget.
// Scheduling: idle workers are reused newest first; a function known to be quick (< 1 ms per
// invocation) gets several invocations queued into one worker, which still runs them one by
// one, so a burst costs one thread wake-up each way instead of one per request (the worker's
// answers go through its shared answer ring, announced once per turn; see worker-main.ts).
// Queued invocations a worker has not started while one invocation holds it up for
// SCALE_UP_AFTER_MS are taken back and go to another worker, and the answers it gave before
// are read from its ring. Slow functions get a worker each, started on demand.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { AwsServiceError } from '../../aws/errors.js';
import {
  ANSWER_HAS_INIT, ANSWER_HEADER_BYTES, ANSWER_INLINE_CHARS, ANSWER_OK, ANSWER_POSITION_MASK, ANSWER_RING_BYTES, ANSWER_WRAP,
  CONTROL_ANSWER_READ, CONTROL_ANSWER_WRITE, CONTROL_BYTES, CONTROL_DEADLINE, CONTROL_READY, CONTROL_RING, CONTROL_RUNNING, CONTROL_STARTED,
  WORKER_SOURCE, type FunctionInit, type WorkerInit, type WorkerInvocation, type WorkerMessage,
} from './worker-main.js';

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

export interface FunctionLogSink {
  (functionName: string, text: string): void;
}

/** Lambda's Init-phase limit for on-demand functions (Lambda Developer Guide "Lambda execution environment lifecycle"). */
export const INIT_TIMEOUT_MS = 10_000;
/** Synchronous invocation response limit: 6 MB, which Lambda enforces as 6291556 bytes (Function.ResponseSizeTooLarge). */
export const MAX_RESPONSE_PAYLOAD_BYTES = 6_291_556;
/** How often a running invocation's memory (heap + Buffers) is compared with MemorySize. */
const MEMORY_CHECK_MS = 100;
/** Invocations quicker than this (moving average) are queued several to a worker. */
const QUICK_INVOCATION_MS = 1;
/** How many invocations a worker of a quick function may have queued. */
const PIPELINE_DEPTH = 32;
/** An invocation waiting longer than this (in the pool, or in a busy worker) goes to another worker. */
const SCALE_UP_AFTER_MS = 10;

/** Epoch milliseconds on a monotonic base, comparable across threads (the workers publish deadlines in it). */
const clock = (): number => performance.timeOrigin + performance.now();

interface Pending {
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

interface Slot {
  worker: Worker;
  port: MessagePort;
  control: Int32Array;
  deadlines: Float64Array;
  /** The answer ring, three views, and how far the pool has read it. */
  answerBytes: Buffer;
  answerInts: Int32Array;
  answerFloats: Float64Array;
  answerRead: number;
  /** Handed to this worker, in order, not answered yet. */
  inFlight: Pending[];
  /** Assigned this turn, not yet posted. */
  outbox: WorkerInvocation[];
  nextSeq: number;
  online: boolean;
  /** clock() when started. */
  createdAt: number;
  timer: NodeJS.Timeout | undefined;
  lastUsed: number;
  gone: boolean;
  /** Queued work was taken back from it: no more until it answers. */
  stalled: boolean;
}

let nextInvocationId = 0;
/** Invocation ids: unique among those in flight, and an Int32 (the answer ring stores them so). */
function nextId(): number {
  nextInvocationId = nextInvocationId >= 0x7fffffff ? 1 : nextInvocationId + 1;
  return nextInvocationId;
}

/**
 * Live worker threads across every pool, capped (`maxFunctionWorkers`): a pool that needs one
 * more past the cap takes an idle worker's place (least recently used, any function), or waits
 * until a worker ends.
 */
export class WorkerBudget {
  readonly #max: number;
  #live = 0;
  readonly #pools = new Set<FunctionPool>();
  readonly #waiting = new Set<FunctionPool>();

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  get live(): number {
    return this.#live;
  }

  /** Some pool waits for a worker. */
  get contended(): boolean {
    return this.#waiting.size > 0;
  }

  register(pool: FunctionPool): void {
    this.#pools.add(pool);
  }

  forget(pool: FunctionPool): void {
    this.#pools.delete(pool);
    this.#waiting.delete(pool);
  }

  /** A place for one more worker of `pool`; false → it waits and is woken when one frees. */
  acquire(pool: FunctionPool): boolean {
    if (this.#live >= this.#max) this.#evictIdle();
    if (this.#live < this.#max) {
      this.#live++;
      this.#waiting.delete(pool);
      return true;
    }
    this.#waiting.add(pool);
    return false;
  }

  release(): void {
    this.#live--;
    if (this.#waiting.size === 0) return;
    // Every waiting pool tries again; those that find no place wait again.
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    queueMicrotask(() => {
      for (const pool of waiting) pool.wake();
    });
  }

  #evictIdle(): void {
    let oldest: { pool: FunctionPool; lastUsed: number } | undefined;
    for (const pool of this.#pools) {
      const lastUsed = pool.oldestIdle();
      if (lastUsed !== undefined && (oldest === undefined || lastUsed < oldest.lastUsed)) oldest = { pool, lastUsed };
    }
    oldest?.pool.evictIdle();
  }
}

export class FunctionPool {
  readonly #config: PoolConfig;
  readonly #logSink: FunctionLogSink | undefined;
  readonly #budget: WorkerBudget;
  readonly #slots: Slot[] = [];
  #queue: Pending[] = [];
  /** Invocations taken and not yet settled. */
  #active = 0;
  #starting = 0;
  #averageMs = -1;
  #closed = false;
  #retiring = false;
  #scaleTimer: NodeJS.Timeout | undefined;
  #stealTimer: NodeJS.Timeout | undefined;
  #flushScheduled = false;
  #onDrained: (() => void) | undefined;

  constructor(config: PoolConfig, logSink?: FunctionLogSink, budget = new WorkerBudget(Number.MAX_SAFE_INTEGER)) {
    this.#config = config;
    this.#logSink = logSink;
    this.#budget = budget;
    budget.register(this);
  }

  get workerCount(): number {
    return this.#slots.length;
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
    for (const slot of [...this.#slots]) {
      const rest = slot.inFlight;
      slot.inFlight = [];
      this.#remove(slot);
      for (const pending of rest) this.#reject(pending, closedError());
    }
    const queued = this.#queue;
    this.#queue = [];
    for (const pending of queued) this.#reject(pending, closedError());
    this.#budget.forget(this);
  }

  /** Ends workers idle longer than the keep-warm time. */
  reapIdle(now = performance.now()): void {
    for (const slot of [...this.#slots]) {
      if (slot.inFlight.length === 0 && slot.online && now - slot.lastUsed > this.#config.idleMs) this.#remove(slot);
    }
  }

  /** The budget has a place again. */
  wake(): void {
    this.#pump();
  }

  /** When its least recently used idle worker was last used, if it has one (for the budget). */
  oldestIdle(): number | undefined {
    return this.#leastRecentlyUsedIdle()?.lastUsed;
  }

  /** Ends the least recently used idle worker (the budget gives its place to another pool). */
  evictIdle(): void {
    const slot = this.#leastRecentlyUsedIdle();
    if (slot !== undefined) this.#remove(slot);
  }

  #leastRecentlyUsedIdle(): Slot | undefined {
    let oldest: Slot | undefined;
    for (const slot of this.#slots) {
      if (slot.inFlight.length === 0 && slot.online && !slot.gone && (oldest === undefined || slot.lastUsed < oldest.lastUsed)) oldest = slot;
    }
    return oldest;
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
      const batch = queue.splice(0, Math.min(depth - slot.inFlight.length, queue.length));
      const now = performance.now();
      for (const pending of batch) this.#assign(slot, pending, now);
      this.#arm(slot);
      this.#scheduleFlush();
      if (slot.inFlight.length > 1) this.#scheduleSteal();
    }
  }

  #assign(slot: Slot, pending: Pending, now: number): void {
    const seq = slot.nextSeq;
    slot.nextSeq = seq >= 0x3fffffff ? 1 : seq + 1;
    pending.item.seq = seq;
    pending.assignedAt = now;
    Atomics.store(slot.control, seq % CONTROL_RING, seq);
    slot.inFlight.push(pending);
    slot.outbox.push(pending.item);
  }

  /** Takes an item back from a worker that has not started it; false when it has. */
  #reclaim(slot: Slot, pending: Pending): boolean {
    const seq = pending.item.seq;
    return Atomics.compareExchange(slot.control, seq % CONTROL_RING, seq, 0) === seq;
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
        slot.port.postMessage({ t: 'run', items: slot.outbox });
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
      // A stalled worker with nothing left of ours is given work again (it runs it when free).
      if (slot.stalled && slot.inFlight.length === 0) slot.stalled = false;
      if (slot.inFlight.length >= depth || slot.stalled) continue;
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
    if (this.#closed) return false;
    const workers = this.#slots.length;
    if (workers >= this.#config.concurrency) return false;
    const slow = this.#averageMs >= QUICK_INVOCATION_MS;
    if (workers > 0 && !slow) {
      if (this.#starting > 0) return false;
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
    this.#spawn();
    return true;
  }

  #spawn(): void {
    const config = this.#config;
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const answers = new SharedArrayBuffer(ANSWER_RING_BYTES);
    const { port1, port2 } = new MessageChannel();
    const workerData: WorkerInit = {
      ...config.init,
      control,
      answers,
      port: port2,
      initTimeoutMs: INIT_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_PAYLOAD_BYTES,
      memoryCheckMs: MEMORY_CHECK_MS,
      layout: {
        ring: CONTROL_RING, running: CONTROL_RUNNING, ready: CONTROL_READY, deadline: CONTROL_DEADLINE, started: CONTROL_STARTED,
        answerWrite: CONTROL_ANSWER_WRITE, answerRead: CONTROL_ANSWER_READ, answerMask: ANSWER_POSITION_MASK, answerHeader: ANSWER_HEADER_BYTES,
        answerInlineChars: ANSWER_INLINE_CHARS, answerWrap: ANSWER_WRAP,
      },
    };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData,
      transferList: [port2],
      env: config.env,
      resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
      stdin: false,
    });
    const slot: Slot = {
      worker,
      port: port1,
      control: new Int32Array(control),
      deadlines: new Float64Array(control),
      answerBytes: Buffer.from(answers),
      answerInts: new Int32Array(answers),
      answerFloats: new Float64Array(answers),
      answerRead: 0,
      inFlight: [],
      outbox: [],
      nextSeq: 1,
      online: false,
      createdAt: clock(),
      timer: undefined,
      lastUsed: performance.now(),
      gone: false,
      stalled: false,
    };
    this.#starting++;
    this.#slots.push(slot);
    worker.unref();
    port1.on('message', (message: WorkerMessage | 0) => {
      if (message !== 0) this.#onMessage(slot, message);
      this.#drain(slot);
    });
    port1.unref();
    worker.on('online', () => {
      slot.online = true;
      this.#starting--;
    });
    worker.on('error', (error: Error) => this.#fail(slot, (requestId) => crashPayload(error, requestId), this.#initBlame(slot)));
    worker.on('exit', (code) => this.#fail(slot, (requestId) => exitPayload(code, requestId), this.#initBlame(slot)));
  }

  #onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.t === 'log') {
      const owner = slot.inFlight[0]?.item.id === message.id ? slot.inFlight[0] : slot.inFlight.find((p) => p.item.id === message.id);
      if (owner?.collectLog) owner.log += message.text;
      this.#logSink?.(this.#config.init.functionName, message.text);
      return;
    }
    let pending: Pending | undefined;
    if (slot.inFlight[0]?.item.id === message.id) pending = slot.inFlight.shift()!;
    else {
      const index = slot.inFlight.findIndex((p) => p.item.id === message.id);
      if (index === -1) return;
      pending = slot.inFlight.splice(index, 1)[0];
    }
    slot.lastUsed = performance.now();
    slot.stalled = false;
    if (message.log) {
      if (pending.collectLog) pending.log += message.log;
      this.#logSink?.(this.#config.init.functionName, message.log);
    }
    const outcome: InvocationOutcome = { ok: message.ok, payload: message.payload, durationMs: message.durationMs, memoryUsedMb: message.memoryMb };
    if (message.initMs !== undefined) outcome.initDurationMs = message.initMs;
    if (pending.collectLog) outcome.log = pending.log;
    if (message.end !== 'fatal') this.#averageMs = this.#averageMs < 0 ? message.durationMs : this.#averageMs * 0.9 + message.durationMs * 0.1;
    this.#settle(pending, outcome);
    if (message.end !== undefined) {
      // The handler could not be loaded, or the worker is over its memory: it takes no more work
      // (Lambda starts afresh); what it had not started runs elsewhere.
      this.#fail(slot, (requestId) => exitPayload(0, requestId));
      return;
    }
    if (slot.inFlight.length === 0 && this.#budget.contended && this.#queue.length === 0 && !slot.gone) {
      // Another function waits for a worker place: this idle one gives it up.
      this.#remove(slot);
    }
    this.#pump();
  }

  /** Keeps one timer per busy worker, due at the running invocation's deadline (or its Init limit). */
  #arm(slot: Slot, delayMs = this.#config.timeoutMs): void {
    if (slot.timer !== undefined || slot.gone) return;
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      this.#check(slot);
    }, Math.max(1, delayMs));
    slot.timer.unref();
  }

  #check(slot: Slot): void {
    if (slot.gone || slot.inFlight.length === 0) return;
    const now = clock();
    const running = Atomics.load(slot.control, CONTROL_RUNNING);
    if (running !== 0) {
      const deadline = slot.deadlines[CONTROL_DEADLINE];
      if (now >= deadline) this.#timeout(slot, running);
      else this.#arm(slot, deadline - now);
      return;
    }
    if (Atomics.load(slot.control, CONTROL_READY) === 0) {
      // Still in its Init phase: Lambda's limit, or (past it) the invocation's own Timeout from the start.
      const initDeadline = slot.createdAt + Math.max(INIT_TIMEOUT_MS, this.#config.timeoutMs);
      if (now >= initDeadline) this.#timeout(slot, 0);
      else this.#arm(slot, Math.min(initDeadline - now, this.#config.timeoutMs));
      return;
    }
    // Between invocations: anything that starts from now on is due no sooner than a Timeout away.
    this.#arm(slot);
  }

  /** Ends a worker whose invocation `seq` (0: the one waiting on its Init phase) is past its deadline. */
  #timeout(slot: Slot, seq: number): void {
    this.#drain(slot);
    if (slot.gone) return;
    const blamed = seq !== 0 ? slot.inFlight.find((p) => p.item.seq === seq) : this.#initBlame(slot);
    if (blamed === undefined || (seq !== 0 && Atomics.load(slot.control, CONTROL_RUNNING) !== seq)) {
      // It answered in the meantime.
      this.#arm(slot, 1);
      return;
    }
    const seconds = (this.#config.timeoutMs / 1000).toFixed(2);
    // AWS: {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: … Error: Task timed out after 3.00 seconds"}
    // and the log line "{time} {requestId} Task timed out after 3.00 seconds".
    const note = `${new Date().toISOString()} ${blamed.item.requestId} Task timed out after ${seconds} seconds\n`;
    if (blamed.collectLog) blamed.log += note;
    this.#logSink?.(this.#config.init.functionName, note);
    this.#fail(slot, (requestId) => JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds` }), blamed);
  }

  /**
   * During the Init phase, the invocation that waits on it: the one the worker took, else (Init
   * blocks its thread before it took any) the first handed to it. Undefined once Init has ended.
   */
  #initBlame(slot: Slot): Pending | undefined {
    if (Atomics.load(slot.control, CONTROL_READY) !== 0) return undefined;
    return slot.inFlight.find((p) => Atomics.load(slot.control, p.item.seq % CONTROL_RING) === -p.item.seq) ?? slot.inFlight[0];
  }

  /**
   * Everything the worker has published, in order: the messages it posted (each one before any
   * answer it wrote after it), then the answer ring. Done before judging a worker, so answers it
   * gave count.
   */
  #drain(slot: Slot): void {
    for (let received = receiveMessageOnPort(slot.port); received !== undefined; received = receiveMessageOnPort(slot.port)) {
      if (received.message !== 0) this.#onMessage(slot, received.message as WorkerMessage);
      if (slot.gone) return;
    }
    this.#readAnswers(slot);
  }

  /** Answers written into the ring since the last read. */
  #readAnswers(slot: Slot): void {
    const write = Atomics.load(slot.control, CONTROL_ANSWER_WRITE);
    while (slot.answerRead !== write && !slot.gone) {
      const read = slot.answerRead;
      const offset = read & (ANSWER_RING_BYTES - 1);
      const at = offset >> 2;
      const size = slot.answerInts[at];
      if (size === ANSWER_WRAP) {
        slot.answerRead = (read + ANSWER_RING_BYTES - offset) & ANSWER_POSITION_MASK;
        continue;
      }
      const flags = slot.answerInts[at + 2];
      const payloadEnd = offset + ANSWER_HEADER_BYTES + slot.answerInts[at + 3];
      const logBytes = slot.answerInts[at + 4];
      const message: WorkerMessage = {
        t: 'done',
        id: slot.answerInts[at + 1],
        ok: (flags & ANSWER_OK) !== 0,
        payload: slot.answerBytes.toString('utf8', offset + ANSWER_HEADER_BYTES, payloadEnd),
        durationMs: slot.answerFloats[(offset + 24) >> 3],
        memoryMb: slot.answerInts[at + 5],
      };
      if (logBytes > 0) message.log = slot.answerBytes.toString('utf8', payloadEnd, payloadEnd + logBytes);
      if ((flags & ANSWER_HAS_INIT) !== 0) message.initMs = slot.answerFloats[(offset + 32) >> 3];
      slot.answerRead = (read + size) & ANSWER_POSITION_MASK;
      Atomics.store(slot.control, CONTROL_ANSWER_READ, slot.answerRead);
      this.#onMessage(slot, message);
    }
  }

  /**
   * The worker is unusable. An invocation it started (and `blamed`) fails with `payloadFor`;
   * those it had not started go back to the queue, to run elsewhere.
   */
  #fail(slot: Slot, payloadFor: (requestId: string) => string, blamed?: Pending): void {
    if (slot.gone) return;
    this.#drain(slot);
    if (slot.gone) return;
    const rest = slot.inFlight;
    slot.inFlight = [];
    slot.outbox = [];
    this.#remove(slot);
    const requeue: Pending[] = [];
    for (const pending of rest) {
      if (pending !== blamed && this.#reclaim(slot, pending)) {
        requeue.push(pending);
        continue;
      }
      const outcome: InvocationOutcome = { ok: false, payload: payloadFor(pending.item.requestId), durationMs: performance.now() - pending.assignedAt, memoryUsedMb: 0 };
      if (pending.collectLog) outcome.log = pending.log;
      this.#settle(pending, outcome);
    }
    this.#queue.unshift(...requeue);
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
    const now = performance.now();
    const wall = clock();
    let waiting = false;
    const taken: Pending[] = [];
    for (const slot of [...this.#slots]) {
      if (slot.gone || slot.inFlight.length < 2) continue;
      // Taken back only from a worker held up by one invocation (running for SCALE_UP_AFTER_MS),
      // not from one working through its queue; never from one in its Init phase (another would
      // wait as long).
      const running = Atomics.load(slot.control, CONTROL_RUNNING);
      if (running === 0 || wall - slot.deadlines[CONTROL_STARTED] < SCALE_UP_AFTER_MS) {
        waiting = true;
        continue;
      }
      // Its thread is busy: the answers it gave before are read here, not left for its doorbell.
      this.#drain(slot);
      if (slot.gone || slot.inFlight.length < 2) continue;
      if (now - slot.inFlight[1].assignedAt < SCALE_UP_AFTER_MS) {
        waiting = true;
        continue;
      }
      const kept: Pending[] = [];
      for (const pending of slot.inFlight) {
        if (this.#reclaim(slot, pending)) taken.push(pending);
        else kept.push(pending);
      }
      if (kept.length === slot.inFlight.length) continue;
      slot.inFlight = kept;
      slot.outbox = slot.outbox.filter((item) => kept.some((pending) => pending.item === item));
      slot.stalled = true;
    }
    if (taken.length > 0) {
      taken.sort((a, b) => a.queuedAt - b.queuedAt);
      this.#queue.unshift(...taken);
      this.#pump();
    }
    if (waiting) this.#scheduleSteal();
  }

  #remove(slot: Slot): void {
    if (slot.gone) return;
    slot.gone = true;
    clearTimeout(slot.timer);
    slot.timer = undefined;
    const index = this.#slots.indexOf(slot);
    if (index !== -1) this.#slots.splice(index, 1);
    if (!slot.online) this.#starting = Math.max(0, this.#starting - 1);
    void slot.worker.terminate();
    slot.port.close();
    this.#budget.release();
  }

  #settle(pending: Pending, outcome: InvocationOutcome): void {
    this.#active--;
    pending.onSettled?.();
    pending.resolve(outcome);
    this.#drained();
  }

  #reject(pending: Pending, error: unknown): void {
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

export function tooManyRequests(): AwsServiceError {
  return Object.assign(new AwsServiceError('TooManyRequestsException', 429, 'Rate Exceeded.'), {
    reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  });
}

/** A worker's uncaught error, in the Node runtime's shapes (unverified wording marked). */
function crashPayload(error: Error, requestId: string): string {
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
function exitPayload(code: number, requestId: string): string {
  const reason = code === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: exit status ${code}`;
  return JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` });
}
