// Structured logs (pino). `Logger` is the one logging interface of the project: pino's
// loggers satisfy it, and every component takes it (or the part of it it calls).
import pino from 'pino';

/** The pino methods Archway uses: `(details, message)` lines, levels, child loggers. */
export interface Logger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
  isLevelEnabled(level: string): boolean;
  child(bindings: Record<string, unknown>): Logger;
}

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
