// What a shared-state call throws under `failure: 'closed'` when its backend (Redis) is failing:
// the caller answers 500 rather than serve without limits.

export class StateUnavailableError extends Error {
  constructor(cause: unknown) {
    super('shared state (Redis) unavailable', { cause });
    this.name = 'StateUnavailableError';
  }
}
