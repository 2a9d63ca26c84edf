/**
 * Receive-only folders (bep.md §10, Syncthing 1.19 folder_recvonly.go): local changes carry
 * LocalFlag.ReceiveOnly, go out invalid with an empty vector and are never pulled over. This file
 * lists them, reverts them, and turns them into ordinary changes when the folder stops being
 * receive-only.
 */
import type { FolderConfig } from "./config";
import { globalOf, type Candidate } from "./global";
import { LOCAL, type IndexStore } from "./index-store";
import { FileInfoType } from "./protocol/fileinfo";
import { applyDelete, LocalChangedError } from "./puller";
import { LocalFlag, sameContent, type FileRecord } from "./records";
import { updateVector } from "./vectors";

export interface LocalChange {
  name: string;
  type: "file" | "dir" | "symlink";
  /** added: the cluster has no such item; modified: ours differs; deleted: we removed the cluster's item. */
  action: "added" | "modified" | "deleted";
  size: number;
  modifiedS: number;
}

export interface RevertResult {
  /** Items whose cluster version will be pulled back (or already matched it). */
  reverted: string[];
  /** Local additions removed from disk. */
  deleted: string[];
  /** Items left as they are, with the reason (changed again meanwhile, a directory with ignored files). */
  failed: { name: string; reason: string }[];
}

const PAGE = 1000;

export const typeName = (t: number): LocalChange["type"] => (t === FileInfoType.File ? "file" : t === FileInfoType.Directory ? "dir" : "symlink");

/** Our rows with the receive-only flag, read page by page in sequence order. */
export function flaggedLocal(store: IndexStore, folderId: string): FileRecord[] {
  const out: FileRecord[] = [];
  let after = 0;
  for (;;) {
    const page = store.localSince(folderId, after, PAGE);
    if (!page.length) return out;
    for (const r of page) if (r.localFlags & LocalFlag.ReceiveOnly) out.push(r);
    after = page[page.length - 1].sequence;
  }
}

/** The cluster's version of a name: the best valid entry among the active peers, or null. */
export function clusterVersion(store: IndexStore, folderId: string, name: string, include: (device: string) => boolean): FileRecord | null {
  return clusterOf(store.candidates(folderId, name), include);
}

/** clusterVersion over a name's entries already read (one query serves several device sets). */
export function clusterOf(candidates: Candidate[], include: (device: string) => boolean): FileRecord | null {
  const g = globalOf(candidates.filter((c) => c.device !== LOCAL && include(c.device)));
  return g && !g.rec.invalid ? g.rec : null;
}

/** What differs locally from the cluster in a receive-only folder, by name. */
export function localChanges(store: IndexStore, folderId: string, include: (device: string) => boolean): LocalChange[] {
  const out: LocalChange[] = [];
  for (const r of flaggedLocal(store, folderId)) {
    const g = clusterVersion(store, folderId, r.name, include);
    const clusterHas = !!g && !g.deleted;
    // Something added here and removed again: nothing differs from the cluster.
    if (r.deleted && !clusterHas) continue;
    out.push({ name: r.name, type: typeName(r.type), action: r.deleted ? "deleted" : clusterHas ? "modified" : "added", size: r.deleted ? 0 : r.size, modifiedS: r.modifiedS });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Revert Local Changes, as 1.19 does it: local additions are deleted from disk; anything else gets
 * an empty version vector, which is older than every other version and concurrent with none, so
 * the next pull restores the cluster's state without conflict copies. Content that already equals
 * the cluster's simply takes the cluster's version.
 */
export async function revertLocalChanges(store: IndexStore, cfg: FolderConfig, include: (device: string) => boolean): Promise<RevertResult> {
  const result: RevertResult = { reverted: [], deleted: [], failed: [] };
  const records: FileRecord[] = [];
  const additions: { rec: FileRecord; g: FileRecord | null }[] = [];
  for (const r of flaggedLocal(store, cfg.id)) {
    const g = clusterVersion(store, cfg.id, r.name, include);
    if (!r.deleted && (!g || g.deleted)) {
      additions.push({ rec: r, g });
      continue;
    }
    if (g && !r.deleted && sameContent(g, r)) records.push({ ...g, localFlags: 0, inode: r.inode });
    else records.push({ ...r, localFlags: 0, version: [] });
    result.reverted.push(r.name);
  }
  // Files and links first, then directories deepest first, so each directory is empty in its turn.
  additions.sort((a, b) => Number(a.rec.type === FileInfoType.Directory) - Number(b.rec.type === FileInfoType.Directory) || b.rec.name.length - a.rec.name.length);
  for (const { rec, g } of additions) {
    try {
      const outcome = await applyDelete(cfg.path, rec.name, rec.type, { size: rec.size, modifiedS: rec.modifiedS, modifiedNs: rec.modifiedNs, inode: rec.inode });
      if (outcome === "kept-not-empty") {
        result.failed.push({ name: rec.name, reason: "directory not empty (it holds ignored files)" });
        continue;
      }
    } catch (err) {
      const reason = err instanceof LocalChangedError ? "changed again since the last scan; rescan and revert again" : (err as Error).message;
      result.failed.push({ name: rec.name, reason });
      continue;
    }
    // Our delete must be older than anything that resurfaces elsewhere: an empty vector, or the
    // cluster's own deletion when it has one.
    records.push(g ? { ...g, localFlags: 0, inode: null } : { ...rec, deleted: true, size: 0, blockHashes: null, localFlags: 0, version: [], inode: null });
    result.deleted.push(rec.name);
  }
  if (records.length) store.commitLocal(cfg.id, records);
  return result;
}

/**
 * The folder stopped being receive-only: its local changes become ordinary changes with a new
 * version, announced valid, without rescanning anything. Returns how many items changed.
 */
export function promoteLocalChanges(store: IndexStore, folderId: string, shortId: bigint): number {
  const records = flaggedLocal(store, folderId).map((r) => ({ ...r, localFlags: r.localFlags & ~LocalFlag.ReceiveOnly, modifiedBy: shortId, version: updateVector(r.version, shortId) }));
  if (records.length) store.commitLocal(folderId, records);
  return records.length;
}
