// Where the key that seals secrets at rest comes from: `--encryption-key` /
// ARCHWAY_ENCRYPTION_KEY (64 hex characters, or the base64 of 32 bytes), else a key file
// Archway creates once in the data directory (`encryption.key`, 0600, 64 hex characters) and
// reads on every later start, else (`--in-memory`) a random key for this process only.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KEY_BYTES, SecretBox } from './secret-box.js';
import { readOrCreatePrivateFile } from '../data-directory.js';

export const KEY_FILE = 'encryption.key';
export const KEY_FORMAT = `64 hexadecimal characters or the base64 of ${KEY_BYTES} bytes (e.g. the output of \`openssl rand -hex 32\`)`;

/** The key as given, or undefined when it is not in an accepted format. */
export function decodeEncryptionKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) {
    const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}

export class EncryptionKeyError extends Error {}

export interface EncryptionKeySource {
  /** `--encryption-key`, already checked by the options parser. */
  encryptionKey?: string;
  inMemory: boolean;
  dataDir: string;
}

export function openSecretBox(source: EncryptionKeySource): SecretBox {
  if (source.encryptionKey !== undefined) {
    const key = decodeEncryptionKey(source.encryptionKey);
    if (key === undefined) throw new EncryptionKeyError(`--encryption-key must be ${KEY_FORMAT}`);
    return new SecretBox(key);
  }
  if (source.inMemory) return SecretBox.ephemeral();
  return new SecretBox(keyFileIn(source.dataDir));
}

/** Reads the data directory's key file, creating it first when there is none (never replaced). */
function keyFileIn(dataDir: string): Buffer {
  const file = join(dataDir, KEY_FILE);
  const text = readOrCreatePrivateFile(file, () => `${randomBytes(KEY_BYTES).toString('hex')}\n`);
  const key = decodeEncryptionKey(text);
  if (key === undefined) {
    throw new EncryptionKeyError(`${file} does not hold an encryption key (${KEY_FORMAT}); restore it, or give the key with --encryption-key`);
  }
  return key;
}
