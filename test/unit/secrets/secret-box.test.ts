import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretBox, SecretOpenError } from '../../../src/secrets/secret-box.js';
import { decodeEncryptionKey, EncryptionKeyError, openSecretBox } from '../../../src/secrets/encryption-key.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'archway-secrets-'));
  dirs.push(dir);
  return dir;
};

describe('SecretBox', () => {
  it('opens what it sealed, with a fresh IV each time', () => {
    const box = new SecretBox(randomBytes(32));
    const first = box.seal('apikey1234abcdefghij0123456789');
    const second = box.seal('apikey1234abcdefghij0123456789');
    expect(first).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('apikey');
    expect(box.open(first)).toBe('apikey1234abcdefghij0123456789');
    expect(box.open(box.seal(''))).toBe('');
    expect(box.open(box.seal('üñí ✓'))).toBe('üñí ✓');
  });

  it('refuses a value sealed under another key, altered, truncated or not sealed', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('a secret value of some length');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(SecretOpenError);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => box.open(`v1:${bytes.toString('base64')}`)).toThrow(SecretOpenError);
    const tag = Buffer.from(sealed.slice(3), 'base64');
    tag[12] ^= 1;
    expect(() => box.open(`v1:${tag.toString('base64')}`)).toThrow(SecretOpenError);
    expect(() => box.open('v1:AAAA')).toThrow(SecretOpenError);
    expect(() => box.open('plain text')).toThrow(SecretOpenError);
  });

  it('takes 32-byte keys only', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(RangeError);
  });
});

describe('the encryption key', () => {
  it('is given as 64 hex characters or base64 of 32 bytes', () => {
    const key = randomBytes(32);
    expect(decodeEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(decodeEncryptionKey(key.toString('hex').toUpperCase())).toEqual(key);
    expect(decodeEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(decodeEncryptionKey(key.toString('base64url'))).toEqual(key);
    expect(decodeEncryptionKey(`${key.toString('hex')}\n`)).toEqual(key);
    expect(decodeEncryptionKey('short')).toBeUndefined();
    expect(decodeEncryptionKey(randomBytes(16).toString('hex'))).toBeUndefined();
    expect(decodeEncryptionKey(randomBytes(31).toString('base64'))).toBeUndefined();
  });

  it('given as an option, opens what another box with that key sealed', () => {
    const hex = randomBytes(32).toString('hex');
    const sealed = openSecretBox({ encryptionKey: hex, inMemory: true, dataDir: '/nonexistent' }).seal('value');
    expect(openSecretBox({ encryptionKey: Buffer.from(hex, 'hex').toString('base64'), inMemory: false, dataDir: '/nonexistent' }).open(sealed)).toBe('value');
  });

  it('is created once in the data directory, 0600, and reused', () => {
    const dir = dataDir();
    const sealed = openSecretBox({ inMemory: false, dataDir: dir }).seal('value');
    const file = join(dir, 'encryption.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(openSecretBox({ inMemory: false, dataDir: dir }).open(sealed)).toBe('value');
  });

  it('is refused with a clear message when the key file holds something else', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'encryption.key'), 'not a key\n', { mode: 0o600 });
    expect(() => openSecretBox({ inMemory: false, dataDir: dir })).toThrow(EncryptionKeyError);
    expect(() => openSecretBox({ inMemory: false, dataDir: dir })).toThrow(/does not hold an encryption key/);
  });

  it('is random per process in memory', () => {
    const sealed = openSecretBox({ inMemory: true, dataDir: '/nonexistent' }).seal('value');
    expect(() => openSecretBox({ inMemory: true, dataDir: '/nonexistent' }).open(sealed)).toThrow(SecretOpenError);
  });
});
