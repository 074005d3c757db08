// A per-render budget for mapping templates. Rendering is synchronous on the event loop that
// serves every API, so one hostile template (nested #foreach, a string doubled until it is
// gigabytes) must fail its own request, never stall or exhaust the gateway. AWS has no such
// budget beyond its quotas (1 000 #foreach iterations per loop, the 10 MB payload); these bounds
// are Archway's, chosen so that a render that respects them costs well under 100 ms.
import { TemplateError } from './template-error.js';

/**
 * #foreach iterations across one render, all loops together (nested loops multiply). An
 * iteration of a small body costs about 0.4 µs, so 25 000 stay near 10 ms (the event loop answers
 * health checks in between requests); it allows a full 1 000-item loop with 25 items inside each.
 */
export const MAX_RENDER_ITERATIONS = 25_000;
/** Wall-clock time one render may take, checked as it runs. */
export const MAX_RENDER_MS = 1000;
/** Characters all the strings a render builds may add up to, as a multiple of the output cap. */
const PRODUCED_FACTOR = 8;
/** Loop iterations and appends between two clock readings (reading the clock costs more than a
 * count); a method call (a regex over a large string can take milliseconds) reads it every time. */
const CLOCK_EVERY = 256;

export class TemplateBudgetError extends TemplateError {
  constructor(detail: string) {
    super(detail);
    this.message = `template budget exceeded: ${detail}`;
    this.name = 'TemplateBudgetError';
  }
}

export class RenderBudget {
  #iterations = 0;
  #produced = 0;
  #calls = 0;
  #deadline = 0;
  #maxOutput = 0;

  /** Starts a render whose output (and every string it builds) may have `maxOutput` characters. */
  start(maxOutput: number): void {
    this.#iterations = 0;
    this.#produced = 0;
    this.#calls = 0;
    this.#maxOutput = maxOutput;
    this.#deadline = performance.now() + MAX_RENDER_MS;
  }

  /** One #foreach iteration. */
  iterate(): void {
    if (++this.#iterations > MAX_RENDER_ITERATIONS) {
      throw new TemplateBudgetError(`more than ${MAX_RENDER_ITERATIONS} #foreach iterations in one render`);
    }
    this.#tick();
  }

  /** A method's result: a string counts as built (concat, replaceAll, $util.base64Encode...). */
  result(value: unknown): unknown {
    this.#checkClock();
    if (typeof value !== 'string') return value;
    if (value.length > this.#maxOutput) {
      throw new TemplateBudgetError(`a string of ${value.length} characters, over the ${this.#maxOutput}-byte payload limit`);
    }
    this.#add(value.length);
    return value;
  }

  /** `length` more characters built, by appending to a string of `total` characters. */
  grow(length: number, total: number): void {
    if (total > this.#maxOutput) {
      throw new TemplateBudgetError(`output over the ${this.#maxOutput}-byte payload limit`);
    }
    this.#add(length);
  }

  #add(length: number): void {
    this.#produced += length;
    if (this.#produced > this.#maxOutput * PRODUCED_FACTOR) {
      throw new TemplateBudgetError(`strings of more than ${this.#maxOutput * PRODUCED_FACTOR} characters built in one render`);
    }
    this.#tick();
  }

  #tick(): void {
    if (++this.#calls % CLOCK_EVERY === 0) this.#checkClock();
  }

  #checkClock(): void {
    if (performance.now() > this.#deadline) throw new TemplateBudgetError(`render took more than ${MAX_RENDER_MS} ms`);
  }
}
