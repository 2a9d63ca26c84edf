// Syncthing's block list for a file: block size choice, SHA-256 per block and the 1.x weak hash.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";

export const MIN_BLOCK_SIZE = 128 * 1024;
export const MAX_BLOCK_SIZE = 16 * 1024 * 1024;
/** Powers of two from 128 KiB to 16 MiB: the only block sizes peers accept. */
export const BLOCK_SIZES: readonly number[] = Object.freeze([17, 18, 19, 20, 21, 22, 23, 24].map((bits) => 2 ** bits));
/** Syncthing aims for fewer than this many blocks per file (protocol.DesiredPerFileBlocks). */
export const DESIRED_PER_FILE_BLOCKS = 2000;

export interface BlockInfo {
  offset: number;
  size: number;
  /** SHA-256 of the block, 32 bytes. */
  hash: Buffer;
  /** Adler-32 of the block as Syncthing 1.x sends it; 0 means "not computed". */
  weakHash: number;
}

export interface HashedFile {
  /** Bytes actually read, which is what the blocks describe. */
  size: number;
  blockSize: number;
  blocks: BlockInfo[];
}

export interface HashOptions {
  /** Default: blockSizeFor(size). */
  blockSize?: number;
  /**
   * Compute the Adler-32 weak hash. Default true: 1.19 sends it on every block and uses it to
   * find shifted data; 2.x dropped the field, so a 2.x-only node may turn it off for speed.
   */
  weakHash?: boolean;
}

export interface HashFileOptions extends HashOptions {
  signal?: AbortSignal;
  /** Bytes per read; rounded to whole blocks. Default 4 MiB (measured best, see hashFile). */
  readSize?: number;
  /** Hash only blocks [firstBlock, firstBlock + blockCount) — used to split a file across workers. */
  firstBlock?: number;
  blockCount?: number;
}

/**
 * The smallest block size giving fewer than 2000 blocks, else 16 MiB. The limits are
 * 2000 × size: 250 MiB, 500 MiB, 1000 MiB, 2000 MiB, 4000 MiB, 8000 MiB, 16000 MiB
 * (so "< 1 GiB → 512 KiB" in rounder tables is really "< 1000 MiB").
 */
export function blockSizeFor(fileSize: number): number {
  for (const size of BLOCK_SIZES) {
    if (fileSize < DESIRED_PER_FILE_BLOCKS * size) return size;
  }
  return MAX_BLOCK_SIZE;
}

/** A received block_size, as Syncthing reads it: absent or below 128 KiB means 128 KiB. */
export function effectiveBlockSize(declared: number): number {
  return declared < MIN_BLOCK_SIZE ? MIN_BLOCK_SIZE : declared;
}

export function isValidBlockSize(size: number): boolean {
  return BLOCK_SIZES.includes(size);
}

const ADLER_MOD = 65521;
// Largest n such that 255·n·(n+1)/2 + (n+1)·(MOD−1) stays below 2^32 (zlib's NMAX), so the
// sums can be reduced once per chunk instead of once per byte.
const ADLER_NMAX = 5552;

/** Standard Adler-32 (what Syncthing 1.x's rolling hash yields for a whole block). */
export function adler32(data: Uint8Array, start = 0, end = data.length): number {
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

function checkBlockSize(blockSize: number): void {
  if (!isValidBlockSize(blockSize)) {
    throw new RangeError(`block size ${blockSize} is not one of Syncthing's sizes (128 KiB … 16 MiB, powers of two)`);
  }
}

function makeBlock(data: Uint8Array, offset: number, weak: boolean): BlockInfo {
  return {
    offset,
    size: data.length,
    hash: createHash("sha256").update(data).digest(),
    weakHash: weak && data.length > 0 ? adler32(data) : 0,
  };
}

/** Blocks of in-memory data. An empty input still gets one empty block (peers require it). */
export function hashBuffer(data: Uint8Array, options: HashOptions = {}): BlockInfo[] {
  const blockSize = options.blockSize ?? blockSizeFor(data.length);
  checkBlockSize(blockSize);
  const weak = options.weakHash ?? true;
  if (data.length === 0) return [makeBlock(data, 0, weak)];
  const blocks: BlockInfo[] = [];
  for (let offset = 0; offset < data.length; offset += blockSize) {
    blocks.push(makeBlock(data.subarray(offset, Math.min(offset + blockSize, data.length)), offset, weak));
  }
  return blocks;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException("hashing aborted", "AbortError");
}

/**
 * Streams a file into blocks with memory bounded by two read buffers, whatever the file size.
 * Two buffers alternate so the next read (on libuv's pool) runs while this thread hashes
 * the previous one. Plain fd reads at explicit offsets avoid stream overhead.
 */
export async function hashFile(filePath: string, options: HashFileOptions = {}): Promise<HashedFile> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const weak = options.weakHash ?? true;
  const fh = await open(filePath, "r");
  try {
    const statSize = (await fh.stat()).size;
    const blockSize = options.blockSize ?? blockSizeFor(statSize);
    checkBlockSize(blockSize);
    const readSize = Math.max(blockSize, Math.floor((options.readSize ?? 4 * 1024 * 1024) / blockSize) * blockSize);
    const buffers = [Buffer.allocUnsafe(readSize), Buffer.allocUnsafe(readSize)];

    const firstBlock = options.firstBlock ?? 0;
    const start = firstBlock * blockSize;
    // Without a block range we read to EOF, so a file that grew since stat is fully described.
    const limit = options.blockCount === undefined ? Infinity : start + options.blockCount * blockSize;
    const blocks: BlockInfo[] = [];
    let position = start;
    let turn = 0;
    const wanted = (pos: number) => Math.max(0, Math.min(readSize, limit - pos));
    const readInto = (buf: Buffer, pos: number) => {
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
        blocks.push(makeBlock(buf.subarray(off, Math.min(off + blockSize, filled)), readPos + off, weak));
      }
    }
    await pending.catch(() => undefined);
    if (blocks.length === 0 && firstBlock === 0) blocks.push(makeBlock(Buffer.alloc(0), 0, weak));
    const size = blocks.length === 0 ? 0 : blocks[blocks.length - 1].offset + blocks[blocks.length - 1].size;
    return { size, blockSize, blocks };
  } finally {
    await fh.close();
  }
}
