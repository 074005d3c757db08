// Runs an ordered list of stages over one context, awaiting only when a stage returned a
// Promise. Stops when a stage set `ctx.response`; errors propagate to the caller's error stage.
import type { Stage, StageResult } from './stage.js';

export interface RunnableContext {
  response: unknown;
}

export function runStages<C extends RunnableContext>(ctx: C, stages: readonly Stage<C>[], from = 0): StageResult {
  for (let i = from; i < stages.length; i++) {
    if (ctx.response !== undefined) return;
    const result = stages[i].run(ctx);
    if (result !== undefined) return result.then(() => runStages(ctx, stages, i + 1));
  }
}
