// The parsed OpenAPI document and what an import collects about it: AWS reports warnings
// (kept, or fatal with failonwarnings) and errors (the whole import is refused).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api-errors-warnings.html
import { AwsServiceError, badRequest } from '../aws/errors.js';

export type OpenApiVersion = 'swagger2' | 'oas30' | 'oas31';

export type JsonObject = Record<string, unknown>;

export interface OpenApiDocument {
  version: OpenApiVersion;
  root: JsonObject;
}

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Vendor extension keys the importer understands, by where they may appear. */
export const EXTENSION_PREFIX = 'x-amazon-apigateway-';

/**
 * Warnings and errors of one import. Error lines read like AWS's ("Unable to put integration on
 * 'GET' for resource at path '/': Invalid HTTP endpoint specified for URI"; recorded in an AWS
 * error report); they are reported together, as AWS does.
 */
export class ImportProblems {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  error(message: string): void {
    this.errors.push(message);
  }

  /** Records `error` as "{what}: {AWS message}" and answers false, for `if (!ok) skip`. */
  fail(what: string, error: unknown): false {
    if (!(error instanceof AwsServiceError)) throw error;
    this.error(`${what}: ${error.message}`);
    return false;
  }

  /** "Errors found during import:\n\t…" (format recorded in an AWS error report). */
  throwIfErrors(): void {
    if (this.errors.length > 0) throw badRequest(`Errors found during import:\n\t${this.errors.join('\n\t')}`);
  }

  /** With failonwarnings AWS rolls back and returns the warnings as the message (wording unverified). */
  throwIfWarnings(): void {
    if (this.warnings.length > 0) throw badRequest(`Warnings found during import:\n\t${this.warnings.join('\n\t')}`);
  }
}

/** Runs one apply step; a refused step is recorded and answers undefined. */
export function attempt<T>(problems: ImportProblems, what: string, step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    problems.fail(what, error);
    return undefined;
  }
}

/** A string member, numbers and booleans read as text (YAML `version: 1.0`, `statusCode: 200`). */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
