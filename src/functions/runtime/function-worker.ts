// One execution environment, as its pool sees it: a worker thread (its own V8 isolate, globals
// and `process.env`) running worker/worker-entry.ts, and its life. What Lambda does and this
// mirrors (Lambda Developer Guide "Lambda execution environment lifecycle"):
// - Timeout runs from the moment the handler starts (the worker publishes it in the control
//   block); past it the worker is ended and the invocation fails with `Sandbox.Timedout` "Task
//   timed out after N.00 seconds". The Init phase (loading the handler) has its own limit,
//   INIT_TIMEOUT_MS; an Init past it is charged to the first invocation's Timeout (Lambda re-runs
//   Init within it), so a worker still initialising at max(INIT_TIMEOUT_MS, Timeout) is ended.
// - MemorySize is the worker's V8 heap limit, plus the worker's own check of heap + Buffers +
//   ArrayBuffers after each invocation and while one runs: `Runtime.OutOfMemory`, worker ended.
// - A worker that exits, crashes or hangs is ended: the invocation it had started fails; those
//   it had not started go back to the pool to run elsewhere. No invocation ever runs twice.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { AnswerRing, type Answer } from './answer-ring.js';
import { clock, ControlBlock } from './control-block.js';
import { crashPayload, exitPayload, timeoutPayload } from './error-payloads.js';
import type { InvocationOutcome, PendingInvocation } from './invocation.js';
import { workerEntryUrl } from './worker-entry-url.js';
import type { FunctionInit, PostedAnswer, RunMessage, WorkerInit, WorkerInvocation, WorkerMessage } from './worker-protocol.js';

/** Lambda's Init-phase limit for on-demand functions (Lambda Developer Guide "Lambda execution environment lifecycle"). */
export const INIT_TIMEOUT_MS = 10_000;
/** Synchronous invocation response limit: 6 MB, which Lambda enforces as 6291556 bytes (Function.ResponseSizeTooLarge). */
export const MAX_RESPONSE_PAYLOAD_BYTES = 6_291_556;
/** How often a running invocation's memory (heap + Buffers) is compared with MemorySize. */
const MEMORY_CHECK_MS = 100;

export interface WorkerSettings {
  init: FunctionInit;
  env: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
}

/** What a worker tells its pool. */
export interface WorkerEvents {
  /** Output of the function (its log lines, a timeout note). */
  log(text: string): void;
  /**
   * `pending` was answered. `measuredMs`: how long it ran, unless its Init failed; `reusable`:
   * false when the worker takes no more work (it then reports `ended`).
   */
  answered(worker: FunctionWorker, pending: PendingInvocation, outcome: InvocationOutcome, measuredMs: number | undefined, reusable: boolean): void;
  /** The worker failed and is stopped: `failed` settle with their outcomes, `unstarted` (in order) run elsewhere. */
  ended(worker: FunctionWorker, failed: [PendingInvocation, InvocationOutcome][], unstarted: PendingInvocation[]): void;
  /** The thread is up: the pool may start another for work still waiting. */
  online(worker: FunctionWorker): void;
}

export class FunctionWorker {
  /** Online: its thread runs (messages posted before wait until then). */
  online = false;
  /** performance.now() of its last answer (or start). */
  lastUsed = performance.now();
  /** Queued work was taken back from it: no more until it answers, or has nothing of ours left. */
  stalled = false;
  readonly #settings: WorkerSettings;
  readonly #events: WorkerEvents;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #control: ControlBlock;
  readonly #answers: AnswerRing;
  /** clock() when started: its Init phase runs from here. */
  readonly #createdAt = clock();
  /** Handed to this worker, in order, not answered yet. */
  #inFlight: PendingInvocation[] = [];
  /** Assigned this turn, not yet posted. */
  #outbox: WorkerInvocation[] = [];
  #nextSeq = 1;
  #timer: NodeJS.Timeout | undefined;
  #gone = false;

  constructor(settings: WorkerSettings, events: WorkerEvents) {
    this.#settings = settings;
    this.#events = events;
    const control = ControlBlock.allocate();
    const answers = AnswerRing.allocate();
    this.#control = new ControlBlock(control);
    this.#answers = new AnswerRing(answers);
    const { port1, port2 } = new MessageChannel();
    const workerData: WorkerInit = {
      ...settings.init,
      control,
      answers,
      port: port2,
      startedAt: this.#createdAt,
      initTimeoutMs: INIT_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_PAYLOAD_BYTES,
      memoryCheckMs: MEMORY_CHECK_MS,
    };
    this.#worker = new Worker(workerEntryUrl(), {
      workerData,
      transferList: [port2],
      env: settings.env,
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryMb },
      stdin: false,
    });
    this.#port = port1;
    this.#worker.unref();
    port1.on('message', (message: WorkerMessage) => {
      if (message !== 0) this.#onMessage(message);
      this.#drain();
    });
    port1.unref();
    this.#worker.on('online', () => {
      this.online = true;
      events.online(this);
    });
    this.#worker.on('error', (error: Error) => this.#fail((requestId) => crashPayload(error, requestId), this.#initBlame()));
    this.#worker.on('exit', (code) => this.#fail((requestId) => exitPayload(code, requestId), this.#initBlame()));
  }

  get gone(): boolean {
    return this.#gone;
  }

  /** Invocations handed to it and not answered. */
  get queued(): number {
    return this.#inFlight.length;
  }

  /** Started, with nothing to do. */
  get idle(): boolean {
    return this.#inFlight.length === 0 && this.online && !this.#gone;
  }

  /** Hands `pending` over; it goes out with the next `flush()`. */
  assign(pending: PendingInvocation, now: number): void {
    const seq = this.#nextSeq;
    this.#nextSeq = ControlBlock.nextSeq(seq);
    pending.item.seq = seq;
    pending.assignedAt = now;
    this.#control.offer(seq);
    this.#inFlight.push(pending);
    this.#outbox.push(pending.item);
    this.#arm();
  }

  /** Posts what was assigned since the last flush, in one message. */
  flush(): void {
    if (this.#outbox.length === 0) return;
    this.#port.postMessage({ t: 'run', items: this.#outbox } satisfies RunMessage);
    this.#outbox = [];
  }

  /**
   * Takes back the invocations queued here and not started, when one invocation has held the
   * worker up for `heldMs` and the next has waited as long (not from a worker working through its
   * queue; never from one in its Init phase, where another would wait as long). The answers it
   * gave meanwhile are read first. 'later': it may have some to give back later.
   */
  takeBackQueued(heldMs: number): PendingInvocation[] | 'later' {
    if (this.#gone || this.#inFlight.length < 2) return [];
    if (this.#control.running === 0 || clock() - this.#control.started < heldMs) return 'later';
    // Its thread is busy: the answers it gave before are read here, not left for its doorbell.
    this.#drain();
    if (this.#gone || this.#inFlight.length < 2) return [];
    if (performance.now() - this.#inFlight[1].assignedAt < heldMs) return 'later';
    const kept: PendingInvocation[] = [];
    const taken: PendingInvocation[] = [];
    for (const pending of this.#inFlight) {
      if (this.#control.takeBack(pending.item.seq)) taken.push(pending);
      else kept.push(pending);
    }
    if (taken.length > 0) {
      this.#inFlight = kept;
      this.#outbox = this.#outbox.filter((item) => kept.some((pending) => pending.item === item));
      this.stalled = true;
    }
    return taken;
  }

  /** Ends the thread. Returns what it had in flight (not settled), or undefined when it had already ended. */
  stop(): PendingInvocation[] | undefined {
    if (this.#gone) return undefined;
    this.#gone = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#worker.terminate();
    this.#port.close();
    const rest = this.#inFlight;
    this.#inFlight = [];
    this.#outbox = [];
    return rest;
  }

  #onMessage(message: Exclude<WorkerMessage, 0>): void {
    if (message.t === 'log') {
      const owner = this.#inFlight[0]?.item.id === message.id ? this.#inFlight[0] : this.#inFlight.find((p) => p.item.id === message.id);
      this.#log(owner, message.text);
      return;
    }
    this.#answer(message);
  }

  #answer(answer: Answer & Partial<Pick<PostedAnswer, 'end'>>): void {
    let pending: PendingInvocation | undefined;
    if (this.#inFlight[0]?.item.id === answer.id) pending = this.#inFlight.shift()!;
    else {
      const index = this.#inFlight.findIndex((p) => p.item.id === answer.id);
      if (index === -1) return;
      pending = this.#inFlight.splice(index, 1)[0];
    }
    this.lastUsed = performance.now();
    this.stalled = false;
    if (answer.log) this.#log(pending, answer.log);
    const outcome: InvocationOutcome = { ok: answer.ok, payload: answer.payload, durationMs: answer.durationMs, memoryUsedMb: answer.memoryMb };
    if (answer.initMs !== undefined) outcome.initDurationMs = answer.initMs;
    if (pending.collectLog) outcome.log = pending.log;
    this.#events.answered(this, pending, outcome, answer.end === 'fatal' ? undefined : answer.durationMs, answer.end === undefined);
    // The handler could not be loaded, or the worker is over its memory: it takes no more work
    // (Lambda starts afresh); what it had not started runs elsewhere.
    if (answer.end !== undefined) this.#fail((requestId) => exitPayload(0, requestId));
  }

  #log(pending: PendingInvocation | undefined, text: string): void {
    if (pending?.collectLog) pending.log += text;
    this.#events.log(text);
  }

  /**
   * Everything the worker has published, in order: the messages it posted (each one before any
   * answer it wrote after it), then the answer ring. Done before judging a worker, so answers it
   * gave count.
   */
  #drain(): void {
    for (let received = receiveMessageOnPort(this.#port); received !== undefined; received = receiveMessageOnPort(this.#port)) {
      const message = received.message as WorkerMessage;
      if (message !== 0) this.#onMessage(message);
      if (this.#gone) return;
    }
    for (let answer = this.#answers.read(); answer !== undefined; answer = this.#answers.read()) {
      this.#answer(answer);
      if (this.#gone) return;
    }
  }

  /** Keeps one timer while busy, due at the running invocation's deadline (or its Init limit). */
  #arm(delayMs = this.#settings.timeoutMs): void {
    if (this.#timer !== undefined || this.#gone) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#check();
    }, Math.max(1, delayMs));
    this.#timer.unref();
  }

  #check(): void {
    if (this.#gone || this.#inFlight.length === 0) return;
    const now = clock();
    const timeoutMs = this.#settings.timeoutMs;
    const running = this.#control.running;
    if (running !== 0) {
      const deadline = this.#control.deadline;
      if (now >= deadline) this.#timeout(running);
      else this.#arm(deadline - now);
      return;
    }
    if (!this.#control.ready) {
      // Still in its Init phase: Lambda's limit, or (past it) the invocation's own Timeout from the start.
      const initDeadline = this.#createdAt + Math.max(INIT_TIMEOUT_MS, timeoutMs);
      if (now >= initDeadline) this.#timeout(0);
      else this.#arm(Math.min(initDeadline - now, timeoutMs));
      return;
    }
    // Between invocations: anything that starts from now on is due no sooner than a Timeout away.
    this.#arm();
  }

  /** Ends the worker when invocation `seq` (0: the one waiting on its Init phase) is past its deadline. */
  #timeout(seq: number): void {
    this.#drain();
    if (this.#gone) return;
    const blamed = seq !== 0 ? this.#inFlight.find((p) => p.item.seq === seq) : this.#initBlame();
    if (blamed === undefined || (seq !== 0 && this.#control.running !== seq)) {
      // It answered in the meantime.
      this.#arm(1);
      return;
    }
    const timeoutMs = this.#settings.timeoutMs;
    // AWS logs "{time} {requestId} Task timed out after 3.00 seconds".
    this.#log(blamed, `${new Date().toISOString()} ${blamed.item.requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds\n`);
    this.#fail((requestId) => timeoutPayload(requestId, timeoutMs), blamed);
  }

  /**
   * During the Init phase, the invocation that waits on it: the one the worker took, else (Init
   * blocks its thread before it took any) the first handed to it. Undefined once Init has ended.
   */
  #initBlame(): PendingInvocation | undefined {
    if (this.#control.ready) return undefined;
    return this.#inFlight.find((p) => this.#control.claimed(p.item.seq)) ?? this.#inFlight[0];
  }

  /**
   * The worker is unusable: it is stopped. An invocation it started (and `blamed`) fails with
   * `payloadFor`; those it had not started go back to the pool.
   */
  #fail(payloadFor: (requestId: string) => string, blamed?: PendingInvocation): void {
    if (this.#gone) return;
    this.#drain();
    const rest = this.stop();
    if (rest === undefined) return;
    const failed: [PendingInvocation, InvocationOutcome][] = [];
    const unstarted: PendingInvocation[] = [];
    for (const pending of rest) {
      if (pending !== blamed && this.#control.takeBack(pending.item.seq)) {
        unstarted.push(pending);
        continue;
      }
      const outcome: InvocationOutcome = { ok: false, payload: payloadFor(pending.item.requestId), durationMs: performance.now() - pending.assignedAt, memoryUsedMb: 0 };
      if (pending.collectLog) outcome.log = pending.log;
      failed.push([pending, outcome]);
    }
    this.#events.ended(this, failed, unstarted);
  }
}
