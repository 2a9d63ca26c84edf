// The hashing core, in plain JavaScript so the hash pool's worker threads can load it without a
// TypeScript loader: under tsx every worker started its own loader thread, which doubled a scan's
// memory and cost ~0.5 s per worker before the first byte was hashed (bench (a)). blocks.ts gives
// it types (hash-core.d.mts) and is what the rest of the engine imports.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

const ADLER_MOD = 65521;
// Largest n such that 255·n·(n+1)/2 + (n+1)·(MOD−1) stays below 2^32 (zlib's NMAX), so the
// sums can be reduced once per chunk instead of once per byte.
const ADLER_NMAX = 5552;

/** Standard Adler-32 (what Syncthing 1.x's rolling hash yields for a whole block). */
export function adler32(data, start = 0, end = data.length) {
  let a = 1;
  let b = 0;
  let i = start;
  while (i < end) {
    const stop = Math.min(i + ADLER_NMAX, end);
    for (; i < stop; i++) {
      a += data[i];
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return ((b << 16) | a) >>> 0;
}

export function makeBlock(data, offset, weak) {
  return {
    offset,
    size: data.length,
    hash: createHash("sha256").update(data).digest(),
    weakHash: weak && data.length > 0 ? adler32(data) : 0,
  };
}

function abortError(signal) {
  if (signal.reason instanceof Error) return signal.reason;
  const err = new Error("hashing aborted");
  err.name = "AbortError";
  return err;
}

/**
 * Streams a file into blocks with memory bounded by two read buffers, whatever the file size.
 * Two buffers alternate so the next read (on libuv's pool) runs while this thread hashes
 * the previous one. Plain fd reads at explicit offsets avoid stream overhead. The block size is
 * the caller's (checked there).
 */
export async function hashFileRange(filePath, { blockSize, firstBlock = 0, blockCount, weakHash = true, readSize: wantedRead, signal }) {
  if (signal?.aborted) throw abortError(signal);
  const fh = await open(filePath, "r");
  try {
    const readSize = Math.max(blockSize, Math.floor((wantedRead ?? 4 * 1024 * 1024) / blockSize) * blockSize);
    const buffers = [Buffer.allocUnsafe(readSize), Buffer.allocUnsafe(readSize)];
    const start = firstBlock * blockSize;
    // Without a block range we read to EOF, so a file that grew since stat is fully described.
    const limit = blockCount === undefined ? Infinity : start + blockCount * blockSize;
    const blocks = [];
    let position = start;
    let turn = 0;
    const wanted = (pos) => Math.max(0, Math.min(readSize, limit - pos));
    const readInto = (buf, pos) => {
      const want = wanted(pos);
      return want === 0 ? Promise.resolve({ bytesRead: 0 }) : fh.read(buf, 0, want, pos);
    };

    let pending = readInto(buffers[turn], position);
    for (;;) {
      const requested = wanted(position);
      let { bytesRead: filled } = await pending;
      if (signal?.aborted) throw abortError(signal);
      if (filled === 0) break;
      const buf = buffers[turn];
      // A short read is normally EOF; if the file is still growing, complete the block first
      // so that block boundaries stay at multiples of the block size.
      while (filled < requested && filled % blockSize !== 0) {
        const { bytesRead: more } = await fh.read(buf, filled, requested - filled, position + filled);
        if (more === 0) break;
        filled += more;
      }
      const readPos = position;
      position += filled;
      turn ^= 1;
      pending = readInto(buffers[turn], position);
      for (let off = 0; off < filled; off += blockSize) {
        blocks.push(makeBlock(buf.subarray(off, Math.min(off + blockSize, filled)), readPos + off, weakHash));
      }
    }
    await pending.catch(() => undefined);
    if (blocks.length === 0 && firstBlock === 0) blocks.push(makeBlock(Buffer.alloc(0), 0, weakHash));
    const size = blocks.length === 0 ? 0 : blocks[blocks.length - 1].offset + blocks[blocks.length - 1].size;
    return { size, blockSize, blocks };
  } finally {
    await fh.close();
  }
}
