// The runner's phases on plain contexts: request steps until one answers, response steps
// always, the error step on a throw, delivery, then the finalizers exactly once.
import { describe, it, expect } from 'vitest';
import { PipelineRunner, type PipelineContext } from '../../../src/data-plane/pipeline/runner.js';
import type { Step, StepList } from '../../../src/data-plane/pipeline/step.js';
import { ClientAbortedError } from '../../../src/request-body.js';

interface Ctx extends PipelineContext<Ctx> {
  response: string | undefined;
  seen: string[];
}

interface Options {
  async?: boolean;
  respond?: boolean;
  fail?: unknown;
}

const step = (name: string, options: Options = {}): Step<Ctx> => ({
  name,
  run(ctx) {
    ctx.seen.push(name);
    if (options.respond) ctx.response = name;
    if (options.fail !== undefined) {
      if (options.async) return Promise.reject(options.fail);
      throw options.fail;
    }
    if (options.async) return Promise.resolve();
  },
});

function steps(request: Step<Ctx>[], response: Step<Ctx>[] = []): StepList<Ctx> {
  return {
    request,
    response,
    error(ctx, thrown) {
      ctx.seen.push(`error:${(thrown as Error).message}`);
      ctx.response = 'gateway-error';
      ctx.failureReason = (thrown as Error).message;
    },
  };
}

function setup(list: StepList<Ctx>) {
  const finalized: string[] = [];
  const delivered: string[] = [];
  const runner = new PipelineRunner<Ctx>({
    deliver(ctx, finish) {
      delivered.push(ctx.response ?? '');
      finish(ctx);
    },
    finalizers: [{ name: 'log', run: (ctx) => finalized.push(ctx.clientClosed ? `closed:${ctx.failureReason}` : `${ctx.response}`) }],
    log: { error() {} },
  });
  const ctx: Ctx = { response: undefined, steps: list, failureReason: undefined, clientClosed: false, finished: false, seen: [] };
  return { runner, ctx, finalized, delivered };
}

describe('PipelineRunner', () => {
  it('stays synchronous when no step is async', () => {
    const { runner, ctx, finalized } = setup(steps([step('a'), step('b', { respond: true })]));
    expect(runner.run(ctx)).toBeUndefined();
    expect(ctx.seen).toEqual(['a', 'b']);
    expect(finalized).toEqual(['b']);
  });

  it('awaits only from the first async step', async () => {
    const { runner, ctx } = setup(steps([step('a'), step('b', { async: true }), step('c', { respond: true })]));
    const result = runner.run(ctx);
    expect(result).toBeInstanceOf(Promise);
    expect(ctx.seen).toEqual(['a', 'b']);
    await result;
    expect(ctx.seen).toEqual(['a', 'b', 'c']);
  });

  it('skips the remaining request steps once one answers, and still runs the response steps and finalizers', () => {
    const { runner, ctx, finalized, delivered } = setup(steps([step('a', { respond: true }), step('b')], [step('r1'), step('r2')]));
    runner.run(ctx);
    expect(ctx.seen).toEqual(['a', 'r1', 'r2']);
    expect(delivered).toEqual(['a']);
    expect(finalized).toEqual(['a']);
  });

  it('follows a step that hands over to another list (route)', () => {
    const method = steps([step('parse'), step('route'), step('integration', { respond: true })], [step('method-response')]);
    const route: Step<Ctx> = { name: 'route', run: (ctx) => { ctx.seen.push('route'); ctx.steps = method; } };
    const { runner, ctx } = setup(steps([step('parse'), route]));
    runner.run(ctx);
    expect(ctx.seen).toEqual(['parse', 'route', 'integration', 'method-response']);
  });

  it('runs the finalizers exactly once on success', async () => {
    const { runner, ctx, finalized } = setup(steps([step('a', { async: true }), step('b', { respond: true })], [step('r')]));
    await runner.run(ctx);
    runner.finish(ctx);
    expect(finalized).toEqual(['b']);
  });

  it('renders a gateway error with the error step, runs the later response steps, then the finalizers once', async () => {
    const fail = new Error('denied');
    const { runner, ctx, finalized, delivered } = setup(steps([step('a', { fail, async: true }), step('b')], [step('r')]));
    await runner.run(ctx);
    expect(ctx.seen).toEqual(['a', 'error:denied', 'r']);
    expect(delivered).toEqual(['gateway-error']);
    expect(finalized).toEqual(['gateway-error']);
  });

  it('renders a response step that throws, and skips only the steps before it', () => {
    const { runner, ctx, finalized } = setup(steps([step('a', { respond: true })], [step('r1', { fail: new Error('bad mapping') }), step('r2')]));
    runner.run(ctx);
    expect(ctx.seen).toEqual(['a', 'r1', 'error:bad mapping', 'r2']);
    expect(finalized).toEqual(['gateway-error']);
  });

  it('answers a step list that ends without a response through the error step', () => {
    const { runner, ctx, finalized } = setup(steps([step('a')]));
    runner.run(ctx);
    expect(ctx.seen).toEqual(['a', 'error:pipeline produced no response']);
    expect(finalized).toEqual(['gateway-error']);
  });

  it('on a client abort delivers nothing and runs the finalizers once', async () => {
    const { runner, ctx, finalized, delivered } = setup(steps([step('a', { async: true, fail: new ClientAbortedError('client went away') })], [step('r')]));
    await runner.run(ctx);
    runner.finish(ctx);
    expect(ctx.seen).toEqual(['a']);
    expect(delivered).toEqual([]);
    expect(finalized).toEqual(['closed:client went away']);
  });

  it('runs the finalizers once when the error step itself throws', () => {
    const list: StepList<Ctx> = { request: [step('a', { fail: new Error('x') })], response: [], error() { throw new Error('renderer broke'); } };
    const { runner, ctx, finalized } = setup(list);
    expect(() => runner.run(ctx)).toThrow('renderer broke');
    expect(finalized).toEqual(['undefined']);
  });
});
