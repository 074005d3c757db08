// Execution-log lines in AWS's TestInvokeMethod style (`Wed Oct 04 18:25:03 UTC 2023 : ...`).
// Only TestInvokeMethod sets `ctx.trace`; everywhere else this is one undefined check.
import type { InvocationContext } from './context.js';
import { awsLogTime } from './dates.js';

/** Callers guard with `if (ctx.trace !== undefined)` when building the line costs anything. */
export function trace(ctx: InvocationContext, line: string): void {
  ctx.trace?.push(`${awsLogTime()} : ${line}`);
}

/** `{a=1, b=2}`: how AWS prints parameter maps in execution logs. */
export function javaMap(record: Readonly<Record<string, unknown>>): string {
  return '{' + Object.entries(record).map(([key, value]) => `${key}=${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`).join(', ') + '}';
}
