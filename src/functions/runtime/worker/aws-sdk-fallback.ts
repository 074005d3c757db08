// `@aws-sdk/*` for functions that do not bundle it: the Node runtimes ship SDK v3 (Lambda
// Developer Guide "Building Lambda functions with Node.js"), so what the function does not bundle
// resolves from Archway's own packages. CommonJS through the module resolver; ES modules through
// a resolve hook, registered only when an import needs it (hooks cost a loader thread).
import Module, { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

type ModuleNamespace = Record<string, unknown>;

const isSdk = (request: unknown): boolean => typeof request === 'string' && request.startsWith('@aws-sdk/');

/**
 * How the function's handler module is imported: as is, or (with `fallbackUrl`, a module URL
 * inside Archway's install) with `@aws-sdk/*` falling back to Archway's packages.
 */
export function functionImporter(codeDir: string, fallbackUrl: string | undefined): (file: string) => Promise<ModuleNamespace> {
  if (fallbackUrl === undefined) return (file) => import(pathToFileURL(file).href) as Promise<ModuleNamespace>;
  const archwayRequire = createRequire(fallbackUrl);
  const resolver = Module as unknown as { _resolveFilename: (...args: unknown[]) => string };
  const resolveFilename = resolver._resolveFilename;
  resolver._resolveFilename = function (this: unknown, request: unknown, ...rest: unknown[]): string {
    try {
      return resolveFilename.call(this, request, ...rest);
    } catch (error) {
      if (!isSdk(request) || (error as NodeJS.ErrnoException)?.code !== 'MODULE_NOT_FOUND') throw error;
      try {
        return archwayRequire.resolve(request as string);
      } catch {
        throw error;
      }
    }
  };
  const codeRoot = pathToFileURL(codeDir).href + '/';
  return async (file) => {
    const url = pathToFileURL(file).href;
    try {
      return await import(url) as ModuleNamespace;
    } catch (error) {
      const missingSdk = (error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' && /^Cannot find package '@aws-sdk\//.test((error as Error).message);
      if (!missingSdk) throw error;
      register(`data:text/javascript,${encodeURIComponent(sdkHooks(fallbackUrl, codeRoot))}`);
      return await import(`${url}?archway-sdk`) as ModuleNamespace;
    }
  };
}

/** The resolve hook (Node "Customization hooks"), as module source. */
const sdkHooks = (base: string, codeRoot: string): string => `
  const base = ${JSON.stringify(base)};
  const codeRoot = ${JSON.stringify(codeRoot)};
  export async function resolve(specifier, context, next) {
    let resolved;
    try {
      resolved = await next(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.startsWith('@aws-sdk/')) throw error;
      try { resolved = await next(specifier, { ...context, parentURL: base }); } catch { throw error; }
    }
    // The function's own modules load afresh: the first attempt left them failed in the cache.
    if (resolved.url.startsWith(codeRoot) && !resolved.url.includes('/node_modules/') && !resolved.url.includes('archway-sdk')) {
      resolved = { ...resolved, url: resolved.url + (resolved.url.includes('?') ? '&' : '?') + 'archway-sdk' };
    }
    return resolved;
  }`;
