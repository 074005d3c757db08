// Checks that a declared function's handler file still parses before its new code is served
// (`--functions` reload): `node --check` on the file Lambda's Node runtime would load
// (`dir/file.export` → file.js, .mjs or .cjs), ESM or CommonJS as Node decides. Only the
// handler's own file is checked, not what it imports.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** The syntax error Node reports for the handler's file, or undefined when it parses (or is not there: the runtime reports that). */
export function handlerSyntaxError(codeDir: string, handler: string): Promise<string | undefined> {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot === -1) return Promise.resolve(undefined);
  const base = resolve(codeDir, handler.slice(0, dot));
  const file = EXTENSIONS.map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (file === undefined) return Promise.resolve(undefined);
  return new Promise((done) => {
    execFile(process.execPath, ['--check', file], { cwd: codeDir, timeout: 10_000 }, (error, _stdout, stderr) => {
      done(error === null ? undefined : describe(stderr, file));
    });
  });
}

/** Node prints `file:line`, the source line, a caret line, a blank line and `SyntaxError: …`. */
function describe(stderr: string, file: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  const where = lines.find((line) => line.startsWith(file)) ?? file;
  const what = lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.at(-1) ?? 'does not compile';
  return `${where}: ${what}`;
}
