/**
 * Send-only folders (bep.md §10, Syncthing 1.19 folder_sendonly.go): nothing remote is ever applied
 * to disk. What the cluster has that differs from ours is "out of sync" until Override Changes makes
 * our state the global one everywhere.
 */
import type { IndexStore, NeedItem } from "./index-store";
import { sameContent, type FileRecord } from "./records";
import { typeName } from "./receive-only";
import { mergeVectors, updateVector } from "./vectors";
import { DeviceId } from "./protocol/deviceid";

export interface OutOfSyncItem {
  name: string;
  type: "file" | "dir" | "symlink";
  /** What applying the cluster's version would do here. */
  action: "add" | "modify" | "delete";
  size: number;
  modifiedS: number;
  /** The device that made the change (its short ID is the version's modifier), else the one holding it. */
  device: string;
}

const isInvalid = (r: FileRecord) => r.invalid || r.localFlags !== 0;

export function outOfSync(need: NeedItem[]): OutOfSyncItem[] {
  return need.map((i) => ({
    name: i.name,
    type: typeName(i.global.type),
    action: i.global.deleted ? "delete" : i.local && !i.local.deleted ? "modify" : "add",
    size: i.global.deleted ? 0 : i.global.size,
    modifiedS: i.global.modifiedS,
    device: i.availability.find((d) => DeviceId.parse(d).shortId() === i.global.modifiedBy) ?? i.globalDevice,
  }));
}

/**
 * The send-only "pull": a remote version whose content equals ours is adopted silently by merging
 * the vectors, so an identical edit made elsewhere does not show as out of sync. Returns the count.
 */
export function mergeEquivalent(store: IndexStore, folderId: string, need: NeedItem[]): number {
  const records: FileRecord[] = [];
  for (const { local, global } of need) {
    if (!local || isInvalid(local) || local.deleted || global.deleted || !sameContent(local, global)) continue;
    records.push({ ...local, version: mergeVectors(local.version, global.version) });
  }
  if (records.length) store.commitLocal(folderId, records);
  return records.length;
}

/**
 * Override Changes: for every item where the global differs from ours, our state wins. An item we
 * have gets `merge(ours, global)` bumped by us, which is newer than every version in the cluster;
 * one we lack becomes a deletion with the global's vector bumped. Items we hold as invalid
 * (ignored, unsupported) are left alone, as 1.19 does.
 */
export function overrideChanges(store: IndexStore, folderId: string, shortId: bigint, need: NeedItem[]): FileRecord[] {
  const records: FileRecord[] = [];
  const nowS = Math.floor(Date.now() / 1000);
  for (const { local, global } of need) {
    if (local && isInvalid(local)) continue;
    if (local) {
      records.push({ ...local, version: updateVector(mergeVectors(local.version, global.version), shortId) });
      continue;
    }
    records.push({
      ...global,
      deleted: true,
      size: 0,
      blockHashes: null,
      modifiedS: nowS,
      modifiedNs: 0,
      modifiedBy: shortId,
      version: updateVector(global.version, shortId),
      localFlags: 0,
      invalid: false,
      inode: null,
    });
  }
  return records.length ? store.commitLocal(folderId, records) : [];
}
