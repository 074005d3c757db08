// Identifier formats as AWS issues them (as in the AWS CLI examples): lower-case alphanumerics of a
// fixed length per kind, and the data-plane request ids.
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random id of `length` characters from [a-z0-9]. */
export function shortId(length: number): string {
  const bytes = randomBytes(length);
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[bytes[i] % ALPHABET.length];
  return id;
}

export const newRestApiId = () => shortId(10);
export const newRootResourceId = () => shortId(10);
export const newResourceId = () => shortId(6);
export const newDeploymentId = () => shortId(6);
export const newRequestId = (): string => randomUUID();
export const newApiKeyId = () => shortId(10);
export const newUsagePlanId = () => shortId(6);

const KEY_VALUE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A generated API key value: 40 mixed-case alphanumerics, as AWS's look (length unverified).
 * 62 does not divide 256: bytes past the last whole multiple are drawn again, so every
 * character is equally likely.
 */
export function newApiKeyValue(): string {
  let value = '';
  while (value.length < 40) {
    for (const byte of randomBytes(48)) {
      if (byte < 248 && value.length < 40) value += KEY_VALUE_ALPHABET[byte % 62];
    }
  }
  return value;
}

// Extended ids are cut from a pooled block of random bytes: one crypto call per 512 requests
// instead of one per request (it showed up at ~2 % of data-plane CPU).
const EXTENDED_ID_BYTES = 11;
const idPool = Buffer.alloc(EXTENDED_ID_BYTES * 512);
let idPoolOffset = idPool.length;

/** The extended request id (`x-amz-apigw-id`): 16 base64 characters ending in `=`. */
export function newExtendedRequestId(): string {
  if (idPoolOffset + EXTENDED_ID_BYTES > idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  const id = idPool.toString('base64', idPoolOffset, idPoolOffset + EXTENDED_ID_BYTES).slice(0, 15) + '=';
  idPoolOffset += EXTENDED_ID_BYTES;
  return id;
}

/** Epoch seconds, the control plane's timestamp format. */
export const epochSeconds = (): number => Math.floor(Date.now() / 1000);

// IAM's unique ids (IAM User Guide, "IAM identifiers", unique ID prefixes:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes):
// a four-letter prefix naming the kind, then upper-case letters and digits 2–7.
const IAM_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function iamId(prefix: string, length: number): string {
  let id = prefix;
  for (const byte of randomBytes(length)) id += IAM_ID_ALPHABET[byte % 32];
  return id;
}

export const newIamUserId = () => iamId('AIDA', 17);
export const newIamRoleId = () => iamId('AROA', 17);
export const newAccessKeyId = () => iamId('AKIA', 16);

/** A secret access key: 40 base64 characters, as IAM issues them. */
export const newSecretAccessKey = (): string => randomBytes(30).toString('base64');
