// SigV4 signing keys (AWS IAM User Guide, "Create a signed AWS API request", step 4:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
// A key is valid for a whole UTC day, so it is derived once per (secret, day, region, service)
// with its HMAC pads (RFC 2104, https://www.rfc-editor.org/rfc/rfc2104) precomputed: a signed
// request then costs two one-shot SHA-256 hashes for its signature, not five HMACs, and no
// crypto object per request.
import { createHmac, hash } from 'node:crypto';

/** Enough for every caller active on one day; past it the cache starts again (the next day's keys differ anyway). */
const MAX_CACHED_KEYS = 1024;

/** SHA-256's block size: an HMAC key is padded to it. */
const BLOCK = 64;

export interface SigningKey {
  /** kSigning itself. */
  readonly key: Buffer;
  /** The key XOR 0x36 and XOR 0x5c, padded to the block: HMAC's inner and outer prefixes. */
  readonly innerPad: Buffer;
  readonly outerPad: Buffer;
}

/** Keys by secret, then by credential scope (`date/region/service/aws4_request`). */
const cache = new Map<string, Map<string, SigningKey>>();
let cached = 0;

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

function padded(key: Buffer, byte: number): Buffer {
  const pad = Buffer.alloc(BLOCK, byte);
  for (let i = 0; i < key.length; i++) pad[i] ^= key[i]!;
  return pad;
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): SigningKey {
  const scope = `${date}/${region}/${service}/aws4_request`;
  let keys = cache.get(secretAccessKey);
  let key = keys?.get(scope);
  if (key === undefined) {
    const derived = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
    key = { key: derived, innerPad: padded(derived, 0x36), outerPad: padded(derived, 0x5c) };
    if (cached >= MAX_CACHED_KEYS) {
      cache.clear();
      cached = 0;
      keys = undefined;
    }
    if (keys === undefined) cache.set(secretAccessKey, (keys = new Map()));
    keys.set(scope, key);
    cached++;
  }
  return key;
}

/** Scratch space for the inner hash's input (pad + string to sign) and the outer's (pad + inner digest); grown on demand. */
let inner = Buffer.allocUnsafe(BLOCK + 256);
const outer = Buffer.allocUnsafe(BLOCK + 32);

/** The lower-case hex signature of a string to sign: HMAC-SHA256(key, stringToSign). */
export function signatureOf(key: SigningKey, stringToSign: string): string {
  if (BLOCK + stringToSign.length * 3 > inner.length) inner = Buffer.allocUnsafe(BLOCK + stringToSign.length * 3); // UTF-8: at most 3 bytes per UTF-16 unit
  key.innerPad.copy(inner, 0);
  const length = BLOCK + inner.write(stringToSign, BLOCK);
  outer.write(hash('sha256', inner.subarray(0, length), 'binary'), BLOCK, 'binary'); // one character per byte: no Buffer made
  key.outerPad.copy(outer, 0);
  return hash('sha256', outer, 'hex');
}
