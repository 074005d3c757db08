// Runs an invocation through its steps in phases (docs/architecture.md): the request steps
// until one sets a response, the response steps (always, even after an early end), the error
// step when a step throws, then the caller's delivery of the response and its finalizers,
// exactly once whatever happened. It awaits only where a step returned a Promise, so a
// request whose steps are all synchronous allocates nothing here.
import type { Logger } from '../../observability/logger.js';
import { ClientAbortedError } from '../../request-body.js';
import type { Finalizer, StepList, StepResult } from './step.js';

/** What the runner reads and writes on a context. */
export interface PipelineContext<C> {
  response: unknown;
  /** Re-read before every step: a step (route) may hand over to another list. */
  steps: StepList<C>;
  /** Why the request failed or ended without an answer, for the finalizers. */
  failureReason: string | undefined;
  /** The client went away before the answer (nothing is delivered). */
  clientClosed: boolean;
  /** Set once the finalizers have run. */
  finished: boolean;
}

/** How the caller ends a request: how the response leaves, and what runs after it. */
export interface PipelineEnd<C> {
  /**
   * Sends (or keeps) `ctx.response`, then calls `finish(ctx)` once it is out: at once for a
   * buffered body, when the last byte is written for a streamed one.
   */
  deliver(ctx: C, finish: (ctx: C) => void): void;
  readonly finalizers: readonly Finalizer<C>[];
  /** Where a failing finalizer or delivery is reported. */
  readonly log: Pick<Logger, 'error'>;
}

export class PipelineRunner<C extends PipelineContext<C>> {
  readonly #end: PipelineEnd<C>;

  constructor(end: PipelineEnd<C>) {
    this.#end = end;
    this.finish = this.finish.bind(this);
  }

  /** Resolves when the response has been handed to `deliver` (not when a streamed body ends). */
  run(ctx: C): StepResult {
    return this.#request(ctx, 0);
  }

  /** Runs the finalizers, once per context. */
  finish(ctx: C): void {
    if (ctx.finished) return;
    ctx.finished = true;
    for (const finalizer of this.#end.finalizers) {
      try {
        finalizer.run(ctx);
      } catch (error) {
        this.#end.log.error({ err: error, finalizer: finalizer.name }, 'finalizer failed');
      }
    }
  }

  #request(ctx: C, from: number): StepResult {
    let i = from;
    try {
      for (; i < ctx.steps.request.length && ctx.response === undefined; i++) {
        const result = ctx.steps.request[i].run(ctx);
        if (result !== undefined) {
          const next = i + 1;
          return result.then(() => this.#request(ctx, next), (error: unknown) => this.#failed(ctx, error, 0));
        }
      }
    } catch (error) {
      return this.#failed(ctx, error, 0);
    }
    return this.#response(ctx, 0);
  }

  #response(ctx: C, from: number): StepResult {
    let i = from;
    try {
      for (; i < ctx.steps.response.length; i++) {
        const result = ctx.steps.response[i].run(ctx);
        if (result !== undefined) {
          const next = i + 1;
          return result.then(() => this.#response(ctx, next), (error: unknown) => this.#failed(ctx, error, next));
        }
      }
    } catch (error) {
      return this.#failed(ctx, error, i + 1);
    }
    this.#deliver(ctx);
  }

  /** The error step renders the failure; the response steps after the failing one still run. */
  #failed(ctx: C, thrown: unknown, responseFrom: number): StepResult {
    if (thrown instanceof ClientAbortedError) {
      ctx.clientClosed = true;
      ctx.failureReason = thrown.message;
      this.finish(ctx);
      return;
    }
    try {
      ctx.steps.error(ctx, thrown);
    } catch (error) {
      this.finish(ctx);
      throw error;
    }
    return this.#response(ctx, responseFrom);
  }

  #deliver(ctx: C): void {
    try {
      // Steps that end without a response are a bug; answer 500 rather than hang.
      if (ctx.response === undefined) ctx.steps.error(ctx, new Error('pipeline produced no response'));
      this.#end.deliver(ctx, this.finish);
    } catch (error) {
      this.#end.log.error({ err: error }, 'response delivery failed');
      this.finish(ctx);
      throw error;
    }
  }
}
