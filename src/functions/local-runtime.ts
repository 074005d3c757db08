// The local FunctionInvoker: runs Node handlers in worker-thread pools, one
// pool per function version and code revision. Implements Invoke's semantics (Lambda API
// reference "Invoke"): RequestResponse → 200 with the result or the error object and
// `X-Amz-Function-Error: Unhandled`; Event → 202 at once, the invocation runs on; DryRun → 204
// after the checks; `LogType: Tail` → the last 4 KB of the execution log, base64.
// Concurrency is counted per function name (every version and alias together), as Lambda's
// reserved concurrency is: past the limit a synchronous invocation gets 429, an asynchronous one
// waits in the function's queue (bounded, MAX_ASYNC_QUEUE) until a running one ends.
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws/errors.js';
import { CodeCache } from './code-cache.js';
import { requestEntityTooLarge, tooManyRequests } from './errors.js';
import { LATEST, type FunctionVersionRecord } from './model.js';
import { allowsInvoke, type InvokeCaller } from './policy.js';
import type { FunctionRegistry, ResolvedFunction } from './registry.js';
import { FunctionPool } from './runtime/function-pool.js';
import type { FunctionLogSink, InvocationOutcome, InvocationRequest } from './runtime/invocation.js';
import { WorkerBudget } from './runtime/worker-budget.js';

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
  /** Invocations one function (all its versions and aliases) may run at once (Lambda: reserved concurrency). */
  concurrency: number;
  /** Worker threads alive at once, across every function (`maxFunctionWorkers`); past it calls wait for one. */
  maxWorkers?: number;
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
/**
 * Asynchronous (Event) invocations one function may have waiting for capacity. Lambda's own
 * queue has no documented bound (it keeps events up to 6 hours); Archway holds them in memory,
 * so past this many an Event invocation is refused with 429 TooManyRequestsException.
 */
export const MAX_ASYNC_QUEUE = 1000;
const LOG_TAIL_BYTES = 4096;
const DEFAULT_IDLE_MS = 5 * 60_000;
/** Where `@aws-sdk/*` that a function does not bundle is resolved from: Archway's own packages. */
const SDK_FALLBACK_URL = import.meta.url;

interface QueuedEvent {
  functionName: string;
  qualifier: string | undefined;
  request: InvocationRequest;
}

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
  readonly #budget: WorkerBudget;
  /** Invocations running or waiting for a worker, per function name. */
  readonly #active = new Map<string, number>();
  /** Event invocations waiting for capacity, per function name. */
  readonly #eventQueues = new Map<string, QueuedEvent[]>();
  readonly #reaper: NodeJS.Timeout;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(options: LocalRuntimeOptions) {
    this.#options = options;
    this.#budget = new WorkerBudget(options.maxWorkers ?? Number.MAX_SAFE_INTEGER);
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
    // Lambda's answers to an oversized Invoke (413 RequestEntityTooLargeException, AWS-observed texts).
    if (type === 'Event' && size > MAX_ASYNC_PAYLOAD_BYTES) {
      throw requestEntityTooLarge(`${size} byte payload is too large for the Event invocation type (limit ${MAX_ASYNC_PAYLOAD_BYTES} bytes)`);
    }
    if (size > MAX_SYNC_PAYLOAD_BYTES) throw requestEntityTooLarge(`Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    if (type === 'DryRun') return { statusCode: 204, payload: '', executedVersion, requestId };
    const collectLog = input.logType === 'Tail';
    const request: InvocationRequest = {
      requestId,
      payload: input.payload,
      invokedArn: resolved.invokedArn,
      collectLog,
      ...(input.clientContext === undefined ? {} : { clientContext: Buffer.from(input.clientContext, 'base64').toString('utf8') }),
    };
    const name = resolved.definition.name;
    if (type === 'Event') {
      // Accepted now; the invocation runs on, or waits for capacity as Lambda's queue does (a
      // failed one is not retried twice as Lambda would: not emulated).
      if ((this.#active.get(name) ?? 0) < this.#options.concurrency) this.#runEvent(resolved, request);
      else {
        const queue = this.#eventQueues.get(name) ?? [];
        if (queue.length >= MAX_ASYNC_QUEUE) throw tooManyRequests();
        queue.push({ functionName: input.functionName, qualifier: input.qualifier, request });
        this.#eventQueues.set(name, queue);
      }
      return { statusCode: 202, payload: '', executedVersion, requestId };
    }
    // Lambda's answer when a function's concurrency is used up (Invoke API reference).
    if ((this.#active.get(name) ?? 0) >= this.#options.concurrency) throw tooManyRequests();
    const running = this.#run(resolved, request);
    const waitMs = input.waitMs;
    // The caller's deadline holds whatever happens before the handler starts (a wait for a
    // worker counts too), not only when it is shorter than the function's own Timeout.
    const outcome = waitMs !== undefined ? await within(running, waitMs) : await running;
    this.#report(resolved.version, requestId, outcome);
    const output: InvokeOutput = { statusCode: 200, payload: outcome.payload, executedVersion, requestId };
    if (!outcome.ok) output.functionError = 'Unhandled';
    if (collectLog) output.logResult = logTail(resolved.version, requestId, outcome);
    return output;
  }

  /** Runs one invocation, counted against its function's concurrency until it settles. */
  #run(resolved: ResolvedFunction, request: InvocationRequest): Promise<InvocationOutcome> {
    const name = resolved.definition.name;
    this.#active.set(name, (this.#active.get(name) ?? 0) + 1);
    request.onSettled = () => {
      const left = (this.#active.get(name) ?? 1) - 1;
      if (left === 0) this.#active.delete(name);
      else this.#active.set(name, left);
      if (this.#eventQueues.size > 0) this.#nextEvent(name);
    };
    const pool = this.#poolFor(resolved.version);
    if (pool instanceof FunctionPool) return pool.invoke(request);
    return pool.then((p) => p.invoke(request), (error: unknown) => {
      request.onSettled!();
      throw error;
    });
  }

  #runEvent(resolved: ResolvedFunction, request: InvocationRequest): void {
    this.#run(resolved, request).then(
      (outcome) => this.#report(resolved.version, request.requestId, outcome),
      (error: unknown) => this.#options.logSink?.(resolved.definition.name, `${new Date().toISOString()}\t${request.requestId}\tERROR\tasynchronous invocation failed: ${(error as Error).message}\n`),
    );
  }

  /** Capacity freed up: the next queued Event invocation of `name` runs (on the version its qualifier names now). */
  #nextEvent(name: string): void {
    const queue = this.#eventQueues.get(name);
    while (queue !== undefined && queue.length > 0 && (this.#active.get(name) ?? 0) < this.#options.concurrency && !this.#closed) {
      const event = queue.shift()!;
      if (queue.length === 0) this.#eventQueues.delete(name);
      let resolved: ResolvedFunction;
      try {
        resolved = this.#options.registry.resolve(event.functionName, event.qualifier);
      } catch (error) {
        // Deleted (or its alias or version) while the event waited: dropped.
        this.#options.logSink?.(name, `${new Date().toISOString()}\t${event.request.requestId}\tERROR\tasynchronous invocation dropped: ${(error as Error).message}\n`);
        continue;
      }
      this.#runEvent(resolved, { ...event.request, invokedArn: resolved.invokedArn });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    this.#unsubscribe();
    this.#eventQueues.clear();
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
            sdkFallbackUrl: SDK_FALLBACK_URL,
          },
          env: lambdaEnvironment(version, codeDir, this.#options.registry.region),
          timeoutMs: version.Timeout * 1000,
          memoryMb: version.MemorySize,
          concurrency: this.#options.concurrency,
          idleMs: this.#options.idleMs ?? DEFAULT_IDLE_MS,
        }, this.#options.logSink, this.#budget);
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
