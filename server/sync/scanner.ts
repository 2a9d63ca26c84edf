// Finds what changed on disk in a folder since the index last saw it, Syncthing 1.19 style
// (lib/scanner/walk.go for the walk and comparison, lib/model/folder.go for subpaths and the
// deletion pass). The scanner never touches the database: the caller passes index lookups in
// and receives batches of changes, which it versions and commits.
//
// Rules, with where they come from:
// - An item is unchanged, and never hashed, when the index holds it non-deleted and valid with
//   the same type and (unless ignorePerms) the same permission bits (mode & 0777), plus
//   files: same size, mtime (s and ns) and inode (when the index knows one);
//   symlinks: same target; directories: nothing else (Syncthing's FileInfo.isEquivalent
//   ignores a directory's mtime, which changes whenever a child does).
// - Symlinks are items with their target, size 0, permissions 0 and no mtime (1.19's
//   CreateFileInfo sets no_permissions and leaves modified_s unset; bep.md §5). Directories
//   have size 0 (1.19 sends 0; bep.md §5) and mode & 0777.
// - A changed file gets blockSizeFor(size), except that the indexed block size is kept when
//   the new one differs by at most a factor of two (walkRegular's hysteresis; bep.md §8).
// - An empty file has exactly one empty block, as hashFile gives it: peers close the
//   connection on a file without blocks (bep.md §8, §12.1).
// - Skipped: temp files (`.syncthing.*.tmp`, `~syncthing~*.tmp`), `.stfolder`, `.stignore`,
//   `.stversions` and anything below them (internal names are never synced, bep.md §11:
//   `.stignore` is local-only), and whatever the matcher ignores (an ignored directory is not
//   descended unless a `!` line could re-include something below it).
// - Names must be UTF-8 (1.19 errUTF8Invalid) and are made NFC: with autoNormalize (default,
//   like Syncthing) the item is renamed on disk, otherwise it is reported and skipped.
// - Deleted: a known, non-deleted name under the scanned scope that the walk did not see, that
//   is not ignored now, and that osutil.IsDeleted-style checks confirm gone (1.19's
//   scanSubdirsDeletedAndIgnored). A name that is ignored now is left alone.
import { sameMtime } from "./records";
import { availableParallelism } from "node:os";
import { lstatSync, readFileSync, type BigIntStats } from "node:fs";
import { lstat, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { blockSizeFor, hashBuffer, hashFile, type BlockInfo, type HashedFile } from "./blocks";
import { acquireHashPool, type HashPool } from "./hash-pool";
import type { IgnoreMatcher } from "./ignore";
import { FileInfoType } from "./protocol/fileinfo";
import { isDeletedOnDisk, isNotFound, walkTree, type WalkItemKind } from "./walk";

export interface KnownFile {
  name: string;
  type: number;
  size: number;
  permissions: number;
  modifiedS: number;
  modifiedNs: number;
  inode: number | null;
  deleted: boolean;
  symlinkTarget: string;
  blockSize: number;
  /** Concatenated 32-byte block hashes. */
  blockHashes: Buffer | null;
  /** Announced invalid (ignored, or a receive-only local change): never "unchanged". */
  invalid?: boolean;
}

export interface ScannedFile {
  /** Folder-relative, "/" separators, NFC. */
  name: string;
  /** FileInfoType.File | Directory | Symlink. */
  type: number;
  /** Bytes hashed for files; 0 for directories and symlinks. */
  size: number;
  /** mode & 0o777 for files and directories; 0 for symlinks (sent with no_permissions). */
  permissions: number;
  /** 0 for symlinks, as 1.19 sends them. */
  modifiedS: number;
  modifiedNs: number;
  inode: number;
  symlinkTarget: string;
  /** 0 for directories and symlinks. */
  blockSize: number;
  /** Files always have at least one block (an empty file has one empty block); others none. */
  blocks: BlockInfo[];
}

export type ScanChange =
  | { kind: "changed"; file: ScannedFile }
  | { kind: "deleted"; name: string; type: number }
  /**
   * The item exists but could not be scanned (bad name, unreadable, kept changing while being
   * hashed). It is not a deletion; the next scan tries again.
   */
  | { kind: "error"; name: string; reason: string };

export interface ScanProgress {
  filesHashed: number;
  bytesHashed: number;
  /** Bytes of the files found to need hashing so far (grows while the walk goes on). */
  bytesToHash: number;
  currentFile?: string;
}

export interface ScanOptions {
  root: string;
  matcher: IgnoreMatcher;
  known(name: string): KnownFile | undefined;
  /**
   * Non-deleted names the index holds at or below `prefix` ("" = all), for deletion detection.
   * Names outside the prefix's subtree (e.g. "ab" for prefix "a") are tolerated and skipped.
   */
  knownNames(prefix: string): Iterable<string>;
  /** Rescan only these (from the watcher); a vanished subpath means deleted entries below it. */
  subPaths?: string[];
  ignorePerms?: boolean;
  /** Rename non-NFC names to NFC on disk, as Syncthing's autoNormalize (default true). */
  autoNormalize?: boolean;
  signal?: AbortSignal;
  /** Changes per yielded batch (default 1000, Syncthing's batch). */
  batchSize?: number;
  /**
   * Worker threads for big files. Without one the scan leases the process's shared pool on the
   * first file of at least 1 MiB; smaller files are hashed in-process, where a 4 KiB file costs
   * less than a message to a worker.
   */
  hashPool?: HashPool;
  onProgress?(p: ScanProgress): void;
}

const DEFAULT_BATCH = 1000;
/** Files hashed at once: both cores busy, a bounded number of read buffers. */
const HASH_CONCURRENCY = 4;
const POOL_MIN_BYTES = 1024 * 1024;
/**
 * Files below this are read whole and hashed from memory: hashFile's two 4 MiB streaming
 * buffers per call cost far more than the hashing itself for a small file (measured: 163
 * files/s on 4 KiB files, GC-bound).
 */
const SMALL_FILE_BYTES = 1024 * 1024;
/** Files below this are read with one synchronous call (see time-slice.ts). */
const SYNC_READ_BYTES = 256 * 1024;
/** Names remembered as seen; beyond this the deletion pass lstat's every known name instead. */
const SEEN_LIMIT = 200_000;
const DELETE_CHECK_CONCURRENCY = 16;

const TYPE_OF: Record<Exclude<WalkItemKind, "other">, number> = {
  file: FileInfoType.File,
  directory: FileInfoType.Directory,
  symlink: FileInfoType.Symlink,
};

function mtimeOf(stat: BigIntStats): { s: number; ns: number } {
  // Go's Unix()/Nanosecond(): seconds floored, nanoseconds in [0, 1e9) even before 1970.
  let s = stat.mtimeNs / 1_000_000_000n;
  let ns = stat.mtimeNs % 1_000_000_000n;
  if (ns < 0n) {
    ns += 1_000_000_000n;
    s -= 1n;
  }
  return { s: Number(s), ns: Number(ns) };
}

const permsOf = (stat: BigIntStats) => Number(stat.mode) & 0o777;

/** walkRegular's hysteresis: keep the indexed block size if the new one is within a factor 2. */
export function chooseBlockSize(size: number, known: KnownFile | undefined): number {
  const wanted = blockSizeFor(size);
  if (!known || known.type !== FileInfoType.File || known.blockSize <= 0) return wanted;
  const current = known.blockSize;
  if (wanted > current && wanted / current <= 2) return current;
  if (current > wanted && current / wanted <= 2) return current;
  return wanted;
}

function isUnchanged(k: KnownFile | undefined, type: number, stat: BigIntStats, target: string, ignorePerms: boolean): boolean {
  if (!k || k.deleted || k.invalid || k.type !== type) return false;
  if (type === FileInfoType.Symlink) return k.symlinkTarget === target;
  if (!ignorePerms && (k.permissions & 0o777) !== permsOf(stat)) return false;
  if (type === FileInfoType.Directory) return true;
  const m = mtimeOf(stat);
  return k.size === Number(stat.size) && sameMtime(k.modifiedS, k.modifiedNs, m.s, m.ns) && (k.inode === null || k.inode === Number(stat.ino));
}

function describe(name: string, type: number, stat: BigIntStats, target = "", hashed?: HashedFile): ScannedFile {
  if (type === FileInfoType.Symlink) {
    return { name, type, size: 0, permissions: 0, modifiedS: 0, modifiedNs: 0, inode: Number(stat.ino), symlinkTarget: target, blockSize: 0, blocks: [] };
  }
  const m = mtimeOf(stat);
  return {
    name,
    type,
    size: hashed?.size ?? 0,
    permissions: permsOf(stat),
    modifiedS: m.s,
    modifiedNs: m.ns,
    inode: Number(stat.ino),
    symlinkTarget: "",
    blockSize: hashed?.blockSize ?? 0,
    blocks: hashed?.blocks ?? [],
  };
}

const sameStat = (a: BigIntStats, b: BigIntStats) => a.size === b.size && a.mtimeNs === b.mtimeNs && a.ino === b.ino && a.isFile() === b.isFile();

/** Syncthing's unifySubs: each subpath climbs to the nearest parent the index knows; nested ones fold into their parent. */
export function unifySubPaths(subPaths: string[], known: (name: string) => KnownFile | undefined): string[] {
  const subs = new Set<string>();
  for (const raw of subPaths) {
    let sub = path.posix.normalize(raw.replace(/\\/g, "/")).replace(/^\/+|\/+$/g, "");
    if (sub === "." || sub === "" || sub.startsWith("..")) return [""];
    // Climb to the first parent the index holds (not deleted), so new parents are scanned too.
    for (;;) {
      const parent = path.posix.dirname(sub);
      if (parent === "." || parent === "") break;
      const k = known(parent.normalize("NFC"));
      if (k && !k.deleted) break;
      sub = parent;
    }
    subs.add(sub);
  }
  const sorted = [...subs].sort();
  const out: string[] = [];
  for (const s of sorted) {
    if (out.some((p) => s === p || s.startsWith(p + "/"))) continue;
    out.push(s);
  }
  return out;
}

const inScope = (name: string, scope: string) => scope === "" || name === scope || name.startsWith(scope + "/");

/**
 * Scans the folder (or `subPaths`) and yields changes in batches. Unchanged items cost one
 * lstat and one index lookup; only new or changed files are read.
 */
export async function* scanFolder(opts: ScanOptions): AsyncGenerator<ScanChange[]> {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
  const ignorePerms = opts.ignorePerms ?? false;
  const { root, matcher, signal } = opts;
  const scopes = opts.subPaths && opts.subPaths.length > 0 ? unifySubPaths(opts.subPaths, opts.known) : [""];

  const out: ScanChange[] = [];
  const progress: ScanProgress = { filesHashed: 0, bytesHashed: 0, bytesToHash: 0 };
  const seen = new Set<string>();
  let seenOverflow = false;
  const markSeen = (name: string) => {
    if (seenOverflow) return;
    if (seen.size >= SEEN_LIMIT) {
      seenOverflow = true;
      seen.clear();
      return;
    }
    seen.add(name);
  };

  let pool = opts.hashPool;
  let lease: ReturnType<typeof acquireHashPool> | undefined;
  // No weak hash: the index keeps none and announces 0 (optional in 1.19, gone in 2.x), and
  // computing Adler-32 in JavaScript halves the hash rate.
  const hashOnce = async (abs: string, size: number, blockSize: number): Promise<HashedFile> => {
    if (size >= POOL_MIN_BYTES && blockSize === blockSizeFor(size)) {
      if (!pool) pool = (lease = acquireHashPool(Math.min(4, availableParallelism()))).pool;
      const hashed = await pool.hashFile(abs);
      if (signal?.aborted) throw signal.reason;
      return hashed;
    }
    if (size < SYNC_READ_BYTES) {
      // Small: read synchronously (time-slice.ts); the walk gives the loop its turns.
      const data = readFileSync(abs);
      return { size: data.length, blockSize, blocks: hashBuffer(data, { blockSize, weakHash: false }) };
    }
    if (size < SMALL_FILE_BYTES) {
      const data = await readFile(abs, { signal });
      // A file that grew past the threshold meanwhile is caught by the stat comparison.
      return { size: data.length, blockSize, blocks: hashBuffer(data, { blockSize, weakHash: false }) };
    }
    return hashFile(abs, { blockSize, signal, weakHash: false });
  };

  /** Hashes a changed file; retried once if it changes meanwhile, then reported. */
  const hashChanged = async (name: string, abs: string, first: BigIntStats, k: KnownFile | undefined): Promise<ScanChange | null> => {
    let baseline = first;
    for (let attempt = 0; attempt < 2; attempt++) {
      const size = Number(baseline.size);
      progress.currentFile = name;
      let hashed: HashedFile;
      let after: BigIntStats;
      try {
        hashed = await hashOnce(abs, size, chooseBlockSize(size, k));
        after = size < SYNC_READ_BYTES ? lstatSync(abs, { bigint: true }) : await lstat(abs, { bigint: true });
      } catch (err) {
        if (signal?.aborted) throw err;
        if (isNotFound(err)) {
          seen.delete(name); // gone meanwhile: let the deletion pass decide
          return null;
        }
        return { kind: "error", name, reason: `hashing: ${(err as Error).message}` };
      }
      progress.bytesHashed += hashed.size;
      if (sameStat(baseline, after) && hashed.size === size) {
        progress.filesHashed++;
        opts.onProgress?.({ ...progress });
        return { kind: "changed", file: describe(name, FileInfoType.File, after, "", hashed) };
      }
      if (!after.isFile()) break;
      baseline = after;
      progress.bytesToHash += Number(after.size);
    }
    return { kind: "error", name, reason: "file changed while being hashed (retried once); the next scan picks it up" };
  };

  const inflight = new Set<Promise<void>>();
  const startHash = async (name: string, abs: string, stat: BigIntStats, k: KnownFile | undefined) => {
    while (inflight.size >= HASH_CONCURRENCY) await Promise.race(inflight);
    progress.bytesToHash += Number(stat.size);
    const task: Promise<void> = hashChanged(name, abs, stat, k).then(
      (change) => {
        if (change) out.push(change);
      },
      (err: unknown) => {
        if (signal?.aborted) return; // surfaced by the walk loop
        out.push({ kind: "error", name, reason: `hashing: ${(err as Error).message}` });
      },
    );
    inflight.add(task);
    void task.finally(() => inflight.delete(task));
  };

  async function* flush(all: boolean): AsyncGenerator<ScanChange[]> {
    while (out.length >= batchSize || (all && out.length > 0)) {
      yield out.splice(0, batchSize);
      // Give I/O and timers a turn between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  try {
    for (const scope of scopes) {
      for await (const ev of walkTree(scope, { root, matcher, autoNormalize: opts.autoNormalize ?? true, signal })) {
        if (ev.kind === "error") {
          markSeen(ev.name);
          out.push({ kind: "error", name: ev.name, reason: ev.reason });
        } else {
          markSeen(ev.name);
          if (ev.itemKind === "other") continue; // sockets, fifos, devices: not synced, not deleted (1.19)
          const type = TYPE_OF[ev.itemKind];
          const k = opts.known(ev.name);
          if (type === FileInfoType.Symlink) {
            let target: string;
            try {
              target = await readlink(ev.abs);
            } catch (err) {
              if (!isNotFound(err)) out.push({ kind: "error", name: ev.name, reason: `reading link: ${(err as Error).message}` });
              else seen.delete(ev.name);
              continue;
            }
            if (!isUnchanged(k, type, ev.stat, target, ignorePerms)) out.push({ kind: "changed", file: describe(ev.name, type, ev.stat, target) });
          } else if (type === FileInfoType.Directory) {
            if (!isUnchanged(k, type, ev.stat, "", ignorePerms)) out.push({ kind: "changed", file: describe(ev.name, type, ev.stat) });
          } else if (!isUnchanged(k, type, ev.stat, "", ignorePerms)) {
            await startHash(ev.name, ev.abs, ev.stat, k);
          }
        }
        yield* flush(false);
      }
    }
    while (inflight.size > 0) await Promise.race(inflight);
    if (signal?.aborted) throw signal.reason;
    yield* flush(false);

    // Deletion pass: known names in scope that the walk did not see.
    const parentCache = new Map<string, boolean>();
    const checks = new Set<Promise<void>>();
    const check = async (name: string, k: KnownFile) => {
      try {
        if (await isDeletedOnDisk(root, name, parentCache)) out.push({ kind: "deleted", name, type: k.type });
      } catch (err) {
        out.push({ kind: "error", name, reason: `checking for deletion: ${(err as Error).message}` });
      }
    };
    for (const scope of scopes) {
      for (const name of opts.knownNames(scope.normalize("NFC"))) {
        if (!inScope(name, scope.normalize("NFC")) || (!seenOverflow && seen.has(name))) continue;
        if (signal?.aborted) throw signal.reason;
        if (matcher.match(name).ignored) continue; // ignored now: not ours to delete
        const k = opts.known(name);
        if (!k || k.deleted) continue;
        if (parentCache.size > 10_000) parentCache.clear();
        while (checks.size >= DELETE_CHECK_CONCURRENCY) await Promise.race(checks);
        const task: Promise<void> = check(name, k);
        checks.add(task);
        void task.finally(() => checks.delete(task));
        if (out.length >= batchSize) {
          while (checks.size > 0) await Promise.race(checks);
          yield* flush(false);
        }
      }
    }
    while (checks.size > 0) await Promise.race(checks);
    opts.onProgress?.({ ...progress, currentFile: undefined });
    yield* flush(true);
  } finally {
    // Let hashes still running settle before their pool goes away.
    await Promise.allSettled(inflight);
    lease?.release();
  }
}
