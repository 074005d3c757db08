// A pipeline step: a small stateless object with one job in AWS's order (docs/architecture.md).
// It returns a Promise only when it really waits; it ends a request early by setting
// `ctx.response` or by throwing a GatewayError.

export type StepResult = void | Promise<void>;

export interface Step<C> {
  /** The AWS phase it implements, for logs and tests (`route`, `integration-request`, …). */
  readonly name: string;
  run(ctx: C): StepResult;
}

/**
 * What one method of one API Gateway stage runs, in AWS's order: the request steps (up to and
 * including the integration), the response steps, and the error step that turns a failure
 * into a gateway response. Response steps run even when a request step ended the request
 * early; they act only on what is there (an endpoint response, a method response).
 */
export interface StepList<C> {
  readonly request: readonly Step<C>[];
  readonly response: readonly Step<C>[];
  /** Renders `thrown` as the response (`ctx.response` set afterwards); never throws. */
  error(ctx: C, thrown: unknown): void;
}

/** Runs once per request after the response, whatever happened (request log, later access log, metrics, usage). */
export interface Finalizer<C> {
  readonly name: string;
  run(ctx: C): void;
}
