// Which local file loses a concurrent edit and what its copy is called (bep.md §7), and how many
// such copies of one file are kept (Syncthing's maxConflicts). The puller makes the copy.
import fs from "node:fs/promises";
import path from "node:path";
import type { NeedItem } from "./index-store";
import { conflictName, isConflictCopyOf, isConflictName } from "./names";
import { shortIdToString } from "./protocol/deviceid";
import { FileInfoType } from "./protocol/fileinfo";
import { compareVectors, counterFor, isConcurrent } from "./vectors";

/**
 * The conflict copy name when our file is a concurrent version that loses, or null.
 * 1.19 also treats an incoming version with a higher counter of our own ID as a conflict.
 * Receive-only folders too: the cluster's version wins, and the local change is kept as a copy
 * that stays local (it is scanned as a receive-only addition, never sent).
 */
export function conflictCopyFor(item: NeedItem, ownShortId: bigint, maxConflicts: number): string | null {
  const { local, global } = item;
  if (!local || local.deleted || local.type !== FileInfoType.File) return null;
  if (maxConflicts === 0 || isConflictName(item.name)) return null;
  const ord = compareVectors(local.version, global.version);
  const conflict = isConcurrent(ord) || counterFor(global.version, ownShortId) > counterFor(local.version, ownShortId);
  if (!conflict) return null;
  return conflictName(item.name, shortIdToString(global.modifiedBy), new Date());
}

/** Keeps at most `max` copies of a file (a negative max keeps all), deleting the oldest. */
export async function pruneConflictCopies(root: string, name: string, max: number): Promise<string[]> {
  if (max < 0) return [];
  const parent = path.dirname(name);
  const dir = path.join(root, parent);
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return [];
  }
  const base = path.basename(name);
  const copies = entries.filter((e) => isConflictCopyOf(e, base)).sort().reverse();
  const removed: string[] = [];
  for (const old of copies.slice(max)) {
    await fs.rm(path.join(dir, old), { force: true });
    removed.push(parent === "." ? old : path.posix.join(parent, old));
  }
  return removed;
}
