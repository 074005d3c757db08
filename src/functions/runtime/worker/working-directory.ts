// The working directory is the function's code folder (Lambda: /var/task, LAMBDA_TASK_ROOT). A
// worker thread cannot chdir, so process.cwd()/chdir() are emulated and node:fs resolves relative
// paths against the emulated directory.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

/** fs functions whose first argument is a path. */
const ONE_PATH = ['access', 'appendFile', 'chmod', 'chown', 'exists', 'lchmod', 'lchown', 'lstat', 'lutimes', 'mkdir', 'mkdtemp', 'open', 'opendir',
  'readdir', 'readFile', 'readlink', 'realpath', 'rm', 'rmdir', 'stat', 'statfs', 'truncate', 'unlink', 'utimes', 'writeFile'];
/** fs functions whose first two arguments are paths. */
const TWO_PATHS = ['copyFile', 'cp', 'link', 'rename'];

export function useWorkingDirectory(codeDir: string): void {
  let cwd = codeDir;
  process.cwd = () => cwd;
  process.chdir = (directory: string) => {
    const next = path.resolve(cwd, String(directory));
    if (!fs.statSync(next).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, chdir ${cwd} -> '${directory}'`), { code: 'ENOTDIR' });
    cwd = next;
  };
  const absolute = (value: unknown): unknown => {
    if (typeof value === 'string') return value === '' || path.isAbsolute(value) ? value : path.resolve(cwd, value);
    if (Buffer.isBuffer(value) && value.length > 0 && !path.isAbsolute(value.toString())) return Buffer.from(path.resolve(cwd, value.toString()));
    return value;
  };
  const withPaths = (target: Record<string, unknown>, name: string, positions: number[]): void => {
    const original = target[name];
    if (typeof original !== 'function') return;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      for (const position of positions) if (position < args.length) args[position] = absolute(args[position]);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    for (const key of Reflect.ownKeys(original)) {
      if (key === 'prototype' || key === 'length' || key === 'arguments' || key === 'caller') continue;
      try {
        Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key)!);
      } catch {
        // a property the wrapper cannot take: left off
      }
    }
    target[name] = wrapped;
  };
  const fsObject = fs as unknown as Record<string, unknown>;
  for (const name of ONE_PATH) {
    withPaths(fsObject, name, [0]);
    withPaths(fsObject, `${name}Sync`, [0]);
  }
  for (const name of ['createReadStream', 'createWriteStream', 'openAsBlob', 'watch', 'watchFile', 'unwatchFile']) withPaths(fsObject, name, [0]);
  for (const name of TWO_PATHS) {
    withPaths(fsObject, name, [0, 1]);
    withPaths(fsObject, `${name}Sync`, [0, 1]);
  }
  // symlink(target, path): the target stays relative to the link, as the OS reads it.
  withPaths(fsObject, 'symlink', [1]);
  withPaths(fsObject, 'symlinkSync', [1]);
  withPaths(fsObject.realpath as Record<string, unknown>, 'native', [0]);
  withPaths(fsObject.realpathSync as Record<string, unknown>, 'native', [0]);
  const promises = fs.promises as unknown as Record<string, unknown>;
  for (const name of [...ONE_PATH.filter((n) => n !== 'exists'), 'watch']) withPaths(promises, name, [0]);
  for (const name of TWO_PATHS) withPaths(promises, name, [0, 1]);
  withPaths(promises, 'symlink', [1]);
  // `import { readFileSync } from 'node:fs'` in the function sees the wrapped functions.
  syncBuiltinESMExports();
}
