// The data directory (`--data-dir`): created private to the user (0700, the database 0600), and
// held by one Archway process at a time. Two processes on one SQLite file would each serve only
// the deployments they compiled themselves, so the second refuses to start until the fleet
// setup (PostgreSQL) makes sharing configuration supported. The hold is a lock file naming the
// holder's pid; one left by a process that died is taken over.
import { chmodSync, closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'archway.lock';
const PRIVATE_DIRECTORY = 0o700;
const PRIVATE_FILE = 0o600;

export class DataDirectoryInUseError extends Error {}

export interface DataDirectory {
  /** Where the SQLite database lives, created 0600 so its WAL files are too. */
  readonly databaseFile: string;
  release(): void;
}

export function openDataDirectory(dir: string): DataDirectory {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY });
  chmodSync(dir, PRIVATE_DIRECTORY);
  const lockFile = join(dir, LOCK_FILE);
  takeLock(lockFile, dir);
  const databaseFile = join(dir, 'archway.db');
  // SQLite gives its -wal and -shm files the database file's mode.
  closeSync(openSync(databaseFile, 'a', PRIVATE_FILE));
  for (const file of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`]) if (existsSync(file)) chmodSync(file, PRIVATE_FILE);
  let released = false;
  return {
    databaseFile,
    release() {
      if (released) return;
      released = true;
      if (holderOf(lockFile) === process.pid) unlinkSync(lockFile);
    },
  };
}

function takeLock(lockFile: string, dir: string): void {
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx', PRIVATE_FILE);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = holderOf(lockFile);
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
      throw new DataDirectoryInUseError(
        `Another Archway (pid ${holder}) is using the data directory ${dir}. Stop it, or give this one its own --data-dir ` +
        `(or --in-memory). If no Archway is running, delete ${lockFile}.`,
      );
    }
    // Left by a process that is gone (or half written): take it over.
    try {
      unlinkSync(lockFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function holderOf(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `dir` private to the user (0700) when missing; a process that only reads a file there needs no lock. */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY });
}

/**
 * Reads a private file (a key), creating it first with `contents()` when there is none. The new
 * file is written whole to a private temporary file and then hard-linked into place, which fails
 * if the file appeared meanwhile: no reader ever sees it half written, and none is replaced
 * (two processes creating it at once both read the one that won).
 */
export function readOrCreatePrivateFile(file: string, contents: () => string): string {
  const existing = readIfPresent(file);
  if (existing !== undefined) return existing;
  const temporary = `${file}.${process.pid}.tmp`;
  // One left by a process that died here (in a container Archway is often pid 1 each time).
  rmSync(temporary, { force: true });
  const fd = openSync(temporary, 'wx', PRIVATE_FILE);
  try {
    writeSync(fd, contents());
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return readFileSync(file, 'utf8');
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
