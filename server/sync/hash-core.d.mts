// Types for hash-core.mjs (plain JavaScript so worker threads load it without a TypeScript loader).
export interface CoreBlock {
  offset: number;
  size: number;
  hash: Buffer;
  weakHash: number;
}

export interface HashRangeOptions {
  blockSize: number;
  firstBlock?: number;
  blockCount?: number;
  weakHash?: boolean;
  readSize?: number;
  signal?: AbortSignal;
}

export function adler32(data: Uint8Array, start?: number, end?: number): number;
export function makeBlock(data: Uint8Array, offset: number, weak: boolean): CoreBlock;
export function hashFileRange(filePath: string, options: HashRangeOptions): Promise<{ size: number; blockSize: number; blocks: CoreBlock[] }>;
