// Functions for a running Archway (docs/architecture.md, "Functions"): the registry over the store,
// the local runtime that runs them, and `--functions` declarations; what main.ts wires into the
// data plane (Lambda integrations) and the control plane (the `lambda` service).
import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { ArchwayOptions } from '../options/options.js';
import type { ConfigStore } from '../store/config-store.js';
import { CodeCache, referencedCode } from './code-cache.js';
import { declareFunctions, type DeclaredFunctions } from './declared-functions.js';
import { LocalFunctionRuntime } from './local-runtime.js';
import { FunctionRegistry } from './registry.js';

export type { FunctionInvoker, InvokeInput, InvokeOutput } from './local-runtime.js';
export { LocalFunctionRuntime } from './local-runtime.js';
export { FunctionRegistry } from './registry.js';

export interface Functions {
  registry: FunctionRegistry;
  runtime: LocalFunctionRuntime;
  declared: DeclaredFunctions | undefined;
  close(): Promise<void>;
}

export async function startFunctions(options: ArchwayOptions, configStore: ConfigStore, logger: Logger): Promise<Functions> {
  const store = configStore.functions;
  const registry = new FunctionRegistry(store, configStore, options.region, options.accountId);
  await registry.load();
  const codeCache = new CodeCache(store, options.inMemory ? undefined : join(options.dataDir, 'functions'));
  // Unpacked code follows the functions: a hash no version references any more loses its folder.
  const pruneUnpacked = () => void codeCache.retain(referencedCode(registry.list()));
  registry.subscribe(pruneUnpacked);
  pruneUnpacked();
  const log = logger.child({ plane: 'function' });
  const runtime = new LocalFunctionRuntime({
    registry,
    codeCache,
    concurrency: options.limits.functionConcurrency,
    maxWorkers: options.limits.maxFunctionWorkers,
    enforcePermissions: options.enforceLambdaPermissions,
    // A function's console output, line by line, as the developer's terminal shows it.
    logSink: (functionName, text) => {
      if (!log.isLevelEnabled('info')) return;
      for (const line of text.split('\n')) if (line !== '') log.info({ function: functionName }, line);
    },
    ...(log.isLevelEnabled('debug') ? { reportSink: (functionName: string, text: string) => log.debug({ function: functionName }, text.trimEnd()) } : {}),
  });
  let declared: DeclaredFunctions | undefined;
  if (options.functionsPath !== undefined) {
    declared = await declareFunctions(options.functionsPath, registry, {
      watch: true,
      onReload: (changed, removed) => {
        if (changed.length > 0) log.info({ functions: changed }, 'functions (re)loaded from --functions');
        if (removed.length > 0) log.info({ functions: removed }, 'functions removed from --functions');
      },
      onError: (error) => log.error({ err: error }, 'reloading --functions failed; still serving the last good functions'),
      onCompileError: (name, message, kept) => log.error({ function: name }, kept ? `${message} (still serving the last good code)` : message),
    });
  }
  return {
    registry,
    runtime,
    declared,
    async close() {
      declared?.close();
      registry.close();
      await runtime.close();
    },
  };
}
