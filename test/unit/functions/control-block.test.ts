// The control block: what makes an invocation run at most once. The pool offers it, then either
// the worker claims it or the pool takes it back, never both; and the pool sees which invocation
// runs and until when. The pool and the worker are two views of one SharedArrayBuffer.
import { describe, it, expect } from 'vitest';
import { ControlBlock } from '../../../src/functions/runtime/control-block.js';

function block(): { pool: ControlBlock; worker: ControlBlock } {
  const buffer = ControlBlock.allocate();
  return { pool: new ControlBlock(buffer), worker: new ControlBlock(buffer) };
}

describe('the control block', () => {
  it('lets the worker claim an offered invocation, after which the pool cannot take it back', () => {
    const { pool, worker } = block();
    pool.offer(7);
    expect(pool.claimed(7)).toBe(false);
    expect(worker.claim(7)).toBe(true);
    expect(pool.claimed(7)).toBe(true);
    expect(pool.takeBack(7)).toBe(false);
    expect(worker.claim(7)).toBe(false);
  });

  it('lets the pool take back an invocation not claimed yet, which the worker then skips', () => {
    const { pool, worker } = block();
    pool.offer(8);
    expect(pool.takeBack(8)).toBe(true);
    expect(worker.claim(8)).toBe(false);
    expect(pool.takeBack(8)).toBe(false);
  });

  it('shows the pool which invocation runs, since when and until when, and when Init has ended', () => {
    const { pool, worker } = block();
    expect(pool.running).toBe(0);
    expect(pool.ready).toBe(false);
    worker.markReady();
    expect(pool.ready).toBe(true);
    worker.begin(9, 1000.5, 4000.5);
    expect({ running: pool.running, started: pool.started, deadline: pool.deadline }).toEqual({ running: 9, started: 1000.5, deadline: 4000.5 });
    worker.end();
    expect(pool.running).toBe(0);
  });

  it('numbers invocations with positive Int32s that never come back to 0', () => {
    expect(ControlBlock.nextSeq(1)).toBe(2);
    const last = ControlBlock.nextSeq(0x3ffffffe);
    expect(ControlBlock.nextSeq(last)).toBe(1);
  });
});
