// What a scan's findings become in the index: a new version of ours, or — where the disk holds
// exactly what another device announced — that device's version, so no conflict is made of
// identical content.
import type { FolderConfig } from "./config";
import type { IndexStore } from "./index-store";
import { FileInfoType } from "./protocol/fileinfo";
import { LocalFlag, packBlocks, sameContent, type FileRecord } from "./records";
import { clusterOf } from "./receive-only";
import type { ScanChange } from "./scanner";
import { compareVectors, updateVector } from "./vectors";

export interface ScanRecordsInput {
  store: IndexStore;
  folderId: string;
  cfg: FolderConfig;
  shortId: bigint;
  /** Connected devices sharing the folder (receive-only merges with their versions). */
  activeDevices: Set<string>;
}

export interface ScanRecords {
  records: FileRecord[];
  /** Items the scanner could not read, with the reason (the folder's failed items). */
  errors: { name: string; reason: string }[];
}

/** Turns one batch of scanner findings into index records. */
export function recordsForScan(batch: ScanChange[], { store, folderId, cfg, shortId, activeDevices }: ScanRecordsInput): ScanRecords {
  const out: FileRecord[] = [];
  const errors: ScanRecords["errors"] = [];
  const receiveOnly = cfg.type === "receiveonly";
  // Devices whose announcements may stand for what is on disk; none (no query at all) while no
  // device we share with has announced anything, e.g. the first scan of a new folder.
  const announced = new Set(cfg.devices.filter((d) => store.hasEntriesFrom(folderId, d)));

  /**
   * The version to take instead of a new one of ours, if any:
   * - receive-only: 1.19 merges a "change" identical to the cluster's version back into it, unflagged;
   * - any type: a file on disk exactly as a device announced it (content, size, mtime,
   *   permissions) while our row is older or missing. It was pulled and the node stopped before
   *   the row was written (pulled-rows.ts), or it was seeded by copying.
   */
  const takeover = (rec: FileRecord, existing: FileRecord | undefined): FileRecord | null => {
    if (!announced.size && !receiveOnly) return null;
    const entries = store.candidates(folderId, rec.name);
    const same = (include: (d: string) => boolean) => {
      const g = clusterOf(entries, include);
      return g && sameContent(g, rec) ? g : null;
    };
    const taken = (g: FileRecord): FileRecord => ({ ...g, localFlags: 0, inode: rec.deleted ? null : rec.inode });
    const cluster = receiveOnly ? same((d) => activeDevices.has(d)) : null;
    if (cluster) return taken(cluster);
    const seen = announced.size ? same((d) => announced.has(d)) : null;
    if (!seen) return null;
    const ours = existing ? compareVectors(existing.version, seen.version) : "lesser";
    return ours === "equal" || ours === "greater" ? null : taken(seen);
  };

  for (const change of batch) {
    if (change.kind === "error") {
      errors.push({ name: change.name, reason: change.reason });
      continue;
    }
    const name = change.kind === "changed" ? change.file.name : change.name;
    const existing = store.getLocal(folderId, name);
    if (change.kind === "deleted") {
      if (!existing || existing.deleted) continue;
      const deleted = { ...existing, deleted: true };
      out.push(
        takeover(deleted, existing) ?? {
          ...deleted,
          size: 0,
          blockHashes: null,
          modifiedBy: shortId,
          version: updateVector(existing.version, shortId),
          localFlags: receiveOnly ? LocalFlag.ReceiveOnly : 0,
          inode: null,
        },
      );
      continue;
    }
    const f = change.file;
    const rec: FileRecord = {
      name: f.name,
      type: f.type,
      size: f.type === FileInfoType.File ? f.size : 0,
      permissions: f.permissions,
      modifiedS: f.modifiedS,
      modifiedNs: f.modifiedNs,
      modifiedBy: shortId,
      deleted: false,
      invalid: false,
      noPermissions: cfg.ignorePerms,
      version: existing?.version ?? [],
      sequence: 0,
      blockSize: f.blockSize,
      blockHashes: f.type === FileInfoType.File ? packBlocks(f.blocks) : null,
      symlinkTarget: f.symlinkTarget,
      localFlags: receiveOnly ? LocalFlag.ReceiveOnly : 0,
      inode: f.inode,
    };
    if (existing && !existing.deleted && sameContent(existing, rec) && existing.localFlags === rec.localFlags) {
      // Only the inode moved (a copy-and-rename by an editor): no new version, just remember it.
      if (existing.inode !== rec.inode) out.push({ ...existing, inode: rec.inode });
      continue;
    }
    out.push(takeover(rec, existing) ?? { ...rec, version: updateVector(existing?.version ?? [], shortId) });
  }
  return { records: out, errors };
}
