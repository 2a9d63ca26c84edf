// Serving peers' block Requests without paying for a whole file open per block. A peer asks for
// a file block after block, so the file stays open between Requests (closed once unused for
// IDLE_MS, at most MAX_OPEN at a time), and its fstat is refreshed at most every STAT_MS.
//
// Syncthing checks each block it serves against the requested hash and rescans the file when it
// does not match (model.Request → recheckFile), using the cheap weak hash when it has one. Ferry
// announces no weak hashes, and a SHA-256 of every served block cost as much CPU as the scan of
// the data did (bench (a)). So the check is made when the open file no longer matches what the
// index recorded (size, mtime, inode: the scanner's own rule for "unchanged"); a file that matches
// is served as is. A change inside the STAT_MS window is still caught by the requester, which
// verifies every block it receives, and by the next stat here.
import type { BigIntStats } from "node:fs";
import { constants as fsc } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import { InvalidFileError, MAX_REQUEST_SIZE, NoSuchFileError } from "./block-reader";
import { assertNoSymlinkInParents, PathEscapeError, resolveInFolder } from "./names";
import { fileDiffers, type ExpectedLocal } from "./puller-disk";

const IDLE_MS = 3_000;
const STAT_MS = 1_000;
const MAX_OPEN = 64;

interface OpenFile {
  fh: FileHandle;
  st: BigIntStats;
  statAt: number;
  lastUsed: number;
  users: number;
}

export interface ServedBlock {
  data: Buffer;
  /** True when the data was checked against the requested hash (the file differed from the index). */
  verified: boolean;
  /** Hands the buffer back for reuse: call once the data has been sent (or will not be), then never touch `data` again. */
  release(): void;
}

/** Buffers kept for reuse, per size, at most this many bytes in all (16 MiB: a window of 128 KiB blocks). */
const POOL_BYTES = 16 * 1024 * 1024;

/**
 * Block buffers for reuse. Every served block used to be a fresh allocation, and allocating a
 * gigabyte of them set off a full garbage collection every ~30 MiB through V8's external memory
 * accounting (bench (a): 33 Mark-Compacts on the sender for 1 GiB). Blocks come in few sizes
 * (Syncthing's block sizes, plus a file's short last block, which is not kept).
 */
class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private pooled = 0;

  take(size: number): Buffer {
    const buf = this.free.get(size)?.pop();
    if (!buf) return Buffer.allocUnsafeSlow(size);
    this.pooled -= size;
    return buf;
  }

  give(buf: Buffer): void {
    // Only power-of-two sizes (the block sizes) are worth keeping.
    if (buf.length < 65_536 || (buf.length & (buf.length - 1)) !== 0 || this.pooled + buf.length > POOL_BYTES) return;
    let list = this.free.get(buf.length);
    if (!list) this.free.set(buf.length, (list = []));
    list.push(buf);
    this.pooled += buf.length;
  }

  clear(): void {
    this.free.clear();
    this.pooled = 0;
  }
}

export class BlockServer {
  private readonly files = new Map<string, Promise<OpenFile | null>>();
  private readonly pool = new BufferPool();
  private sweeper: NodeJS.Timeout | null = null;

  /**
   * `size` bytes at `offset` of the local file `name`, which the index describes as `expected`.
   * Throws NoSuchFileError (missing, short, not a regular file, behind a symlink, or changed so
   * that the data no longer has `hash`: hashMismatch set, rescan it) or InvalidFileError.
   */
  async read(root: string, name: string, offset: number, size: number, expected: ExpectedLocal, hash: Uint8Array): Promise<ServedBlock> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isInteger(size) || size < 0) throw new InvalidFileError(name, `bad range ${offset}+${size}`);
    if (size > MAX_REQUEST_SIZE) throw new InvalidFileError(name, `size ${size} exceeds ${MAX_REQUEST_SIZE}`);
    const key = `${root}\0${name}`;
    let file = await this.acquire(key, root, name);
    try {
      let differs = fileDiffers(file.st, expected);
      if (differs) {
        // Replaced since we opened it (a rename over it keeps our descriptor on the old inode)?
        this.release(file);
        await this.drop(key);
        file = await this.acquire(key, root, name);
        differs = fileDiffers(file.st, expected);
      }
      const data = this.pool.take(size);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.pool.give(data);
      };
      try {
        let done = 0;
        while (done < size) {
          const { bytesRead } = await file.fh.read(data, done, size - done, offset + done);
          if (bytesRead === 0) throw new NoSuchFileError(name, "shorter than the requested range");
          done += bytesRead;
        }
        if (!differs || hash.length !== 32) return { data, verified: false, release };
        if (!createHash("sha256").update(data).digest().equals(hash)) {
          throw new NoSuchFileError(name, "the data on disk does not match the requested hash", true);
        }
        return { data, verified: true, release };
      } catch (err) {
        release();
        throw err;
      }
    } finally {
      this.release(file);
    }
  }

  /** Closes every open file (the engine is stopping). */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.pool.clear();
    await Promise.all([...this.files.keys()].map((k) => this.drop(k)));
  }

  private async acquire(key: string, root: string, name: string): Promise<OpenFile> {
    let pending = this.files.get(key);
    if (!pending) {
      pending = this.openFile(root, name);
      this.files.set(key, pending);
      this.startSweeper();
    }
    const file = await pending;
    if (!file) {
      if (this.files.get(key) === pending) this.files.delete(key);
      throw new NoSuchFileError(name, "missing, not a regular file, or behind a symlink");
    }
    file.users++;
    file.lastUsed = Date.now();
    if (file.lastUsed - file.statAt > STAT_MS) {
      file.statAt = file.lastUsed;
      file.st = await file.fh.stat({ bigint: true });
    }
    return file;
  }

  private release(file: OpenFile): void {
    file.users--;
    file.lastUsed = Date.now();
  }

  private async openFile(root: string, name: string): Promise<OpenFile | null> {
    let fh: FileHandle;
    try {
      const abs = resolveInFolder(root, name);
      await assertNoSymlinkInParents(root, name);
      fh = await open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof PathEscapeError || code === "ENOENT" || code === "ELOOP" || code === "ENOTDIR" || code === "EISDIR") return null;
      throw err;
    }
    const st = await fh.stat({ bigint: true });
    if (!st.isFile()) {
      await fh.close();
      return null;
    }
    return { fh, st, statAt: Date.now(), lastUsed: Date.now(), users: 0 };
  }

  private async drop(key: string): Promise<void> {
    const pending = this.files.get(key);
    this.files.delete(key);
    const file = await pending?.catch(() => null);
    if (!file) return;
    // A request still reading keeps the descriptor until it is done; the sweeper is not needed for that.
    while (file.users > 0) await new Promise((r) => setTimeout(r, 5));
    await file.fh.close().catch(() => undefined);
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => void this.sweep(), IDLE_MS / 2);
    this.sweeper.unref();
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    const entries: [string, OpenFile][] = [];
    for (const [key, pending] of this.files) {
      const file = await pending.catch(() => null);
      if (file && this.files.get(key) === pending) entries.push([key, file]);
    }
    const idle = entries.filter(([, f]) => f.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    let over = entries.length - MAX_OPEN;
    for (const [key, f] of idle) {
      if (now - f.lastUsed > IDLE_MS || over-- > 0) await this.drop(key);
    }
    if (this.files.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}
