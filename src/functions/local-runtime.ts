// The local FunctionInvoker (DESIGN.md §7): runs Node handlers in worker-thread pools, one
// pool per function version and code revision. Implements Invoke's semantics (Lambda API
// reference "Invoke"): RequestResponse → 200 with the result or the error object and
// `X-Amz-Function-Error: Unhandled`; Event → 202 at once, the invocation runs on; DryRun → 204
// after the checks; `LogType: Tail` → the last 4 KB of the execution log, base64.
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws/errors.js';
import { CodeCache } from './code-cache.js';
import { requestTooLarge } from './errors.js';
import { LATEST, type FunctionVersionRecord } from './model.js';
import { allowsInvoke, type InvokeCaller } from './policy.js';
import type { FunctionRegistry, ResolvedFunction } from './registry.js';
import { FunctionPool, type FunctionLogSink, type InvocationOutcome } from './runtime/function-pool.js';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeInput {
  /** Name, partial ARN or ARN, optionally qualified. */
  functionName: string;
  qualifier?: string;
  /** The event as JSON text. */
  payload: string;
  invocationType?: InvocationType;
  logType?: 'None' | 'Tail';
  /** X-Amz-Client-Context: base64 JSON. */
  clientContext?: string;
  /** Set by API Gateway; checked against the resource policy when permissions are enforced. */
  caller?: InvokeCaller;
  /** The caller stops waiting after this long (API Gateway's integration timeout): CallerTimeoutError. */
  waitMs?: number;
}

export interface InvokeOutput {
  statusCode: 200 | 202 | 204;
  /** The result JSON or the error object JSON ('' for Event and DryRun). */
  payload: string;
  functionError?: 'Unhandled';
  /** base64 of the last 4 KB of the log (LogType: Tail). */
  logResult?: string;
  executedVersion: string;
  requestId: string;
}

export interface FunctionInvoker {
  invoke(input: InvokeInput): Promise<InvokeOutput>;
}

export interface LocalRuntimeOptions {
  registry: FunctionRegistry;
  codeCache: CodeCache;
  /** Invocations one function version may run at once (Lambda: reserved concurrency). */
  concurrency: number;
  /** Check API Gateway's invocations against function policies (`--enforce-lambda-permissions`). */
  enforcePermissions: boolean;
  /** Where function output goes (console.* lines, timeouts). */
  logSink?: FunctionLogSink;
  /** Where END/REPORT lines go, when someone wants them (debug logging). */
  reportSink?: FunctionLogSink;
  /** How long an idle worker stays warm. */
  idleMs?: number;
}

/** Invoke payload quotas (Lambda quotas page): 6 MB synchronous, 256 KB asynchronous. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024;
const LOG_TAIL_BYTES = 4096;
const DEFAULT_IDLE_MS = 5 * 60_000;

/** The caller's own wait ended first; the invocation runs on until the function's Timeout. */
export class CallerTimeoutError extends Error {
  constructor(waitMs: number) {
    super(`no answer from the function within ${waitMs} ms`);
  }
}

export class PermissionDeniedError extends AwsServiceError {
  constructor(arn: string, caller: InvokeCaller) {
    super('AccessDeniedException', 403, `${caller.principal} is not authorized to perform: lambda:InvokeFunction on resource: ${arn}`);
  }
}

export class LocalFunctionRuntime implements FunctionInvoker {
  readonly #options: LocalRuntimeOptions;
  readonly #pools = new Map<string, FunctionPool>();
  readonly #starting = new Map<string, Promise<FunctionPool>>();
  readonly #reaper: NodeJS.Timeout;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: LocalRuntimeOptions) {
    this.#options = options;
    // A changed function (new code, new configuration, deleted) gets fresh workers: its old pools
    // finish what they run and end.
    this.#unsubscribe = options.registry.subscribe((name) => this.#retire(name));
    const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.#reaper = setInterval(() => {
      for (const pool of this.#pools.values()) pool.reapIdle();
    }, Math.min(idleMs, 60_000));
    this.#reaper.unref();
  }

  /** Workers alive per pool key (tests and diagnostics). */
  workerCounts(): Record<string, number> {
    return Object.fromEntries([...this.#pools].map(([key, pool]) => [key, pool.workerCount]));
  }

  async invoke(input: InvokeInput): Promise<InvokeOutput> {
    const resolved = this.#options.registry.resolve(input.functionName, input.qualifier);
    if (input.caller !== undefined && this.#options.enforcePermissions) this.#checkPermission(resolved, input.caller);
    const type = input.invocationType ?? 'RequestResponse';
    const executedVersion = resolved.version.Version;
    const requestId = randomUUID();
    const size = Buffer.byteLength(input.payload);
    if (type === 'Event' ? size > MAX_ASYNC_PAYLOAD_BYTES : size > MAX_SYNC_PAYLOAD_BYTES) {
      const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
      throw requestTooLarge(`Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
    }
    if (type === 'DryRun') return { statusCode: 204, payload: '', executedVersion, requestId };
    const pool = this.#poolFor(resolved.version);
    const collectLog = input.logType === 'Tail';
    const run = (p: FunctionPool) => p.invoke({
      requestId,
      payload: input.payload,
      invokedArn: resolved.invokedArn,
      collectLog,
      ...(input.clientContext === undefined ? {} : { clientContext: Buffer.from(input.clientContext, 'base64').toString('utf8') }),
    });
    if (type === 'Event') {
      // Accepted now; the invocation runs on (Lambda would retry a failed one twice: not emulated).
      void (pool instanceof FunctionPool ? run(pool) : pool.then(run)).then(
        (outcome) => this.#report(resolved.version, requestId, outcome),
        (error: unknown) => this.#options.logSink?.(resolved.definition.name, `${new Date().toISOString()}\t${requestId}\tERROR\tasynchronous invocation failed: ${(error as Error).message}\n`),
      );
      return { statusCode: 202, payload: '', executedVersion, requestId };
    }
    const running = pool instanceof FunctionPool ? run(pool) : pool.then(run);
    const waitMs = input.waitMs;
    // A timer only when the caller would give up before the function's own Timeout.
    const outcome = waitMs !== undefined && waitMs < resolved.version.Timeout * 1000 ? await within(running, waitMs) : await running;
    this.#report(resolved.version, requestId, outcome);
    const output: InvokeOutput = { statusCode: 200, payload: outcome.payload, executedVersion, requestId };
    if (!outcome.ok) output.functionError = 'Unhandled';
    if (collectLog) output.logResult = logTail(resolved.version, requestId, outcome);
    return output;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    this.#unsubscribe();
    for (const pool of this.#pools.values()) pool.close();
    this.#pools.clear();
    await Promise.allSettled([...this.#starting.values()]);
    this.#options.codeCache.close();
  }

  #checkPermission(resolved: ResolvedFunction, caller: InvokeCaller): void {
    const policies = resolved.definition.policies;
    const statements = [...(policies[resolved.qualifier ?? ''] ?? [])];
    if (resolved.qualifier !== undefined && resolved.qualifier !== LATEST) statements.push(...(policies[''] ?? []));
    if (!allowsInvoke(statements, caller)) throw new PermissionDeniedError(resolved.invokedArn, caller);
  }

  /** The warm pool for a version, or the promise of one while its code is being unpacked. */
  #poolFor(version: FunctionVersionRecord): FunctionPool | Promise<FunctionPool> {
    const key = poolKey(version);
    const pool = this.#pools.get(key);
    if (pool !== undefined) return pool;
    let starting = this.#starting.get(key);
    if (starting === undefined) {
      starting = this.#options.codeCache.directoryOf(version).then((codeDir) => {
        this.#starting.delete(key);
        if (this.#closed) throw new AwsServiceError('ServiceException', 500, 'Archway is shutting down');
        const created = new FunctionPool({
          init: {
            codeDir,
            handler: version.Handler,
            functionName: version.FunctionName,
            functionVersion: version.Version,
            memoryMb: version.MemorySize,
            logGroupName: `/aws/lambda/${version.FunctionName}`,
            logStreamName: logStreamName(version.Version),
          },
          env: lambdaEnvironment(version, codeDir, this.#options.registry.region),
          timeoutMs: version.Timeout * 1000,
          memoryMb: version.MemorySize,
          concurrency: this.#options.concurrency,
          idleMs: this.#options.idleMs ?? DEFAULT_IDLE_MS,
        }, this.#options.logSink);
        this.#pools.set(key, created);
        return created;
      }, (error: unknown) => {
        this.#starting.delete(key);
        throw error;
      });
      this.#starting.set(key, starting);
    }
    return starting;
  }

  /** Retires the pools of `name` whose version or revision no longer exists (aliases and policies keep them). */
  #retire(name: string): void {
    const definition = this.#options.registry.get(name);
    const current = new Set(definition === undefined ? [] : [definition.latest, ...Object.values(definition.versions)].map(poolKey));
    for (const [key, pool] of this.#pools) {
      if (key.startsWith(`${name}\u0000`) && !current.has(key)) {
        this.#pools.delete(key);
        void pool.retire();
      }
    }
  }

  /** END and REPORT lines to the function log, as Lambda writes them. */
  #report(version: FunctionVersionRecord, requestId: string, outcome: InvocationOutcome): void {
    this.#options.reportSink?.(version.FunctionName, `END RequestId: ${requestId}\n${reportLine(version, requestId, outcome)}`);
  }
}

function within<T>(promise: Promise<T>, waitMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CallerTimeoutError(waitMs)), waitMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function poolKey(version: FunctionVersionRecord): string {
  return `${version.FunctionName}\u0000${version.Version}\u0000${version.RevisionId}`;
}

/** `2024/01/31/[$LATEST]0123456789abcdef0123456789abcdef` */
function logStreamName(version: string): string {
  const now = new Date();
  const day = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${String(now.getUTCDate()).padStart(2, '0')}`;
  return `${day}/[${version}]${randomUUID().replaceAll('-', '')}`;
}

/** The environment Lambda gives a Node function (Lambda Developer Guide "Defined runtime environment variables"), then the function's own. */
function lambdaEnvironment(version: FunctionVersionRecord, codeDir: string, region: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: codeDir,
    LAMBDA_RUNTIME_DIR: codeDir,
    _HANDLER: version.Handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${version.Runtime}`,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: version.FunctionName,
    AWS_LAMBDA_FUNCTION_VERSION: version.Version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(version.MemorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${version.FunctionName}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    NODE_PATH: `${codeDir}/node_modules`,
    ...(version.Environment?.Variables ?? {}),
  };
}

function reportLine(version: FunctionVersionRecord, requestId: string, outcome: InvocationOutcome): string {
  const init = outcome.initDurationMs === undefined ? '' : `\tInit Duration: ${outcome.initDurationMs.toFixed(2)} ms`;
  return `REPORT RequestId: ${requestId}\tDuration: ${outcome.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(outcome.durationMs))} ms\tMemory Size: ${version.MemorySize} MB\tMax Memory Used: ${Math.max(1, outcome.memoryUsedMb)} MB${init}\t\n`;
}

/** The invocation's log as `aws lambda invoke --log-type Tail` shows it: the last 4 KB, base64. */
function logTail(version: FunctionVersionRecord, requestId: string, outcome: InvocationOutcome): string {
  const text = `START RequestId: ${requestId} Version: ${version.Version}\n${outcome.log ?? ''}END RequestId: ${requestId}\n${reportLine(version, requestId, outcome)}`;
  const bytes = Buffer.from(text);
  return (bytes.length > LOG_TAIL_BYTES ? bytes.subarray(bytes.length - LOG_TAIL_BYTES) : bytes).toString('base64');
}
