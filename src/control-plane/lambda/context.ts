// What every lambda operation module gets.
import type { FunctionStore } from '../../store/function-store.js';
import type { FunctionRegistry } from '../../functions/registry.js';
import type { FunctionInvoker } from '../../functions/local-runtime.js';

export interface LambdaContext {
  registry: FunctionRegistry;
  store: FunctionStore;
  invoker: FunctionInvoker;
}
