// One Redis connection shared by the Redis backends, and the failure policy around every call:
// each call is bounded (command timeout, no offline queue), an outage is logged once when it starts
// and once when it ends, and while it lasts calls answer at once from the policy — `open` (the
// default, as AWS serves a request without limits when its usage-plan check fails internally:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html,
// wording unverified) or `closed` (StateUnavailableError, the caller answers 500). Reads and writes
// for the control plane (GetUsage, UpdateUsage) fail whatever the policy.
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { StateUnavailableError } from './state-unavailable-error.js';

export type FailurePolicy = 'open' | 'closed';

export interface RedisConnectionOptions {
  readonly url: string;
  readonly failure: FailurePolicy;
  readonly log: Pick<Logger, 'warn' | 'info'>;
}

/** Longest a Redis command may take before it counts as a failure. */
const COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 2_000;
/** While Redis is failing, one call in this long tries it again; the others answer from the policy at once. */
const PROBE_INTERVAL_MS = 500;

export type ScriptCall = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

export class RedisConnection {
  readonly #client: Redis;
  readonly #failure: FailurePolicy;
  readonly #log: Pick<Logger, 'warn' | 'info'>;
  #down = false;
  #probeAt = 0;

  constructor({ url, failure, log }: RedisConnectionOptions) {
    this.#failure = failure;
    this.#log = log;
    this.#client = new Redis(url, {
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Reconnect for ever, at most a second apart: enforcement resumes by itself.
      retryStrategy: (attempt) => Math.min(attempt * 50, 1_000),
    });
    // Connection errors are reported through the calls that fail (once per outage), never thrown.
    this.#client.on('error', () => {});
  }

  /** Waits until the first connection is up, or has failed (then the first call reports the outage). */
  ready(): Promise<void> {
    if (this.#client.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#client.off('ready', done).off('error', done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_TIMEOUT_MS);
      this.#client.once('ready', done).once('error', done);
    });
  }

  /** A Lua script run by EVALSHA (ioredis loads it when Redis does not know it yet). */
  script(name: string, numberOfKeys: number, lua: string): ScriptCall {
    this.#client.defineCommand(name, { numberOfKeys, lua });
    const call = (this.#client as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[name].bind(this.#client);
    return (keys, args) => call(...keys, ...args);
  }

  /**
   * Runs a request-path call under the failure policy: its answer, or `undefined` when Redis is
   * failing and the policy is `open`; under `closed` a failure throws StateUnavailableError.
   */
  async run<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.required(call);
    } catch (error) {
      if (this.#failure === 'closed') throw error;
      return undefined;
    }
  }

  /** Runs a call whose answer is needed whatever the policy (GetUsage, UpdateUsage): a failure throws StateUnavailableError. */
  async required<T>(call: () => Promise<T>): Promise<T> {
    if (this.#down && performance.now() < this.#probeAt) throw new StateUnavailableError(undefined);
    try {
      const answer = await call();
      if (this.#down) {
        this.#down = false;
        this.#log.info({}, 'Redis is reachable again: shared throttling and quotas are enforced again');
      }
      return answer;
    } catch (error) {
      if (!this.#down) {
        this.#down = true;
        this.#log.warn(
          { error: (error as Error).message, failure: this.#failure },
          this.#failure === 'open'
            ? 'Redis is failing: requests are allowed without throttling and quotas until it is back'
            : 'Redis is failing: requests that need throttling or quotas are refused until it is back',
        );
      }
      this.#probeAt = performance.now() + PROBE_INTERVAL_MS;
      throw new StateUnavailableError(error);
    }
  }

  /** The client, for plain commands; always called inside `run`. */
  get client(): Redis {
    return this.#client;
  }

  async close(): Promise<void> {
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }

}
