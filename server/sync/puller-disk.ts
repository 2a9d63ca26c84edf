// Disk rules shared by everything that writes into a synced folder (pullFile, applyDirectory,
// applySymlink, applyDelete): which names may be touched, how parents are created, what
// "the disk still matches the index" means, and how a change is made durable.
import { constants as fsc, lstatSync, mkdirSync, type BigIntStats } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { PathEscapeError, assertNoSymlinkInParents, resolveInFolder, validateRemoteName } from "./names";

/** What the index believes is on disk for a name (null in the API means "nothing"). */
export interface ExpectedLocal {
  size: number;
  modifiedS: number;
  modifiedNs: number;
  /** Compared only when given. */
  inode?: number | null;
}

/** Something on disk differs from what the index says: the caller must rescan, never overwrite. */
export class LocalChangedError extends Error {
  constructor(
    readonly item: string,
    detail: string,
  ) {
    super(`${JSON.stringify(item)} changed locally since the last scan (${detail}); rescan before pulling`);
    this.name = "LocalChangedError";
  }
}

export type PullErrorReason =
  | "invalid-name" // the peer's name fails validateRemoteName
  | "unsafe-path" // resolves outside the folder or through a symlink / non-directory parent
  | "bad-file-info" // type, size, block list or symlink target not usable
  | "hash-mismatch" // a fetched block failed SHA-256 twice
  | "fetch-failed" // the BlockSource rejected twice
  | "in-the-way" // a directory (or other non-replaceable item) sits where the item goes
  | "conflict-exists"; // the conflict copy name is already taken

export class PullError extends Error {
  constructor(
    readonly reason: PullErrorReason,
    readonly item: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`pulling ${JSON.stringify(item)}: ${detail}`, options);
    this.name = "PullError";
  }
}

/**
 * Validates a peer's name and returns its absolute path, refusing any symlinked parent inside
 * the folder. Everything that writes goes through here first.
 */
export async function safeTarget(root: string, name: string): Promise<string> {
  const check = validateRemoteName(name);
  if (!check.ok) throw new PullError("invalid-name", name, check.reason);
  return safeLocal(root, name);
}

/** As safeTarget, for names we generated ourselves (temp and conflict names), which validateRemoteName rejects by design. */
export async function safeLocal(root: string, name: string): Promise<string> {
  try {
    const abs = resolveInFolder(root, name);
    await assertNoSymlinkInParents(root, name);
    return abs;
  } catch (err) {
    if (err instanceof PathEscapeError) throw new PullError("unsafe-path", name, err.message, { cause: err });
    throw err;
  }
}

/**
 * Creates the missing directories between the root and `name`'s parent, one component at a time
 * and never through a symlink: each component is lstat-ed after mkdir, so a symlink that
 * appears in a race is refused rather than followed.
 */
export async function makeParents(root: string, name: string, mode = 0o755): Promise<void> {
  const absRoot = path.resolve(root);
  const parts = name.split("/").slice(0, -1);
  let current = absRoot;
  for (const part of parts) {
    current = path.join(current, part);
    // Synchronous: metadata calls cost less than an async call's thread-pool round trip (time-slice.ts).
    let info = lstatSync(current, { throwIfNoEntry: false });
    if (!info) {
      try {
        mkdirSync(current, { mode });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      info = lstatSync(current);
    }
    if (!info.isDirectory()) {
      throw new PullError("unsafe-path", name, `${path.relative(absRoot, current)} is ${info.isSymbolicLink() ? "a symlink" : "not a directory"}`);
    }
  }
}

export async function lstatOrNull(abs: string): Promise<BigIntStats | null> {
  return lstatSync(abs, { bigint: true, throwIfNoEntry: false }) ?? null;
}

const NS = 1_000_000_000n;

export function splitMtime(st: BigIntStats): { modifiedS: number; modifiedNs: number } {
  const ns = st.mtimeNs;
  let s = ns / NS;
  let rest = ns % NS;
  if (rest < 0n) {
    s -= 1n;
    rest += NS;
  }
  return { modifiedS: Number(s), modifiedNs: Number(rest) };
}

/** The facts the index keeps about a local file, read without following symlinks. */
export interface DiskState {
  size: number;
  modifiedS: number;
  modifiedNs: number;
  inode: number;
}

export function diskState(st: BigIntStats): DiskState {
  return { size: Number(st.size), ...splitMtime(st), inode: Number(st.ino) };
}

/**
 * Why a regular file on disk is not the one the index describes, or null if it is. Like
 * Syncthing's scanIfItemChanged: size and mtime (within modTimeWindowS, default 0 as on Linux),
 * plus the inode when the index recorded one (a replace-by-rename keeps size and mtime).
 */
export function fileDiffers(st: BigIntStats, expected: ExpectedLocal, modTimeWindowS = 0): string | null {
  if (!st.isFile()) return "it is no longer a regular file";
  if (Number(st.size) !== expected.size) return `size ${st.size} ≠ ${expected.size}`;
  // Microsecond granularity: Node sets mtimes no finer (see records.ts sameMtime).
  const want = (BigInt(expected.modifiedS) * NS + BigInt(expected.modifiedNs)) / 1000n;
  const have = st.mtimeNs / 1000n;
  const diff = have > want ? have - want : want - have;
  if (diff > BigInt(Math.round(modTimeWindowS * 1e6))) return `mtime ${st.mtimeNs}ns ≠ ${want}µs`;
  if (expected.inode != null && Number(st.ino) !== expected.inode) return `inode ${st.ino} ≠ ${expected.inode}`;
  return null;
}

/** fsync a directory so a rename or unlink in it survives a crash. */
export async function syncDir(abs: string): Promise<void> {
  const fh = await open(abs, fsc.O_RDONLY | fsc.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Mode bits to apply, or null to leave the mode alone: Syncthing applies permissions & 0777
 * unless the folder ignores permissions or the peer sent no_permissions.
 */
export function wantedMode(permissions: number, noPermissions: boolean, ignorePerms: boolean | undefined): number | null {
  if (ignorePerms || noPermissions) return null;
  return permissions & 0o777;
}

/** A signal's reason as something throwable. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException("pull aborted", "AbortError");
}
