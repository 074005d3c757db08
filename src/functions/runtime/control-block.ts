// The control block: per-worker shared memory through which the pool and the worker agree, with
// no message, on which invocation runs, since when, and until when.
// - Items: the pool offers each invocation it hands over under a per-worker sequence number
//   (entry seq % ITEM_ENTRIES ← seq); the worker claims it (seq → -seq, compare-and-swap) before
//   starting it, and the pool may take back one that is not claimed yet (seq → 0): so an
//   invocation runs at most once, and unstarted ones can move to another worker.
// - Running: before a handler starts the worker writes its start and deadline, then its seq; so
//   the pool times an invocation from its start and never blames one that has not started.
// - Ready: set once the Init phase (loading the handler) has ended, well or not.
//
// Layout: Int32 [0, ITEM_ENTRIES) items, then Int32 running, Int32 ready, then Float64 deadline,
// Float64 started (epoch ms on a monotonic base, comparable across threads: `clock()`).

/** Item entries; more than the pool ever hands one worker at a time. */
const ITEM_ENTRIES = 256;
const RUNNING = ITEM_ENTRIES;
const READY = ITEM_ENTRIES + 1;
const DEADLINE = (ITEM_ENTRIES + 2) / 2;
const STARTED = DEADLINE + 1;
const BYTES = (STARTED + 1) * 8;
/** Sequence numbers stay positive Int32s and never 0 (0 marks a taken-back entry). */
const MAX_SEQ = 0x3fffffff;

/** Epoch milliseconds on a monotonic base, comparable across threads. */
export const clock = (): number => performance.timeOrigin + performance.now();

export class ControlBlock {
  static allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(BYTES);
  }

  /** The sequence number after `seq` (start with 1). */
  static nextSeq(seq: number): number {
    return seq >= MAX_SEQ ? 1 : seq + 1;
  }

  readonly #ints: Int32Array;
  readonly #floats: Float64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#ints = new Int32Array(buffer);
    this.#floats = new Float64Array(buffer);
  }

  /** Pool: item `seq` is handed over. */
  offer(seq: number): void {
    Atomics.store(this.#ints, seq % ITEM_ENTRIES, seq);
  }

  /** Pool: takes item `seq` back; false when the worker has claimed it (it runs, or ran, there). */
  takeBack(seq: number): boolean {
    return Atomics.compareExchange(this.#ints, seq % ITEM_ENTRIES, seq, 0) === seq;
  }

  /** Worker: claims item `seq` before starting it; false when the pool took it back. */
  claim(seq: number): boolean {
    return Atomics.compareExchange(this.#ints, seq % ITEM_ENTRIES, seq, -seq) === seq;
  }

  claimed(seq: number): boolean {
    return Atomics.load(this.#ints, seq % ITEM_ENTRIES) === -seq;
  }

  /** Worker: item `seq`'s handler starts now (`started`, clock()) and is due at `deadline`. */
  begin(seq: number, started: number, deadline: number): void {
    this.#floats[DEADLINE] = deadline;
    this.#floats[STARTED] = started;
    Atomics.store(this.#ints, RUNNING, seq);
  }

  /** Worker: the running handler has ended. */
  end(): void {
    Atomics.store(this.#ints, RUNNING, 0);
  }

  /** The seq of the invocation whose handler runs now, 0 for none. */
  get running(): number {
    return Atomics.load(this.#ints, RUNNING);
  }

  /** The running invocation's deadline (clock()); read after `running`. */
  get deadline(): number {
    return this.#floats[DEADLINE];
  }

  /** When the running invocation's handler started (clock()); read after `running`. */
  get started(): number {
    return this.#floats[STARTED];
  }

  /** Worker: the Init phase has ended. */
  markReady(): void {
    Atomics.store(this.#ints, READY, 1);
  }

  get ready(): boolean {
    return Atomics.load(this.#ints, READY) !== 0;
  }
}
