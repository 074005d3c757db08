// The error objects an invocation answers with, in the Node.js runtime's shapes
// (`{errorType, errorMessage, trace}`; Lambda Developer Guide "AWS Lambda function errors in
// Node.js"), made by the worker (what a handler threw) and by the pool (what ended a worker).

/** What a handler threw or rejected with, as the Node runtime serialises it. */
export function errorPayload(error: unknown, errorType?: string): string {
  if (error instanceof Error) {
    return JSON.stringify({ errorType: errorType ?? error.name, errorMessage: error.message, trace: typeof error.stack === 'string' ? error.stack.split('\n') : [] });
  }
  return JSON.stringify({ errorType: typeof error, errorMessage: String(error), trace: [] });
}

/** An execution environment ended for using more than MemorySize: AWS reports the runtime killed; errorType per current runtimes (unverified). */
export function outOfMemoryPayload(requestId: string): string {
  return JSON.stringify({ errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` });
}

/** A worker's uncaught error (unverified wording marked). */
export function crashPayload(error: Error, requestId: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return outOfMemoryPayload(requestId);
  return errorPayload(error, code === 'ERR_UNHANDLED_REJECTION' ? 'Runtime.UnhandledPromiseRejection' : undefined);
}

/** `process.exit(n)` in a handler: `Runtime.ExitError` "Runtime exited with error: exit status n" (AWS-observed). */
export function exitPayload(code: number, requestId: string): string {
  const reason = code === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: exit status ${code}`;
  return JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` });
}

/** AWS: {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: … Error: Task timed out after 3.00 seconds"}. */
export function timeoutPayload(requestId: string, timeoutMs: number): string {
  return JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` });
}
