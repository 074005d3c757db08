// The Init phase's main job: finding and loading the handler named `dir/file.export[.nested]`
// (file.js, .mjs or .cjs; ES module or CommonJS), with the Node runtime's error types when it
// cannot (Lambda Developer Guide "Define Lambda function handler in Node.js").
import { existsSync } from 'node:fs';
import path from 'node:path';

export type Handler = (event: unknown, context: unknown, callback: (error?: unknown, result?: unknown) => void) => unknown;

export async function loadHandler(codeDir: string, handler: string, importModule: (file: string) => Promise<Record<string, unknown>>): Promise<Handler> {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot === -1) throw runtimeError('Runtime.MalformedHandlerName', `Bad handler ${handler}`);
  const modulePath = handler.slice(0, dot);
  const exportPath = handler.slice(dot + 1).split('.');
  const base = path.resolve(codeDir, modulePath);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (file === undefined) {
    const name = modulePath.split('/').pop();
    throw runtimeError('Runtime.ImportModuleError', `Error: Cannot find module '${name}'\nRequire stack:\n- ${path.join(codeDir, 'index.mjs')}`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error.stack);
    // As the Node runtime: a CommonJS `require` that finds nothing is Runtime.ImportModuleError;
    // an ES import that finds nothing (ERR_MODULE_NOT_FOUND) goes out as the Error it is.
    if ((error as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND') throw runtimeError('Runtime.ImportModuleError', String(error), (error as Error).stack);
    throw error;
  }
  let target = lookUp(mod, exportPath);
  // CommonJS modules imported as ESM: named exports may only exist on `default`.
  if (typeof target !== 'function' && mod.default !== undefined) target = lookUp(mod.default, exportPath);
  if (typeof target !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${handler.slice(slash + 1)} is undefined or not exported`);
  return target as Handler;
}

function lookUp(value: unknown, keys: string[]): unknown {
  let target = value;
  for (const key of keys) target = target === null || target === undefined ? undefined : (target as Record<string, unknown>)[key];
  return target;
}

/** An Error named after a runtime error type, with the stack frames of `stack` if given. */
function runtimeError(name: string, message: string, stack?: string): Error {
  const error = new Error(message);
  error.name = name;
  error.stack = `${name}: ${message}${stack === undefined ? '' : `\n${stack.split('\n').filter((line) => line.startsWith('    at ')).join('\n')}`}`;
  return error;
}
