// A Map keyed by callers' keys that cannot grow without bound: each time it has doubled since the
// last sweep, the entries `idle` says are no longer needed go (amortised O(1) per insertion).

const MIN_SWEEP_SIZE = 1024;

export class SweptMap<V> extends Map<string, V> {
  readonly #idle: (value: V, now: number) => boolean;
  #sweepAt = MIN_SWEEP_SIZE;

  constructor(idle: (value: V, now: number) => boolean) {
    super();
    this.#idle = idle;
  }

  /** Adds an entry, sweeping first when the map has doubled. */
  insert(key: string, value: V, now: number): V {
    if (this.size >= this.#sweepAt) {
      for (const [k, v] of this) if (this.#idle(v, now)) this.delete(k);
      this.#sweepAt = Math.max(MIN_SWEEP_SIZE, this.size * 2);
    }
    this.set(key, value);
    return value;
  }
}
