// A pipeline stage: a small stateless object with one job in AWS's order (DESIGN.md §5). It
// returns a Promise only when it really waits; it ends a request early by setting
// `ctx.response` or by throwing a GatewayError.

export type StageResult = void | Promise<void>;

export interface Stage<C> {
  /** The AWS phase it implements, for logs and tests (`route`, `integration-request`, …). */
  readonly name: string;
  run(ctx: C): StageResult;
}
