// Secrets at rest (API key values now; authorizer and integration credentials later): sealed
// with AES-256-GCM, a random 12-byte IV per value and the 16-byte authentication tag checked on
// open, so a value sealed under another key, or changed on disk, is refused rather than misread.
// The sealed form is text that fits a JSON document: `v1:` + base64(iv ‖ tag ‖ ciphertext).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'v1:';

/** A sealed value could not be opened: another key sealed it, or it was altered. */
export class SecretOpenError extends Error {}

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== KEY_BYTES) throw new RangeError(`an encryption key is ${KEY_BYTES} bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
  }

  /** A key for one process (`--in-memory`): nothing it seals outlives it. */
  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(KEY_BYTES));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) throw new SecretOpenError('not a sealed value');
    const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretOpenError('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretOpenError('sealed value does not open with this encryption key (another key sealed it, or it was altered)');
    }
  }
}
