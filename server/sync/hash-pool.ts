// Hashes files on worker threads so a scan uses every core and the event loop stays free.
// Big files are cut into block-aligned chunks, so even one large file keeps all workers busy.
import { availableParallelism } from "node:os";
import { stat } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { blockSizeFor, type BlockInfo, type HashedFile } from "./blocks";

export interface HashTask {
  id: number;
  path: string;
  blockSize: number;
  firstBlock: number;
  /** Undefined for a file's last chunk: read to EOF, like a single-threaded hash. */
  blockCount?: number;
  weakHash: boolean;
}

export type HashTaskResult = { id: number; blocks: BlockInfo[]; error?: undefined } | { id: number; error: string };

export interface HashPoolOptions {
  /** Default: the number of cores. */
  workers?: number;
  /** Bytes per task, rounded to whole blocks. Default 64 MiB. */
  chunkBytes?: number;
  weakHash?: boolean;
}

/**
 * The node flags a worker inherits, less the TypeScript loader: the worker is plain JavaScript,
 * and an inherited `--import tsx` started a loader (and its thread) in every worker, which cost
 * ~70 ms before the first result and memory for as long as the pool lived. Other flags
 * (--cpu-prof, memory limits) still apply.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    if ((a === "--import" || a === "--require" || a === "-r" || a === "--loader" || a === "--experimental-loader") && /^tsx(\/|$)/.test(execArgv[i + 1] ?? "")) {
      i++;
      continue;
    }
    if (/^--(import|require|loader|experimental-loader)=tsx(\/|$)/.test(a)) continue;
    out.push(a);
  }
  return out;
}

/** Plain JavaScript, started without the TypeScript loader (workerExecArgv). */
const startWorker = () => new Worker(new URL("./hash-worker.mjs", import.meta.url), { execArgv: workerExecArgv() });

interface Pending {
  resolve: (blocks: BlockInfo[]) => void;
  reject: (err: Error) => void;
}

export class HashPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: HashTask[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly chunkBytes: number;
  private readonly weakHash: boolean;

  constructor(options: HashPoolOptions = {}) {
    this.chunkBytes = options.chunkBytes ?? 64 * 1024 * 1024;
    this.weakHash = options.weakHash ?? true;
    const count = Math.max(1, options.workers ?? availableParallelism());
    for (let i = 0; i < count; i++) {
      const worker = startWorker();
      worker.on("message", (result: HashTaskResult) => this.finish(worker, result));
      worker.on("error", (err) => this.failAll(err));
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  async hashFile(filePath: string): Promise<HashedFile> {
    const size = (await stat(filePath)).size;
    const blockSize = blockSizeFor(size);
    const blocksPerChunk = Math.max(1, Math.floor(this.chunkBytes / blockSize));
    const totalBlocks = Math.max(1, Math.ceil(size / blockSize));
    const parts: Promise<BlockInfo[]>[] = [];
    for (let first = 0; first < totalBlocks; first += blocksPerChunk) {
      const last = first + blocksPerChunk >= totalBlocks;
      parts.push(this.submit({ path: filePath, blockSize, firstBlock: first, blockCount: last ? undefined : blocksPerChunk, weakHash: this.weakHash }));
    }
    const blocks = (await Promise.all(parts)).flat();
    const end = blocks[blocks.length - 1];
    return { size: end ? end.offset + end.size : 0, blockSize, blocks };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private submit(task: Omit<HashTask, "id">): Promise<BlockInfo[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ ...task, id });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      worker.ref(); // keep the process alive while work is outstanding
      worker.postMessage(this.queue.shift());
    }
  }

  private finish(worker: Worker, result: HashTaskResult): void {
    worker.unref();
    this.idle.push(worker);
    const waiter = this.pending.get(result.id);
    this.pending.delete(result.id);
    if (result.error !== undefined) {
      waiter?.reject(new Error(result.error));
    } else {
      // Buffers arrive as plain Uint8Arrays after structured cloning.
      waiter?.resolve(result.blocks.map((b) => ({ ...b, hash: Buffer.from(b.hash.buffer, b.hash.byteOffset, b.hash.byteLength) })));
    }
    this.pump();
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}

let shared: { pool: HashPool; users: number; timer: NodeJS.Timeout | null } | null = null;
/** How long the shared pool outlives its last user: scans that follow each other reuse it. */
const SHARED_IDLE_MS = 60_000;

/**
 * A pool shared by every scan in the process. Starting a worker is not free (a V8 isolate; it
 * was ~1 s per worker while workers loaded tsx, before hash-worker.mjs), which a
 * pool per scan paid on every scan with a big file; idle workers are closed after a minute.
 */
export function acquireHashPool(workers: number): { pool: HashPool; release(): void } {
  const s = (shared ??= { pool: new HashPool({ workers, weakHash: false }), users: 0, timer: null });
  s.users++;
  if (s.timer) clearTimeout(s.timer);
  s.timer = null;
  let released = false;
  return {
    pool: s.pool,
    release() {
      if (released) return;
      released = true;
      if (--s.users > 0) return;
      s.timer = setTimeout(() => {
        if (shared !== s || s.users > 0) return;
        shared = null;
        void s.pool.close();
      }, SHARED_IDLE_MS);
      s.timer.unref();
    },
  };
}

/** Hashes many files on a temporary pool; results are in the order of `paths`. */
export async function hashFilesParallel(paths: string[], options: HashPoolOptions = {}): Promise<HashedFile[]> {
  const pool = new HashPool(options);
  try {
    return await Promise.all(paths.map((p) => pool.hashFile(p)));
  } finally {
    await pool.close();
  }
}
