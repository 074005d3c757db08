// SigV4 signing keys (AWS IAM User Guide, "Create a signed AWS API request", step 4:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
// A key is valid for a whole UTC day, so it is derived once per (secret, day, region, service)
// and a signed request then costs one HMAC for its signature, not five.
import { createHmac } from 'node:crypto';

/** Enough for every caller active on one day; past it the cache starts again (the next day's keys differ anyway). */
const MAX_CACHED_KEYS = 1024;

const cache = new Map<string, Buffer>();

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const id = `${date}\n${region}\n${service}\n${secretAccessKey}`;
  let key = cache.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(id, key);
  }
  return key;
}

/** The lower-case hex signature of a string to sign. */
export function signatureOf(key: Buffer, stringToSign: string): string {
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}
