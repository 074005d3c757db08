// Runs the built `archway` command as a child process, as a user would, for end-to-end tests
// of startup output, persistence across restarts and SIGKILL, and graceful shutdown.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli/archway.js', import.meta.url));

export interface ArchwayProcess {
  child: ChildProcessWithoutNullStreams;
  endpoint: string;
  port: number;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `archway start --port 0 ARGS`, in `cwd` when given (relative defaults resolve there). */
export async function spawnArchway(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<ArchwayProcess> {
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', ...args], { env: { ...process.env, ...env }, cwd });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const check = () => {
      // The invoke URL pattern is the last startup line: everything is printed by then.
      const m = out.match(/Invoke URL pattern: http:\/\/[^\s:]+:(\d+)\//);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`archway exited with ${code} before listening:\n${out}`)));
  });
  return { child, endpoint: `http://127.0.0.1:${port}`, port, output: () => out, exited };
}

/** Runs `archway ARGS` (any command) to completion, as a user would from a shell. */
export function runArchway(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
