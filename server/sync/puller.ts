// The puller: the only code that writes into a synced folder (STYLE.md). The folder runner
// decides WHAT to pull and passes functions that get data; this file decides HOW bytes land on
// disk so that a hostile peer cannot write outside the folder, a crash never leaves a half
// file under the real name, and a local edit made since the last scan is never overwritten.
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { constants as fsc } from "node:fs";
import { link, open, rename, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { MAX_BLOCK_SIZE } from "./blocks";
import { resolveInFolder, tempName } from "./names";
import { FileInfoType, type BlockInfo, type FileInfo } from "./protocol/fileinfo";
import {
  LocalChangedError,
  PullError,
  abortReason,
  diskState,
  fileDiffers,
  lstatOrNull,
  makeParents,
  safeLocal,
  safeTarget,
  syncDir,
  wantedMode,
  type DiskState,
  type ExpectedLocal,
} from "./puller-disk";

export { LocalChangedError, PullError, type DiskState, type ExpectedLocal, type PullErrorReason } from "./puller-disk";
export { applyDelete, applyDirectory, applySymlink, type DeleteOutcome, type ApplyDeleteOptions } from "./puller-items";
export { readBlock, BlockReadError, NoSuchFileError, InvalidFileError, type ReadBlockOptions } from "./block-reader";

export interface BlockSource {
  /** A local copy of a block with this hash, if the index knows one (folder-relative name + offset); verify before use. */
  findLocal(hash: Uint8Array): Promise<{ name: string; offset: number } | null>;
  /**
   * Fetch a block from a peer that has the needed version; rejects on failure. The data may come
   * as pieces in order (views of the received socket chunks), which are hashed and written as such.
   */
  fetch(block: BlockInfo, signal: AbortSignal): Promise<Uint8Array | readonly Uint8Array[]>;
}

export interface PullFileInput {
  /** Absolute folder path. */
  root: string;
  /** The global version to materialize (type File, not deleted or invalid). */
  file: FileInfo;
  /**
   * What the index believes is on disk now (null = nothing). If the disk differs right before
   * the rename, LocalChangedError is thrown and nothing is replaced.
   */
  expectedLocal: ExpectedLocal | null;
  /** Folder-relative name the current file is moved to (atomically) before the new one takes its place. */
  conflictCopy?: string | null;
  ignorePerms?: boolean;
  source: BlockSource;
  /** Parallel block fetches; also the most blocks held in memory at once. Default 16. */
  concurrency?: number;
  /** Allowed mtime difference when comparing with expectedLocal (Syncthing's modTimeWindowS; 0 on Linux). */
  modTimeWindowS?: number;
  signal?: AbortSignal;
  onProgress?(doneBytes: number, totalBytes: number): void;
  /**
   * Takes the fsync of the file's directory after the rename. By default it is made at once. A
   * caller that writes pulled files to its index in batches collects the directories here and
   * fsyncs them before that write (as Syncthing's database updater does), so the index never
   * claims a rename a crash could undo. Not used when a conflict copy was made: that one is
   * recorded at once, so its directory is synced at once.
   */
  deferDirSync?(dir: string): void;
}

export interface PullResult {
  /** Bytes written from local data: other files (findLocal) or a repeat of a block already obtained for this file. */
  copiedBytes: number;
  /** Bytes obtained through BlockSource.fetch (verified). */
  fetchedBytes: number;
  /** Bytes already present and verified in a temp file left by an interrupted pull. */
  reusedFromTempBytes: number;
  /** The three add up to file.size. */
  inode: number;
  /**
   * The placed file as stat sees it. Node can only set mtimes to the microsecond, so
   * disk.modifiedNs may differ from file.modifiedNs below 1 µs: the index should keep this as
   * the on-disk mtime (what Syncthing's mtimefs records as "real" beside the "virtual" one).
   */
  disk: DiskState;
}

const DEFAULT_CONCURRENCY = 16;
const HASH_LENGTH = 32;

/** A block needed at one or more offsets (identical blocks are obtained once). */
interface BlockGroup {
  block: BlockInfo;
  hash: Buffer;
  size: number;
  offsets: number[];
}

/** A block's bytes as pieces in order (one piece when it was read or received in one buffer). */
type BlockBytes = readonly Uint8Array[];

function sha256(data: Uint8Array): Buffer {
  return sha256Parts([data]);
}

function bytesOf(parts: BlockBytes): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

function sha256Parts(parts: BlockBytes): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * The peer's block list must tile the file exactly: contiguous, each block 1 B … 16 MiB with a
 * 32-byte hash, summing to size. An empty file has no blocks or one empty block (bep.md §8).
 */
function checkFile(file: FileInfo): void {
  const fail = (detail: string) => new PullError("bad-file-info", file.name, detail);
  if (file.type !== FileInfoType.File) throw fail(`type ${file.type} is not a file`);
  if (file.deleted || file.invalid) throw fail("a deleted or invalid entry has no content to pull");
  if (!Number.isSafeInteger(file.size) || file.size < 0) throw fail(`size ${file.size} is not usable`);
  if (!Number.isSafeInteger(file.modifiedS) || !Number.isInteger(file.modifiedNs) || file.modifiedNs < 0 || file.modifiedNs >= 1e9) {
    throw fail(`mtime ${file.modifiedS}s ${file.modifiedNs}ns is not usable`);
  }
  if (file.size === 0) {
    const b = file.blocks;
    if (b.length === 0 || (b.length === 1 && b[0].size === 0 && b[0].offset === 0)) return;
    throw fail("an empty file must have no blocks or one empty block");
  }
  let offset = 0;
  for (const [i, b] of file.blocks.entries()) {
    if (b.offset !== offset) throw fail(`block ${i} starts at ${b.offset}, expected ${offset}`);
    if (!Number.isInteger(b.size) || b.size <= 0 || b.size > MAX_BLOCK_SIZE) throw fail(`block ${i} has size ${b.size}`);
    if (b.hash.length !== HASH_LENGTH) throw fail(`block ${i} has a ${b.hash.length}-byte hash`);
    offset += b.size;
  }
  if (offset !== file.size) throw fail(`blocks cover ${offset} bytes of ${file.size}`);
}

/** Writes the pieces with writev; a short write (rare: a full disk, a signal) continues where it stopped. */
async function writeAll(fh: FileHandle, data: BlockBytes, position: number): Promise<void> {
  const rest: Uint8Array[] = data.filter((p) => p.length > 0);
  let pos = position;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, pos);
    pos += bytesWritten;
    let skip = bytesWritten;
    while (rest.length > 0 && skip >= rest[0].length) skip -= rest.shift()!.length;
    if (skip > 0) rest[0] = rest[0].subarray(skip);
  }
}

async function readAll(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Indices of blocks the temp file already holds, each checked by hash at its own offset. */
async function verifiedTempBlocks(fh: FileHandle, tempSize: number, blocks: BlockInfo[], signal?: AbortSignal): Promise<Set<number>> {
  const have = new Set<number>();
  if (tempSize === 0) return have;
  const buf = Buffer.allocUnsafe(blocks.reduce((m, b) => Math.max(m, b.size), 1));
  for (const [i, b] of blocks.entries()) {
    if (signal?.aborted) throw abortReason(signal);
    if (b.size === 0 || b.offset + b.size > tempSize) continue;
    const n = await readAll(fh, buf, b.size, b.offset);
    if (n === b.size && sha256(buf.subarray(0, n)).equals(b.hash)) have.add(i);
  }
  return have;
}

/** A local copy of the block, read without following symlinks and checked by hash; null if unusable. */
async function readLocalCopy(root: string, where: { name: string; offset: number }, group: BlockGroup, buf: Buffer): Promise<Buffer | null> {
  if (!Number.isSafeInteger(where.offset) || where.offset < 0) return null;
  let fh: FileHandle | null = null;
  try {
    const abs = await safeLocal(root, where.name);
    fh = await open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW);
    const n = await readAll(fh, buf, group.size, where.offset);
    const data = buf.subarray(0, n);
    return n === group.size && sha256(data).equals(group.hash) ? data : null;
  } catch {
    return null; // gone, changed, or unsafe: fetch instead
  } finally {
    await fh?.close();
  }
}

/** Fetches and verifies a block; a bad or failed block is asked for once more. */
async function fetchVerified(source: BlockSource, group: BlockGroup, signal: AbortSignal, name: string): Promise<BlockBytes> {
  let last: PullError | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (signal.aborted) throw abortReason(signal);
    let data: BlockBytes;
    try {
      const got = await source.fetch(group.block, signal);
      data = got instanceof Uint8Array ? [got] : got;
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      last = new PullError("fetch-failed", name, `block at ${group.block.offset}: ${(err as Error)?.message ?? err}`, { cause: err });
      continue;
    }
    if (bytesOf(data) === group.size && sha256Parts(data).equals(group.hash)) return data;
    last = new PullError("hash-mismatch", name, `block at ${group.block.offset} (${group.size} B) failed SHA-256 verification twice`);
  }
  throw last!;
}

/** Syncthing's temp file, opened without following a symlink there; anything odd at that name is removed first. */
async function openTemp(name: string, tempAbs: string, createMode: number): Promise<{ fh: FileHandle; size: number }> {
  const existing = await lstatOrNull(tempAbs);
  if (existing?.isDirectory()) throw new PullError("in-the-way", name, `a directory occupies the temp name ${path.basename(tempAbs)}`);
  if (existing && !existing.isFile()) await unlink(tempAbs);
  const size = existing?.isFile() ? Number(existing.size) : 0;
  const fh = await open(tempAbs, fsc.O_RDWR | fsc.O_CREAT | fsc.O_NOFOLLOW, createMode);
  return { fh, size };
}

/**
 * Moves the current file aside under the conflict name. A hard link first, so the real name is
 * never missing: the rename that follows replaces it atomically. Falls back to a rename where
 * hard links are unsupported. An existing conflict copy is never overwritten.
 */
async function keepConflictCopy(root: string, name: string, target: string, conflictCopy: string): Promise<{ abs: string; linked: boolean }> {
  const conflictAbs = await safeTarget(root, conflictCopy);
  await makeParents(root, conflictCopy);
  try {
    await link(target, conflictAbs);
    return { abs: conflictAbs, linked: true };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new PullError("conflict-exists", name, `conflict copy ${conflictCopy} already exists`);
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV" && code !== "EMLINK") throw err;
  }
  if (await lstatOrNull(conflictAbs)) throw new PullError("conflict-exists", name, `conflict copy ${conflictCopy} already exists`);
  await rename(target, conflictAbs);
  return { abs: conflictAbs, linked: false };
}

/**
 * Materializes `input.file` at its name: verified blocks reused from an interrupted temp file,
 * then copied from local files, then fetched; fsync; permissions and mtime; a last check that
 * the disk still matches expectedLocal; conflict copy; atomic rename; directory fsync.
 */
export async function pullFile(input: PullFileInput): Promise<PullResult> {
  const { root, file, source, signal } = input;
  if (signal?.aborted) throw abortReason(signal);
  checkFile(file);
  const name = file.name;
  const concurrency = Math.max(1, Math.floor(input.concurrency ?? DEFAULT_CONCURRENCY));
  const target = await safeTarget(root, name);
  await makeParents(root, name);
  const tempAbs = resolveInFolder(root, tempName(name));

  const mode = wantedMode(file.permissions, file.noPermissions, input.ignorePerms);
  // While downloading the owner must be able to reopen the temp file for reuse.
  const { fh, size: tempSize } = await openTemp(name, tempAbs, mode === null ? 0o666 : mode | 0o600);
  let closed = false;
  const result = { copiedBytes: 0, fetchedBytes: 0, reusedFromTempBytes: 0 };
  let done = 0;
  const progress = (bytes: number) => {
    done += bytes;
    input.onProgress?.(done, file.size);
  };

  try {
    const blocks = file.blocks.filter((b) => b.size > 0);
    const have = await verifiedTempBlocks(fh, tempSize, blocks, signal);
    if (have.size === 0 && tempSize > 0) await fh.truncate(0);
    await fh.truncate(file.size); // sparse until written, as Syncthing does unless disableSparseFiles
    for (const i of have) result.reusedFromTempBytes += blocks[i].size;
    if (result.reusedFromTempBytes > 0) progress(result.reusedFromTempBytes);

    const byHash = new Map<string, BlockGroup>();
    for (const [i, b] of blocks.entries()) {
      if (have.has(i)) continue;
      const hash = Buffer.from(b.hash);
      const key = `${hash.toString("hex")}:${b.size}`;
      const group = byHash.get(key);
      if (group) group.offsets.push(b.offset);
      else byHash.set(key, { block: b, hash, size: b.size, offsets: [b.offset] });
    }
    await fillBlocks(fh, [...byHash.values()], { root, name, source, signal, concurrency, result, progress });

    if (mode !== null) await fh.chmod(mode);
    else {
      // Permissions ignored: a replaced file keeps its mode; a new one keeps 0666 minus umask.
      const current = await lstatOrNull(target);
      if (current?.isFile()) await fh.chmod(Number(current.mode) & 0o777);
    }
    // libuv keeps microseconds; + 0.5 µs makes its truncation land on the intended microsecond.
    const mtime = file.modifiedS + (Math.floor(file.modifiedNs / 1000) + 0.5) / 1e6;
    await fh.utimes(mtime, mtime);
    await fh.sync();
    const st = await fh.stat({ bigint: true });
    closed = true;
    await fh.close();

    // Last look before replacing anything: parents (a symlink may have been pulled meanwhile)
    // and the item itself, which a local edit may have changed since the index saw it.
    await safeTarget(root, name);
    const current = await lstatOrNull(target);
    if (current) {
      if (!input.expectedLocal) throw new LocalChangedError(name, "an item exists that the index does not know");
      const why = fileDiffers(current, input.expectedLocal, input.modTimeWindowS);
      if (why) throw new LocalChangedError(name, why);
    }
    // If the index expected a file that is gone, nothing can be lost: Syncthing also just renames.
    const conflict = current && input.conflictCopy ? await keepConflictCopy(root, name, target, input.conflictCopy) : null;
    try {
      await rename(tempAbs, target);
    } catch (err) {
      // The old file is still in place under its name: drop the extra link so a retry starts clean.
      if (conflict?.linked) await unlink(conflict.abs).catch(() => undefined);
      throw err;
    }
    const conflictDir = conflict ? path.dirname(conflict.abs) : null;
    if (input.deferDirSync && !conflict) input.deferDirSync(path.dirname(target));
    else await syncDir(path.dirname(target));
    if (conflictDir && conflictDir !== path.dirname(target)) await syncDir(conflictDir);
    return { ...result, inode: Number(st.ino), disk: diskState(st) };
  } finally {
    // On failure the temp file stays: its verified blocks are reused by the next attempt.
    if (!closed) await fh.close();
  }
}

interface FillContext {
  root: string;
  name: string;
  source: BlockSource;
  signal?: AbortSignal;
  concurrency: number;
  result: { copiedBytes: number; fetchedBytes: number };
  progress(bytes: number): void;
}

/**
 * Obtains every group with at most `concurrency` in flight, completing out of order; each
 * worker holds one block at a time, so memory is flat whatever the file size. The first
 * failure stops the others, and all in-flight writes finish before this returns.
 */
async function fillBlocks(fh: FileHandle, groups: BlockGroup[], ctx: FillContext): Promise<void> {
  if (groups.length === 0) return;
  const inner = new AbortController();
  // Every block in flight listens on it (one listener per outstanding Request).
  setMaxListeners(ctx.concurrency + 8, inner.signal);
  const outer = ctx.signal;
  const onAbort = () => inner.abort(outer!.reason);
  outer?.addEventListener("abort", onAbort, { once: true });
  let failure: unknown = null;
  let next = 0;
  const maxSize = groups.reduce((m, g) => Math.max(m, g.size), 1);

  const worker = async () => {
    let localBuf: Buffer | null = null;
    while (failure === null && !inner.signal.aborted && next < groups.length) {
      const group = groups[next++];
      try {
        let data: BlockBytes | null = null;
        const where = await ctx.source.findLocal(group.hash).catch(() => null);
        if (where) {
          localBuf ??= Buffer.allocUnsafe(maxSize);
          const copy = await readLocalCopy(ctx.root, where, group, localBuf);
          if (copy) {
            data = [copy];
            ctx.result.copiedBytes += group.size;
          }
        }
        if (!data) {
          data = await fetchVerified(ctx.source, group, inner.signal, ctx.name);
          ctx.result.fetchedBytes += group.size;
        }
        for (const [k, offset] of group.offsets.entries()) {
          await writeAll(fh, data, offset);
          if (k > 0) ctx.result.copiedBytes += group.size;
          ctx.progress(group.size);
        }
      } catch (err) {
        if (failure === null) failure = err;
        inner.abort(err);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(ctx.concurrency, groups.length) }, worker));
  } finally {
    outer?.removeEventListener("abort", onAbort);
  }
  if (failure !== null) throw failure;
  if (outer?.aborted) throw abortReason(outer);
}
