// Results of the shared state (src/state/) as the metering steps use them: synchronous when the
// answer is local, a Promise when a backend had to be asked; a backend failing under
// `--state-failure closed` answers 500.
import type { Awaitable } from '../../store/config-store.js';
import type { StepResult } from '../pipeline/step.js';
import { StateUnavailableError } from '../../state/index.js';
import { InternalServerError } from '../errors/gateway-error.js';

/** Runs `next` on the value, at once when it is already there. */
export function admitted<T>(value: Awaitable<T>, next: (value: T) => StepResult): StepResult {
  return value instanceof Promise ? value.then(next) : next(value);
}

function unavailable(error: unknown): never {
  if (error instanceof StateUnavailableError) throw new InternalServerError(undefined, { reason: `metering state unavailable: ${error.message}`, cause: error });
  throw error;
}

/** Runs a metering check; the state being unavailable (policy `closed`) becomes a 500. */
export function stateFailure(check: () => StepResult): StepResult {
  let result: StepResult;
  try {
    result = check();
  } catch (error) {
    unavailable(error);
  }
  return result instanceof Promise ? result.catch(unavailable) : result;
}
