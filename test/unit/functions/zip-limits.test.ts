// Zip bombs: Lambda's unzipped quota checked on the central directory before anything is
// inflated, and every inflate capped at its entry's declared size.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsServiceError } from '../../../src/aws/errors.js';
import { checkZip, createZip, inflateEntry, MAX_UNZIPPED_BYTES, readZip, readZipDirectory, validateZip, ZipError } from '../../../src/functions/zip.js';
import { declareSize, deflatedZeros, zipAround } from '../../helpers/zip-craft.js';
import { unpack } from '../../../src/functions/code-cache.js';

function refusal(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('unzipped quota (262144000 bytes)', () => {
  it('is a named constant with Lambda’s value', () => {
    expect(MAX_UNZIPPED_BYTES).toBe(262_144_000);
  });

  it('refuses declared sizes over the quota before inflating, with AWS’s error', async () => {
    const bomb = declareSize(declareSize(createZip({ 'a.bin': 'x', 'b.bin': 'y' }), 0, 200_000_000), 1, 200_000_000);
    for (const action of [() => checkZip(bomb), () => readZip(bomb), () => readZipDirectory(bomb)]) {
      const error = refusal(action);
      expect(error).toBeInstanceOf(AwsServiceError);
      expect(error).toMatchObject({ type: 'InvalidParameterValueException', statusCode: 400, message: 'Unzipped size must be smaller than 262144000 bytes' });
    }
    await expect(validateZip(bomb)).rejects.toMatchObject({ type: 'InvalidParameterValueException', message: 'Unzipped size must be smaller than 262144000 bytes' });
    const dir = mkdtempSync(join(tmpdir(), 'bomb-'));
    await expect(unpack(bomb, dir)).rejects.toMatchObject({ type: 'InvalidParameterValueException' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('accepts exactly the quota (the check is on the sum)', () => {
    const atLimit = declareSize(declareSize(createZip({ 'a.bin': 'x', 'b.bin': 'y' }), 0, MAX_UNZIPPED_BYTES - 1), 1, 1);
    expect(() => checkZip(atLimit)).not.toThrow();
    expect(() => checkZip(declareSize(atLimit, 1, 2))).toThrow('Unzipped size must be smaller than 262144000 bytes');
  });
});

describe('validateZip', () => {
  it('accepts what createZip writes and refuses a size that does not match', async () => {
    const zip = createZip({ 'index.mjs': 'export const handler = 1;', 'lib/a.js': Buffer.alloc(100_000, 7) });
    await expect(validateZip(zip)).resolves.toBeUndefined();
    await expect(validateZip(declareSize(zip, 1, 99_999))).rejects.toThrow(ZipError);
    await expect(validateZip(declareSize(zip, 1, 100_001))).rejects.toThrow(ZipError);
  });
});

describe('a header that lies about the size', () => {
  let liar: Buffer;
  beforeAll(async () => {
    // 400 MB of zeros declared as 1 KB.
    liar = zipAround('zeros.bin', await deflatedZeros(400), 1024);
  }, 60_000);

  it('passes the directory check but is refused at its declared size, without inflating the rest', async () => {
    expect(() => checkZip(liar)).not.toThrow();
    const before = process.memoryUsage();
    const started = performance.now();
    expect(() => readZip(liar)).toThrow(ZipError);
    const [entry] = readZipDirectory(liar);
    await expect(inflateEntry(liar, entry)).rejects.toThrow(ZipError);
    await expect(validateZip(liar)).rejects.toThrow(ZipError);
    await expect(unpack(liar, mkdtempSync(join(tmpdir(), 'liar-')))).rejects.toThrow(ZipError);
    const after = process.memoryUsage();
    expect(performance.now() - started).toBeLessThan(2000);
    // Inflating it all would have held 400 MB.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    expect(after.rss - before.rss).toBeLessThan(128 * 1024 * 1024);
  });
});
