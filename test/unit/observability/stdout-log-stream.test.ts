// The stdout log stream writes every line, in order, whatever the reader does: a flush waits for
// the lines before it, a process that exits (or calls process.exit) loses none, and a reader that
// stops reading for a while (a full non-blocking pipe) gets everything once it reads again.
import { describe, it, expect, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StdoutLogStream } from '../../../src/observability/stdout-log-stream.js';

const distStream = fileURLToPath(new URL('../../../dist/observability/stdout-log-stream.js', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Line i: ASCII, then a multi-byte character every 7th line, and one line far over a block. */
function lineOf(i: number): string {
  if (i === 1234) return `{"i":${i},"big":"${'x'.repeat(200_000)}"}\n`;
  return `{"i":${i},"path":"/items/${i}${i % 7 === 0 ? '/é€😀' : ''}"}\n`;
}

const expected = (count: number) => Array.from({ length: count }, (_, i) => lineOf(i)).join('');

/** Runs a child that writes `count` lines through the stream on its stdout, then `ending`. */
function child(count: number, ending: string, pauseReadMs = 0): Promise<string> {
  const script = `
    const { stdoutLogStream } = await import(${JSON.stringify(distStream)});
    ${lineOf.toString()}
    process.stdout; // a pipe opened by Node is non-blocking: a slow reader gives EAGAIN
    const stream = stdoutLogStream();
    for (let i = 0; i < ${count}; i++) stream.write(lineOf(i));
    ${ending}`;
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    if (pauseReadMs > 0) {
      proc.stdout.pause();
      setTimeout(() => proc.stdout.resume(), pauseReadMs);
    }
    proc.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`exit ${code}`))));
  });
}

describe('stdout log stream', () => {
  it('flush calls back once every line before it is in the file, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archway-log-'));
    dirs.push(dir);
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    const stream = new StdoutLogStream(fd);
    for (let i = 0; i < 20_000; i++) stream.write(lineOf(i));
    await new Promise<void>((resolve) => stream.flush(resolve));
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(expected(20_000));
  });

  it('a flush with nothing pending calls back at once', async () => {
    const stream = new StdoutLogStream(openSync('/dev/null', 'w'));
    await new Promise<void>((resolve) => stream.flush(resolve));
  });

  it('process.exit right after logging loses no line', async () => {
    expect(await child(30_000, 'process.exit(0);')).toBe(expected(30_000));
  });

  it('a process that ends on its own writes the last lines after the flush delay', async () => {
    expect(await child(10, '')).toBe(expected(10));
  });

  it('a reader that stops reading for a while (full pipe) still gets every line, in order', async () => {
    const out = await child(60_000, 'await new Promise((resolve) => stream.flush(resolve));', 800);
    expect(out).toBe(expected(60_000));
  });

  it('exiting while the pipe is full writes the rest once the reader reads again', async () => {
    expect(await child(60_000, 'setTimeout(() => process.exit(0), 100);', 800)).toBe(expected(60_000));
  });
});
