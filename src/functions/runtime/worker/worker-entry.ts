// The entry file of a function's worker thread: one Lambda execution environment running the
// Node.js runtime's part (AWS "Lambda runtime interface client" for Node): the Init phase, then
// invocations one at a time, each answered through the answer ring or a message as
// worker-protocol.ts describes. Started by function-worker.ts with a WorkerInit as workerData.
import { workerData } from 'node:worker_threads';
import { AnswerRing } from '../answer-ring.js';
import { clock, ControlBlock } from '../control-block.js';
import { errorPayload, outOfMemoryPayload } from '../error-payloads.js';
import type { PostedAnswer, RunMessage, WorkerInit, WorkerInvocation } from '../worker-protocol.js';
import { functionImporter } from './aws-sdk-fallback.js';
import { FunctionLog } from './function-log.js';
import { invokeHandler } from './invoke-handler.js';
import { loadHandler, type Handler } from './load-handler.js';
import { MemoryLimit } from './memory-limit.js';
import { jsonLengthPast } from './result-size.js';
import { useWorkingDirectory } from './working-directory.js';

/** After an invocation, memory is checked when no other waits, else once a millisecond at most (a burst of quick invocations shares a check). */
const MEMORY_CHECK_AFTER_MS = 1;
const OUT_OF_MEMORY = Symbol('out of memory');

const init = workerData as WorkerInit;
const port = init.port;
const control = new ControlBlock(init.control);
const ring = new AnswerRing(init.answers);
const log = new FunctionLog(port);
const memory = new MemoryLimit(init.memoryMb);
// In this order: the fs functions the log takes over are published to ES imports with the rest.
log.capture();
useWorkingDirectory(init.codeDir);
/** The code folder as it appears in JSON text (stack traces), and what Lambda shows instead. */
const codeDirInJson = JSON.stringify(init.codeDir).slice(1, -1);
const asTaskRoot = (json: string): string => json.replaceAll(codeDirInJson, '/var/task');

// --- the Init phase: loading the handler, timed from the worker's start.
let loaded: Handler | undefined;
let initMs = 0;
let initReported = false;
const handlerReady = loadHandler(init.codeDir, init.handler, functionImporter(init.codeDir, init.sdkFallbackUrl));
// Registered before any invocation awaits handlerReady, so this runs first.
const initEnded = (): void => {
  initMs = clock() - init.startedAt;
  control.markReady();
};
handlerReady.then((handler) => {
  loaded = handler;
  initEnded();
}, initEnded);

// --- the running invocation's memory, checked every memoryCheckMs.
let interrupt: ((reason: unknown) => void) | undefined;
setInterval(() => {
  if (interrupt !== undefined && memory.exceeded()) interrupt(OUT_OF_MEMORY);
}, init.memoryCheckMs).unref();

// --- answers: into the ring when it takes them, with one doorbell per turn; else posted.
let doorbellScheduled = false;
const send = (answer: PostedAnswer): void => {
  if (answer.end !== undefined || !ring.write(answer)) {
    port.postMessage(answer);
    return;
  }
  if (doorbellScheduled) return;
  doorbellScheduled = true;
  setImmediate(() => {
    doorbellScheduled = false;
    port.postMessage(0);
  });
};

/** Set once the worker takes no more work. */
let dead = false;

const runOne = async (item: WorkerInvocation): Promise<void> => {
  log.attribute(item.id, item.requestId);
  let handler = loaded;
  if (handler === undefined) {
    try {
      handler = await handlerReady;
    } catch (error) {
      const payload = errorPayload(error);
      log.line('ERROR', [`Uncaught Exception \t${payload}`]);
      dead = true;
      send({ t: 'done', id: item.id, ok: false, payload, durationMs: 0, memoryMb: memory.usedMb(), log: log.take(item.id), end: 'fatal' });
      return;
    }
  }
  const started = clock();
  // The Timeout runs from the handler's start. An Init past its limit is charged to the first
  // invocation, as Lambda re-runs Init within that invocation's Timeout.
  const deadline = !initReported && initMs > init.initTimeoutMs ? init.startedAt + item.timeoutMs : started + item.timeoutMs;
  control.begin(item.seq, started, deadline);
  let outcome: { ok: boolean; payload: string; end?: 'recycle' };
  try {
    const call = invokeHandler(handler, JSON.parse(item.payload), {
      functionName: init.functionName,
      functionVersion: init.functionVersion,
      invokedFunctionArn: item.invokedArn,
      memoryLimitInMB: String(init.memoryMb),
      awsRequestId: item.requestId,
      logGroupName: init.logGroupName,
      logStreamName: init.logStreamName,
      clientContext: item.clientContext === undefined ? undefined : JSON.parse(item.clientContext) as unknown,
      getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - clock())),
    });
    interrupt = call.interrupt;
    const result = await call.result;
    // A result that cannot fit is refused before it is serialised: serialising 50 MB in a 128 MB
    // heap fails inside V8's native code, which ends the whole process, not just this worker.
    const atLeast = jsonLengthPast(result, init.maxResponseBytes);
    const payload = atLeast !== undefined ? '' : result === undefined ? 'null' : JSON.stringify(result) ?? 'null';
    // Lambda's response limit (Invoke: 200 with X-Amz-Function-Error: Unhandled).
    const bytes = atLeast ?? (payload.length * 3 <= init.maxResponseBytes ? 0 : Buffer.byteLength(payload));
    outcome = bytes > init.maxResponseBytes
      ? { ok: false, payload: JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${init.maxResponseBytes} bytes).` }) }
      : { ok: true, payload };
  } catch (error) {
    if (error === OUT_OF_MEMORY) {
      outcome = { ok: false, payload: '', end: 'recycle' };
    } else {
      // Paths in the code folder read as Lambda shows them, under /var/task (LAMBDA_TASK_ROOT).
      const payload = asTaskRoot(errorPayload(error));
      const logged = error instanceof Error
        ? asTaskRoot(JSON.stringify({ errorType: error.name, errorMessage: error.message, stack: typeof error.stack === 'string' ? error.stack.split('\n') : [] }))
        : payload;
      log.line('ERROR', [`Invoke Error \t${logged}`]);
      outcome = { ok: false, payload };
    }
  }
  interrupt = undefined;
  control.end();
  if (outcome.end === 'recycle' || ((queue.length === 0 || performance.now() - memory.lastCheck >= MEMORY_CHECK_AFTER_MS) && memory.exceeded())) {
    // AWS ends an execution environment over its memory; the invocation fails as the runtime's exit.
    outcome = { ok: false, payload: outOfMemoryPayload(item.requestId), end: 'recycle' };
    dead = true;
  }
  const answer: PostedAnswer = { t: 'done', id: item.id, ok: outcome.ok, payload: outcome.payload, durationMs: clock() - started, memoryMb: memory.takePeakMb(), log: log.take(item.id) };
  if (!initReported) {
    initReported = true;
    answer.initMs = initMs;
  }
  if (outcome.end !== undefined) answer.end = outcome.end;
  send(answer);
  log.attribute(-1, undefined);
};

// --- the queue: what the pool handed over, run one by one; an item the pool took back is skipped.
const queue: WorkerInvocation[] = [];
let draining = false;
const drain = async (): Promise<void> => {
  draining = true;
  while (queue.length > 0 && !dead) {
    const item = queue.shift()!;
    if (control.claim(item.seq)) await runOne(item);
  }
  draining = false;
};
port.on('message', (message: RunMessage) => {
  for (const item of message.items) queue.push(item);
  if (!draining) void drain();
});
