// Structured logs (pino) on stdout, written in blocks without blocking the event loop on every
// line (stdout-log-stream.ts). `Logger` is the one logging interface of the project: pino's
// loggers satisfy it, and every component takes it (or the part of it it calls).
import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { stdoutLogStream } from './stdout-log-stream.js';

/** The pino methods Archway uses: `(details, message)` lines, levels, child loggers. */
export interface Logger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
  isLevelEnabled(level: string): boolean;
  child(bindings: Record<string, unknown>): Logger;
  /** Calls back once every line logged so far is written. */
  flush(callback?: (error?: Error) => void): void;
}

/** `json`: one JSON object per line (for machines); `pretty`: coloured single lines (for a terminal). */
export type LogFormat = 'json' | 'pretty';

export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  if (format === 'pretty') return pino({ level, base: undefined, timestamp: isoTime }, prettyStream());
  const stream = stdoutLogStream();
  const logger = pino({ level, base: undefined, timestamp: isoTime }, stream);
  lineWriters.set(logger, (levelName, members, message) => {
    stream.write(`{"level":${LEVEL_VALUES[levelName]}${isoTime()},${members},"msg":${JSON.stringify(message)}}\n`);
  });
  return logger;
}

/**
 * Writes one line exactly as the logger's pino would write `(details, message)` at `level`, given
 * `details` already as JSON object members (`"a":1,"b":"x"`). For the one line per request: pino
 * serialising its object was ≈ 3 µs of it (bench/README.md). The caller checks the level first.
 */
export type JsonLineWriter = (level: 'info' | 'error', members: string, message: string) => void;

const LEVEL_VALUES = { info: pino.levels.values.info, error: pino.levels.values.error };
const lineWriters = new WeakMap<Logger, JsonLineWriter>();

/** The logger's direct line writer: the JSON loggers `createLogger` made have one (not `pretty`, not a child). */
export function jsonLineWriter(logger: Logger): JsonLineWriter | undefined {
  return lineWriters.get(logger);
}

/**
 * One line per entry as a person reads it: time, level, the message, then the other fields; a
 * function's output as it wrote it, after the function's name.
 */
function prettyStream(): NodeJS.WritableStream {
  return pinoPretty({
    colorize: true,
    singleLine: true,
    translateTime: 'HH:MM:ss.l',
    ignore: 'function',
    messageFormat: '{if function}[{function}] {end}{msg}',
    sync: false,
  });
}

/** Resolves once every line logged so far is written (graceful shutdown). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

// pino's isoTime, with the text up to the second made once a second: `toISOString` on every
// line was 30 % of the cost of a request line.
let second = -1;
let upToSecond = '';

function isoTime(): string {
  const now = Date.now();
  const ms = now % 1000;
  if (now - ms !== second) {
    second = now - ms;
    upToSecond = `,"time":"${new Date(second).toISOString().slice(0, -4)}`;
  }
  return `${upToSecond}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
}
