// Execution-log lines in AWS's TestInvokeMethod style (`Wed Oct 04 18:25:03 UTC 2023 : ...`).
// Only TestInvokeMethod sets `ctx.trace`; everywhere else this is one undefined check.
import type { InvocationContext } from './context.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => (n < 10 ? '0' + n : String(n));

export function awsLogTime(date = new Date()): string {
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** Callers guard with `if (ctx.trace !== undefined)` when building the line costs anything. */
export function trace(ctx: InvocationContext, line: string): void {
  ctx.trace?.push(`${awsLogTime()} : ${line}`);
}

/** `{a=1, b=2}`: how AWS prints parameter maps in execution logs. */
export function javaMap(record: Readonly<Record<string, unknown>>): string {
  return '{' + Object.entries(record).map(([key, value]) => `${key}=${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`).join(', ') + '}';
}
