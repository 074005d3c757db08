// MemorySize inside the worker. The pool bounds the V8 heap (resourceLimits); this counts the
// heap plus Buffers and ArrayBuffers, which the heap limit does not see, and keeps the running
// invocation's peak for the REPORT line's "Max Memory Used".
import v8 from 'node:v8';
import vm from 'node:vm';

export class MemoryLimit {
  readonly #limitBytes: number;
  #collect: (() => void) | undefined;
  /** The running invocation's highest reading, and the latest reading. */
  #peakBytes = 0;
  #lastBytes = 0;
  /** When it was last checked (performance.now()). */
  lastCheck = 0;

  constructor(memoryMb: number) {
    this.#limitBytes = memoryMb * 1024 * 1024;
  }

  /** Memory in use now (MB). */
  usedMb(): number {
    return Math.round(usedBytes() / 1048576);
  }

  /**
   * Memory in use now, counted into the invocation's peak; true when over MemorySize even after
   * a full collection (garbage Buffers are not memory in use; V8 settles freed ArrayBuffers'
   * accounting at the next collection, hence two).
   */
  exceeded(): boolean {
    this.lastCheck = performance.now();
    let used = usedBytes();
    if (used > this.#limitBytes) {
      if (this.#collect === undefined) {
        v8.setFlagsFromString('--expose-gc');
        this.#collect = vm.runInNewContext('gc') as () => void;
        v8.setFlagsFromString('--no-expose-gc');
      }
      this.#collect();
      this.#collect();
      used = usedBytes();
    }
    this.#lastBytes = used;
    if (used > this.#peakBytes) this.#peakBytes = used;
    return used > this.#limitBytes;
  }

  /** The invocation's "Max Memory Used" (MB); the next invocation's peak starts afresh. */
  takePeakMb(): number {
    const peak = Math.max(this.#peakBytes, this.#lastBytes);
    this.#peakBytes = 0;
    return Math.round(peak / 1048576);
  }
}

function usedBytes(): number {
  const heap = v8.getHeapStatistics() as ReturnType<typeof v8.getHeapStatistics> & { external_memory?: number };
  return heap.used_heap_size + (heap.external_memory ?? 0);
}
