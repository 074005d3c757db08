// Follows the store's change feed for one consumer (the deployments table, the function
// registry, …): loads everything at start, then applies each change in version order. It
// remembers the last version it handed over; a change that skips versions (a notification
// lost, as LISTEN/NOTIFY may) makes it read the changes since that version from the store, and
// a feed trimmed past it makes the consumer reload everything.
import type { Awaitable, ChangeFeed, ConfigChange } from '../store/config-store.js';

export interface ChangeConsumer {
  /**
   * One change, in version order. May finish asynchronously (the consumer orders its own work);
   * `catchUp` waits for what it returns.
   */
  apply(change: ConfigChange): Awaitable<void>;
  /** Everything from the store (start, or the feed no longer reaches back to our version). */
  reload(): Awaitable<void>;
}

export interface FollowerLog {
  error(details: object, message: string): void;
}

export class ChangeFollower {
  readonly #feed: ChangeFeed;
  readonly #consumer: ChangeConsumer;
  readonly #log: FollowerLog;
  #version = 0;
  #unsubscribe: (() => void) | undefined;
  /** A catch-up in progress; changes heard meanwhile are left to it. */
  #catchingUp: Promise<void> | undefined;
  #behind = false;

  constructor(feed: ChangeFeed, consumer: ChangeConsumer, log: FollowerLog) {
    this.#feed = feed;
    this.#consumer = consumer;
    this.#log = log;
  }

  /** The last version handed to the consumer. */
  get version(): number {
    return this.#version;
  }

  /** Reloads the consumer, then follows the feed from the version read before the reload. */
  async start(): Promise<void> {
    this.#unsubscribe ??= this.#feed.subscribe((change) => this.#heard(change));
    const started = this.#run(async () => {
      this.#version = await this.#feed.configVersion();
      await this.#consumer.reload();
    });
    await started;
    await this.catchUp();
  }

  /** Stops hearing changes; `catchUp` still works (a consumer that comes back later). */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Applies every change committed since the last version handed over. */
  catchUp(): Promise<void> {
    if (this.#catchingUp !== undefined) {
      this.#behind = true;
      return this.#catchingUp;
    }
    return this.#run(async () => {
      do {
        this.#behind = false;
        const { changes, complete } = await this.#feed.changesSince(this.#version);
        if (!complete) {
          this.#version = await this.#feed.configVersion();
          await this.#consumer.reload();
          this.#behind = true;
          continue;
        }
        for (const change of changes) await this.#hand(change);
      } while (this.#behind);
    });
  }

  #run(work: () => Promise<void>): Promise<void> {
    const running = work()
      .catch((error: unknown) => this.#log.error({ err: error }, 'following the change feed failed'))
      .finally(() => {
        if (this.#catchingUp === running) this.#catchingUp = undefined;
      });
    this.#catchingUp = running;
    return running;
  }

  #heard(change: ConfigChange): void {
    if (this.#catchingUp !== undefined) {
      this.#behind = true;
      return;
    }
    if (change.version <= this.#version) return;
    if (change.version === this.#version + 1) void this.#hand(change);
    else void this.catchUp();
  }

  #hand(change: ConfigChange): Awaitable<void> {
    if (change.version <= this.#version) return;
    this.#version = change.version;
    const failed = (error: unknown) => this.#log.error({ err: error, change }, 'applying a configuration change failed');
    try {
      const applied = this.#consumer.apply(change);
      if (applied instanceof Promise) return applied.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}
