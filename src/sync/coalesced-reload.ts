// A consumer's rebuild run one at a time: changes that come together (ImportApiKeys writes one
// per key) make one rebuild, and a rebuild asked for while one runs is queued once and covers
// every change heard meanwhile.
export class CoalescedReload {
  readonly #rebuild: () => Promise<void>;
  #running: Promise<void> = Promise.resolve();
  #queued: Promise<void> | undefined;

  constructor(rebuild: () => Promise<void>) {
    this.#rebuild = rebuild;
  }

  run(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const queued = this.#running.then(() => {
      this.#queued = undefined;
      return this.#rebuild();
    });
    this.#queued = queued;
    this.#running = queued.catch(() => undefined);
    return queued;
  }
}
