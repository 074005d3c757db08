// The zip archives Lambda takes as `Code.ZipFile` (APPNOTE.TXT subset: stored and deflated
// entries, read through the central directory). Enough to unpack what `zip`, 7-Zip, the AWS
// toolkits and bundlers produce; ZIP64 and encryption are refused. `createZip` is the writer
// the tests and `--functions` folder hashing share.
//
// Zip bombs: the central directory's uncompressed sizes are summed before anything is inflated
// and refused past Lambda's unzipped quota, and every inflate is capped at its entry's declared
// size (a lying header fails at that size instead of filling memory). `checkZip` validates
// the directory without inflating; `validateZip` also inflates every entry (streamed, counted,
// discarded) and `inflateEntry` one entry, both off the main thread (zlib's thread pool).
import { crc32, createInflateRaw, deflateRawSync, inflateRaw, inflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';
import { invalidParameter } from './errors.js';

/** Lambda quota "deployment package (.zip file archive) size, unzipped": 250 MB. */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface ZipEntry {
  /** Forward-slash path inside the archive; directories end with `/`. */
  name: string;
  data: Buffer;
  /** Unix mode bits when the archive recorded them. */
  mode?: number;
}

/** An entry as the central directory describes it; its data not read yet. */
export interface ZipDirectoryEntry {
  /** Forward-slash path inside the archive; directories end with `/`. */
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** The declared uncompressed size (what the inflate is capped at). */
  size: number;
  /** Unix mode bits when the archive recorded them. */
  mode?: number;
  /** Where the entry's (compressed) bytes start in the archive. */
  dataStart: number;
}

export class ZipError extends Error {}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_MARKER = 0xffffffff;

const inflateRawAsync = promisify(inflateRaw);

/** AWS's answer for a package over the unzipped quota (InvalidParameterValueException). */
export function unzippedTooLarge(limit = MAX_UNZIPPED_BYTES) {
  return invalidParameter(`Unzipped size must be smaller than ${limit} bytes`);
}

/**
 * Reads the central directory and every local header, without inflating anything. Throws
 * ZipError for anything that is not a zip we can unpack, and Lambda's InvalidParameterValue
 * error when the declared sizes add up to more than `limit` bytes.
 */
export function readZipDirectory(zip: Buffer, limit = MAX_UNZIPPED_BYTES): ZipDirectoryEntry[] {
  const eocd = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === ZIP64_MARKER) throw new ZipError('ZIP64 archives are not supported');
  const entries: ZipDirectoryEntry[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== CENTRAL) throw new ZipError('corrupt central directory');
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const madeBy = zip.readUInt16LE(offset + 4) >> 8;
    const externalAttributes = zip.readUInt32LE(offset + 38);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (compressedSize === ZIP64_MARKER || size === ZIP64_MARKER || localOffset === ZIP64_MARKER) throw new ZipError(`ZIP64 entry ${name} is not supported`);
    if (flags & 1) throw new ZipError(`encrypted entry ${name}`);
    if (method !== 0 && method !== 8) throw new ZipError(`unsupported compression method ${method} for ${name}`);
    if (method === 0 && compressedSize !== size) throw new ZipError(`size mismatch for ${name}`);
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL) throw new ZipError(`corrupt entry ${name}`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > zip.length) throw new ZipError(`truncated entry ${name}`);
    total += size;
    if (total > limit) throw unzippedTooLarge(limit);
    const entry: ZipDirectoryEntry = { name, method, compressedSize, size, dataStart };
    if (madeBy === 3) entry.mode = externalAttributes >>> 16; // Unix
    entries.push(entry);
  }
  return entries;
}

/** What CreateFunction and UpdateFunctionCode need: the archive is one we can unpack, within the quota. Inflates nothing. */
export function checkZip(zip: Buffer, limit = MAX_UNZIPPED_BYTES): void {
  readZipDirectory(zip, limit);
}

/**
 * The full check for an upload, off the main thread: the directory check, then every entry
 * inflated on zlib's thread pool (streamed and counted, nothing kept) and compared with its
 * declared size; a stream that runs past it is stopped there.
 */
export async function validateZip(zip: Buffer, limit = MAX_UNZIPPED_BYTES): Promise<void> {
  for (const entry of readZipDirectory(zip, limit)) {
    if (entry.method === 0) continue;
    const length = await inflatedLength(zip.subarray(entry.dataStart, entry.dataStart + entry.compressedSize), entry.size);
    if (length !== entry.size) throw new ZipError(`size mismatch for ${entry.name}`);
  }
}

function inflatedLength(raw: Buffer, cap: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
    let total = 0;
    inflater.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > cap) {
        inflater.destroy();
        reject(new ZipError(`entry inflates past its declared ${cap} bytes`));
      }
    });
    inflater.on('end', () => resolve(total));
    inflater.on('error', () => reject(new ZipError('cannot inflate an entry')));
    inflater.end(raw);
  });
}

/** One entry's bytes, inflated on zlib's thread pool and never past its declared size. */
export async function inflateEntry(zip: Buffer, entry: ZipDirectoryEntry): Promise<Buffer> {
  const raw = zip.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(raw);
  let data: Buffer;
  try {
    data = await inflateRawAsync(raw, { maxOutputLength: Math.max(1, entry.size) });
  } catch {
    throw new ZipError(`cannot inflate ${entry.name}`);
  }
  if (data.length !== entry.size) throw new ZipError(`size mismatch for ${entry.name}`);
  return data;
}

/** Reads every entry synchronously (small archives, tests); same checks and caps as the async path. */
export function readZip(zip: Buffer): ZipEntry[] {
  return readZipDirectory(zip).map((entry) => {
    const raw = zip.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    let data: Buffer;
    if (entry.method === 0) data = Buffer.from(raw);
    else {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch {
        throw new ZipError(`cannot inflate ${entry.name}`);
      }
    }
    if (data.length !== entry.size) throw new ZipError(`size mismatch for ${entry.name}`);
    const out: ZipEntry = { name: entry.name, data };
    if (entry.mode !== undefined) out.mode = entry.mode;
    return out;
  });
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const stop = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= stop; i--) {
    if (zip.readUInt32LE(i) === EOCD) return i;
  }
  throw new ZipError('not a zip archive');
}

/** A deflated zip of `files` (path → content), entries in the order given. */
export function createZip(files: Readonly<Record<string, string | Buffer>>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
