// The process-wide worker budget (`maxFunctionWorkers`): live worker threads across every
// function's pool, capped. A pool that needs one more past the cap takes an idle worker's place
// (least recently used, any function), or waits until a worker ends.

/** What the budget asks of a pool. */
export interface BudgetedPool {
  /** The budget has a place again: try again. */
  wake(): void;
  /** When its least recently used idle worker was last used, if it has one. */
  oldestIdle(): number | undefined;
  /** Ends its least recently used idle worker. */
  evictIdle(): void;
}

export class WorkerBudget {
  readonly #max: number;
  #live = 0;
  readonly #pools = new Set<BudgetedPool>();
  readonly #waiting = new Set<BudgetedPool>();

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

  register(pool: BudgetedPool): void {
    this.#pools.add(pool);
  }

  forget(pool: BudgetedPool): void {
    this.#pools.delete(pool);
    this.#waiting.delete(pool);
  }

  /** A place for one more worker of `pool`; false → it waits and is woken when one frees. */
  acquire(pool: BudgetedPool): boolean {
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
    let oldest: { pool: BudgetedPool; lastUsed: number } | undefined;
    for (const pool of this.#pools) {
      const lastUsed = pool.oldestIdle();
      if (lastUsed !== undefined && (oldest === undefined || lastUsed < oldest.lastUsed)) oldest = { pool, lastUsed };
    }
    oldest?.pool.evictIdle();
  }
}
