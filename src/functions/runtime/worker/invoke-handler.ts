// One call of a handler as the Node runtime makes it: the context object, and the three ways a
// handler answers (a returned promise, the callback, or returning from a synchronous handler that
// takes no callback) (Lambda Developer Guide "Using the Lambda context object to retrieve Node.js
// function information" and "Define Lambda function handler in Node.js").
import type { Handler } from './load-handler.js';

export interface ContextFields {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  clientContext: unknown;
  getRemainingTimeInMillis(): number;
}

export interface HandlerCall {
  /** The handler's result, or its error. */
  result: Promise<unknown>;
  /** Ends the call now with `reason` as its error (the handler's later answer is ignored). */
  interrupt(reason: unknown): void;
}

export function invokeHandler(handler: Handler, event: unknown, fields: ContextFields): HandlerCall {
  let interrupt!: (reason: unknown) => void;
  const result = new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const callback = (error?: unknown, value?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) reject(error);
      else resolve(value);
    };
    interrupt = (reason) => {
      if (settled) return;
      settled = true;
      reject(reason);
    };
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: fields.functionName,
      functionVersion: fields.functionVersion,
      invokedFunctionArn: fields.invokedFunctionArn,
      memoryLimitInMB: fields.memoryLimitInMB,
      awsRequestId: fields.awsRequestId,
      logGroupName: fields.logGroupName,
      logStreamName: fields.logStreamName,
      identity: undefined,
      clientContext: fields.clientContext,
      getRemainingTimeInMillis: fields.getRemainingTimeInMillis,
      done: callback,
      succeed: (value: unknown) => callback(null, value),
      fail: (error: unknown) => callback(error ?? 'handled'),
    };
    const returned = handler(event, context, callback);
    if (returned !== null && typeof returned === 'object' && typeof (returned as Promise<unknown>).then === 'function') {
      (returned as Promise<unknown>).then((value) => callback(null, value), (error: unknown) => callback(error ?? new Error('null')));
    } else if (handler.length < 3) {
      // A synchronous handler that takes no callback: the runtime answers null once it returns.
      setImmediate(() => callback(null, null));
    }
  });
  return { result, interrupt };
}
