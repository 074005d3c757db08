// The answer ring: a single-writer, single-reader ring of invocation answers in shared memory,
// written by a function's worker thread and read by its pool whenever the pool likes (on the
// worker's doorbell message, or while the worker is busy with a slow invocation). Answers go out
// without a message each, so a burst of quick invocations costs one thread wake-up.
//
// Layout of the SharedArrayBuffer: 8 bytes of positions (Int32 write, Int32 read: byte counts
// modulo POSITION_MASK + 1, each written by one side only), then `capacity` bytes of records
// (a power of two). A record is 8-byte aligned: a 40-byte header (Int32 size, id, flags,
// payload bytes, log bytes, memory MB; Float64 duration, Init duration), the payload and the
// log as UTF-8. A record never wraps: when it does not fit before the end, the writer leaves a
// WRAP size there and starts the record at offset 0. So a record of up to half the capacity
// always fits once the reader has caught up (ANSWER_INLINE_CHARS of UTF-8 are well within that).

/** One invocation's answer, as the worker gives it. */
export interface Answer {
  /** The pool's invocation id (an Int32). */
  id: number;
  /** false → a function error. */
  ok: boolean;
  /** The result JSON, or the error object JSON. */
  payload: string;
  durationMs: number;
  memoryMb: number;
  /** This invocation's log not yet sent. */
  log?: string;
  /** Set on the first answer after the Init phase: how long it took (ms). */
  initMs?: number;
}

/** The ring's record space unless told otherwise (a power of two). */
export const ANSWER_RING_CAPACITY = 256 * 1024;
/** Answers longer than this (payload and log, UTF-16 units) are not taken: they are posted instead. */
export const ANSWER_INLINE_CHARS = 16 * 1024;

const POSITIONS_BYTES = 8;
const WRITE = 0;
const READ = 1;
const POSITION_MASK = 0x3fffffff;
const HEADER_BYTES = 40;
const WRAP = -1;
const OK = 1;
const HAS_INIT = 2;

export class AnswerRing {
  /** Shared memory for a ring of `capacity` record bytes (a power of two, at least 64). */
  static allocate(capacity = ANSWER_RING_CAPACITY): SharedArrayBuffer {
    if (capacity < 64 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`answer ring capacity ${capacity} is not a power of two of at least 64`);
    return new SharedArrayBuffer(POSITIONS_BYTES + capacity);
  }

  readonly #positions: Int32Array;
  readonly #bytes: Buffer;
  readonly #ints: Int32Array;
  readonly #floats: Float64Array;
  readonly #capacity: number;

  /** A view of a ring made by `allocate`, on either side. */
  constructor(buffer: SharedArrayBuffer) {
    this.#capacity = buffer.byteLength - POSITIONS_BYTES;
    this.#positions = new Int32Array(buffer, 0, 2);
    this.#bytes = Buffer.from(buffer, POSITIONS_BYTES, this.#capacity);
    this.#ints = new Int32Array(buffer, POSITIONS_BYTES, this.#capacity >> 2);
    this.#floats = new Float64Array(buffer, POSITIONS_BYTES, this.#capacity >> 3);
  }

  /**
   * The writer's side: appends `answer` and publishes it; false (nothing written) when it is
   * longer than ANSWER_INLINE_CHARS or does not fit in the space the reader has freed.
   */
  write(answer: Answer): boolean {
    const log = answer.log ?? '';
    if (answer.payload.length + log.length > ANSWER_INLINE_CHARS) return false;
    const payloadBytes = Buffer.byteLength(answer.payload);
    const logBytes = log === '' ? 0 : Buffer.byteLength(log);
    const size = (HEADER_BYTES + payloadBytes + logBytes + 7) & ~7;
    const write = this.#positions[WRITE];
    const used = (write - Atomics.load(this.#positions, READ)) & POSITION_MASK;
    let offset = write & (this.#capacity - 1);
    const skip = offset + size > this.#capacity ? this.#capacity - offset : 0;
    if (used + skip + size > this.#capacity) return false;
    if (skip > 0) {
      this.#ints[offset >> 2] = WRAP;
      offset = 0;
    }
    const at = offset >> 2;
    this.#ints[at] = size;
    this.#ints[at + 1] = answer.id;
    this.#ints[at + 2] = (answer.ok ? OK : 0) | (answer.initMs === undefined ? 0 : HAS_INIT);
    this.#ints[at + 3] = payloadBytes;
    this.#ints[at + 4] = logBytes;
    this.#ints[at + 5] = answer.memoryMb;
    this.#floats[(offset + 24) >> 3] = answer.durationMs;
    this.#floats[(offset + 32) >> 3] = answer.initMs ?? 0;
    this.#bytes.write(answer.payload, offset + HEADER_BYTES, payloadBytes, 'utf8');
    if (logBytes > 0) this.#bytes.write(log, offset + HEADER_BYTES + payloadBytes, logBytes, 'utf8');
    // The record is complete before the reader can see the new position.
    Atomics.store(this.#positions, WRITE, (write + skip + size) & POSITION_MASK);
    return true;
  }

  /** The reader's side: the oldest answer not read yet (its space is freed), or undefined. */
  read(): Answer | undefined {
    const write = Atomics.load(this.#positions, WRITE);
    let read = this.#positions[READ];
    if (read === write) return undefined;
    let offset = read & (this.#capacity - 1);
    if (this.#ints[offset >> 2] === WRAP) {
      read = (read + this.#capacity - offset) & POSITION_MASK;
      offset = 0;
    }
    const at = offset >> 2;
    const flags = this.#ints[at + 2];
    const payloadEnd = offset + HEADER_BYTES + this.#ints[at + 3];
    const logBytes = this.#ints[at + 4];
    const answer: Answer = {
      id: this.#ints[at + 1],
      ok: (flags & OK) !== 0,
      payload: this.#bytes.toString('utf8', offset + HEADER_BYTES, payloadEnd),
      durationMs: this.#floats[(offset + 24) >> 3],
      memoryMb: this.#ints[at + 5],
    };
    if (logBytes > 0) answer.log = this.#bytes.toString('utf8', payloadEnd, payloadEnd + logBytes);
    if ((flags & HAS_INIT) !== 0) answer.initMs = this.#floats[(offset + 32) >> 3];
    Atomics.store(this.#positions, READ, (read + this.#ints[at]) & POSITION_MASK);
    return answer;
  }
}
