// Crafted zips for the zip-bomb tests: declared sizes rewritten, deflated data wrapped as is.
import { createDeflateRaw } from 'node:zlib';

/** Rewrites the uncompressed size entry `index` declares, in its central and local headers. */
export function declareSize(zip: Buffer, index: number, size: number): Buffer {
  const out = Buffer.from(zip);
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = out.readUInt32LE(eocd + 16);
  for (let i = 0; i < index; i++) offset += 46 + out.readUInt16LE(offset + 28) + out.readUInt16LE(offset + 30) + out.readUInt16LE(offset + 32);
  out.writeUInt32LE(size, offset + 24);
  out.writeUInt32LE(size, out.readUInt32LE(offset + 42) + 22);
  return out;
}

/** A one-entry zip around already-deflated bytes, declaring `declaredSize`. */
export function zipAround(name: string, deflated: Buffer, declaredSize: number): Buffer {
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + nameBytes.length, 12);
  end.writeUInt32LE(30 + nameBytes.length + deflated.length, 16);
  return Buffer.concat([local, nameBytes, deflated, central, nameBytes, end]);
}

/** `megabytes` MB of zeros, deflated chunk by chunk (never held inflated). */
export async function deflatedZeros(megabytes: number): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < megabytes; i++) {
    if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(chunks);
}


/** Rewrites the Unix mode entry `index` records (external attributes, "made by" Unix). */
export function setMode(zip: Buffer, index: number, mode: number): Buffer {
  const out = Buffer.from(zip);
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = out.readUInt32LE(eocd + 16);
  for (let i = 0; i < index; i++) offset += 46 + out.readUInt16LE(offset + 28) + out.readUInt16LE(offset + 30) + out.readUInt16LE(offset + 32);
  out.writeUInt16LE((3 << 8) | 20, offset + 4);
  out.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, offset + 38);
  return out;
}
