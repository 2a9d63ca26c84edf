// Syncthing's block list for a file: block size choice, SHA-256 per block and the 1.x weak hash.
import { open } from "node:fs/promises";
import { adler32 as coreAdler32, hashFileRange, makeBlock as coreMakeBlock } from "./hash-core.mjs";

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

/** Standard Adler-32 (what Syncthing 1.x's rolling hash yields for a whole block). */
export const adler32: (data: Uint8Array, start?: number, end?: number) => number = coreAdler32;

function checkBlockSize(blockSize: number): void {
  if (!isValidBlockSize(blockSize)) {
    throw new RangeError(`block size ${blockSize} is not one of Syncthing's sizes (128 KiB … 16 MiB, powers of two)`);
  }
}

const makeBlock = (data: Uint8Array, offset: number, weak: boolean): BlockInfo => coreMakeBlock(data, offset, weak);

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
  if (options.signal?.aborted) throw abortError(options.signal);
  let blockSize = options.blockSize;
  if (blockSize === undefined) {
    const fh = await open(filePath, "r");
    try {
      blockSize = blockSizeFor((await fh.stat()).size);
    } finally {
      await fh.close();
    }
  }
  checkBlockSize(blockSize);
  return hashFileRange(filePath, { ...options, blockSize, weakHash: options.weakHash ?? true });
}
