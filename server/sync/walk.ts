// Walks a folder the way Syncthing 1.19's lib/scanner/walk.go does: lexical order, lstat only
// (a symlink is an item, never a way down), internal and temp names skipped, ignored directories
// not descended unless a `!` pattern could re-include something below them, and names checked
// for UTF-8 and NFC before anything else sees them. It yields one item at a time, so memory stays
// bounded by one directory listing per level, whatever the size of the tree.
import type { BigIntStats } from "node:fs";
import { lstatSync } from "node:fs";
import { lstat, opendir, rename } from "node:fs/promises";
import path from "node:path";
import type { IgnoreMatcher } from "./ignore";
import { isInternalName, isTemporaryName } from "./names";
import { TimeSlicer } from "./time-slice";

export type WalkItemKind = "file" | "directory" | "symlink" | "other";

export type WalkEvent =
  | { kind: "item"; name: string; abs: string; itemKind: WalkItemKind; stat: BigIntStats }
  /** The item could not be taken in; it may still exist on disk (so it is not a deletion). */
  | { kind: "error"; name: string; reason: string };

export interface WalkOptions {
  root: string;
  matcher: IgnoreMatcher;
  /** Rename non-NFC names to NFC on disk (Syncthing's autoNormalize, default true). */
  autoNormalize: boolean;
  signal?: AbortSignal;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export const joinName = (dir: string, base: string) => (dir === "" ? base : `${dir}/${base}`);

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export function isNotFound(err: unknown): boolean {
  const code = errnoCode(err);
  return code === "ENOENT" || code === "ENOTDIR";
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException("scan aborted", "AbortError");
}

function kindOf(stat: BigIntStats): WalkItemKind {
  if (stat.isSymbolicLink()) return "symlink";
  if (stat.isDirectory()) return "directory";
  if (stat.isFile()) return "file";
  return "other";
}

/** Syncthing skips these before matching patterns: internal names are never even descended. */
function isSkippedName(name: string): boolean {
  return isTemporaryName(name) || isInternalName(name);
}

type Named = { ok: true; name: string; abs: string; stat: BigIntStats } | { ok: false; event: WalkEvent | null };

/**
 * Syncthing's normalizePath on Linux: NFC is enforced. With autoNormalize the item is renamed
 * to its NFC name unless something else already has that name ("UTF8 encoding conflict").
 */
async function normalizeName(name: string, abs: string, stat: BigIntStats, opts: WalkOptions): Promise<Named> {
  const nfc = name.normalize("NFC");
  if (nfc === name) return { ok: true, name, abs, stat };
  if (!opts.autoNormalize) return { ok: false, event: { kind: "error", name, reason: "item is not in the correct UTF8 normalization form (NFC)" } };
  const nfcAbs = path.join(opts.root, nfc);
  let other: BigIntStats | undefined;
  try {
    other = await lstat(nfcAbs, { bigint: true });
  } catch (err) {
    if (!isNotFound(err)) return { ok: false, event: { kind: "error", name, reason: `normalizing name: ${(err as Error).message}` } };
  }
  if (other) {
    // A second hard link under the NFC name is the same item (Syncthing's SameFile check).
    if (other.ino === stat.ino && other.dev === stat.dev) return { ok: true, name: nfc, abs: nfcAbs, stat: other };
    return { ok: false, event: { kind: "error", name, reason: "item has UTF8 encoding conflict with another item (an NFC twin exists)" } };
  }
  try {
    await rename(abs, nfcAbs);
    return { ok: true, name: nfc, abs: nfcAbs, stat: await lstat(nfcAbs, { bigint: true }) };
  } catch (err) {
    return { ok: false, event: { kind: "error", name, reason: `normalizing name to NFC: ${(err as Error).message}` } };
  }
}

/**
 * Yields every item at and below `start` ("" = the whole folder; the root itself is not an item).
 * A missing `start` yields nothing: the caller's deletion pass takes care of it.
 */
export async function* walkTree(start: string, opts: WalkOptions): AsyncGenerator<WalkEvent> {
  // Ignored directories we descended into (only when a `!` line might re-include something
  // below them). Syncthing reports them after all once a non-ignored item turns up inside, so
  // that item's parents exist in the index.
  const ignoredParents: { name: string; abs: string; stat: BigIntStats }[] = [];
  const slicer = new TimeSlicer();

  async function* emit(name: string, abs: string, stat: BigIntStats): AsyncGenerator<WalkEvent> {
    while (ignoredParents.length > 0 && !(name === ignoredParents[ignoredParents.length - 1].name || name.startsWith(ignoredParents[ignoredParents.length - 1].name + "/"))) {
      ignoredParents.pop();
    }
    for (const parent of ignoredParents.splice(0)) {
      yield { kind: "item", name: parent.name, abs: parent.abs, itemKind: "directory", stat: parent.stat };
    }
    yield { kind: "item", name, abs, itemKind: kindOf(stat), stat };
  }

  /** Handles one existing item (already stat'ed) and descends if it is a directory. */
  async function* visit(rawName: string, rawAbs: string, rawStat: BigIntStats): AsyncGenerator<WalkEvent> {
    throwIfAborted(opts.signal);
    if (isSkippedName(rawName)) return;
    if (opts.matcher.match(rawName).ignored) {
      if (!rawStat.isDirectory() || opts.matcher.skipIgnoredDirs) return;
      ignoredParents.push({ name: rawName, abs: rawAbs, stat: rawStat });
      yield* walkDir(rawName, rawAbs);
      const top = ignoredParents[ignoredParents.length - 1];
      if (top?.name === rawName) ignoredParents.pop();
      return;
    }
    const named = await normalizeName(rawName, rawAbs, rawStat, opts);
    if (!named.ok) {
      if (named.event) yield named.event;
      return;
    }
    const { name, abs, stat } = named;
    yield* emit(name, abs, stat);
    if (stat.isDirectory()) yield* walkDir(name, abs);
  }

  async function* walkDir(dirName: string, dirAbs: string): AsyncGenerator<WalkEvent> {
    const raw: Buffer[] = [];
    try {
      // Raw bytes, so names that are not UTF-8 can be told apart (Node's types only admit text encodings here).
      const dir = await opendir(dirAbs, { encoding: "buffer" as BufferEncoding, bufferSize: 256 });
      for await (const entry of dir) raw.push(entry.name as unknown as Buffer);
    } catch (err) {
      if (isNotFound(err)) return; // vanished under us: the deletion pass sees it
      yield { kind: "error", name: dirName || ".", reason: `reading directory: ${(err as Error).message}` };
      return;
    }
    // Go's filepath.Walk order: byte-wise sorted names.
    raw.sort(Buffer.compare);
    // Decode and filter names first (cheap), then lstat each item as it is handled.
    const items: { name: string; abs: string }[] = [];
    for (const bytes of raw) {
      let base: string;
      try {
        base = utf8.decode(bytes);
      } catch {
        // A Linux name may hold any bytes; Syncthing refuses those that are not UTF-8.
        yield { kind: "error", name: joinName(dirName, bytes.toString("utf8")), reason: "item is not in UTF8 encoding" };
        continue;
      }
      const name = joinName(dirName, base);
      // Temp and internal items are never looked at; ignored ones only need a stat when we
      // might descend into them.
      if (isSkippedName(name)) continue;
      if (opts.matcher.skipIgnoredDirs && opts.matcher.match(name).ignored) continue;
      items.push({ name, abs: path.join(dirAbs, base) });
    }
    raw.length = 0;
    for (let i = 0; i < items.length; i++) {
      throwIfAborted(opts.signal);
      await slicer.yieldIfDue();
      const item = items[i];
      items[i] = undefined as unknown as (typeof items)[number]; // let finished entries go
      let stat: BigIntStats;
      try {
        // Synchronous, as Syncthing's walker does it: see time-slice.ts for why.
        stat = lstatSync(item.abs, { bigint: true });
      } catch (err) {
        if (!isNotFound(err)) yield { kind: "error", name: item.name, reason: `lstat: ${(err as Error).message}` };
        continue;
      }
      yield* visit(item.name, item.abs, stat);
    }
  }

  if (start === "") {
    yield* walkDir("", opts.root);
    return;
  }
  let stat: BigIntStats;
  const abs = path.join(opts.root, start);
  try {
    stat = await lstat(abs, { bigint: true });
  } catch (err) {
    if (!isNotFound(err)) yield { kind: "error", name: start, reason: `lstat: ${(err as Error).message}` };
    return;
  }
  yield* visit(start, abs, stat);
}

/**
 * Syncthing's osutil.IsDeleted: gone if lstat says so, or if a parent on the way is no longer a
 * real directory (a symlink or a file now), since then the item is not in the folder any more.
 * `parentCache` remembers directory verdicts across calls (cleared by the caller as it likes).
 */
export async function isDeletedOnDisk(root: string, name: string, parentCache: Map<string, boolean>): Promise<boolean> {
  try {
    await lstat(path.join(root, name));
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
  let dir = path.posix.dirname(name);
  const chain: string[] = [];
  while (dir !== "." && dir !== "") {
    chain.unshift(dir);
    dir = path.posix.dirname(dir);
  }
  for (const d of chain) {
    let ok = parentCache.get(d);
    if (ok === undefined) {
      try {
        ok = (await lstat(path.join(root, d))).isDirectory();
      } catch (err) {
        if (!isNotFound(err)) throw err;
        ok = false;
      }
      parentCache.set(d, ok);
    }
    if (!ok) return true;
  }
  return false;
}
