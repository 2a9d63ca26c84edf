import { createHash } from "node:crypto";
import { effectiveBlockSize } from "./blocks";
import { emptyFileInfo, FileInfoType, type BlockInfo, type FileInfo, type Vector } from "./protocol/fileinfo";

/** A file entry as the index stores it: a FileInfo with blocks packed as concatenated hashes. */
export interface FileRecord {
  name: string;
  type: number;
  size: number;
  permissions: number;
  modifiedS: number;
  modifiedNs: number;
  modifiedBy: bigint;
  deleted: boolean;
  invalid: boolean;
  noPermissions: boolean;
  version: Vector;
  sequence: number;
  blockSize: number;
  /** 32 bytes per block; null for directories, symlinks and deleted entries. */
  blockHashes: Buffer | null;
  symlinkTarget: string;
  /** Local rows only: Syncthing's FlagLocal* bits. */
  localFlags: number;
  inode: number | null;
}

/** Syncthing's local flags (lib/protocol): why a local entry is not announced as valid. */
export const LocalFlag = {
  Unsupported: 1 << 0,
  Ignored: 1 << 1,
  MustRescan: 1 << 2,
  ReceiveOnly: 1 << 3,
} as const;

export const EMPTY_BLOCK_HASH = createHash("sha256").digest();

export function blockCount(rec: Pick<FileRecord, "blockHashes">): number {
  return rec.blockHashes ? rec.blockHashes.length / 32 : 0;
}

/** Offsets and sizes follow from the size and block size: every block is full but the last. */
export function blocksOf(rec: Pick<FileRecord, "blockHashes" | "blockSize" | "size">): BlockInfo[] {
  const n = blockCount(rec);
  const bs = effectiveBlockSize(rec.blockSize);
  const out: BlockInfo[] = [];
  for (let i = 0; i < n; i++) {
    const offset = i * bs;
    out.push({ offset, size: Math.max(0, Math.min(bs, rec.size - offset)), hash: rec.blockHashes!.subarray(i * 32, i * 32 + 32), weakHash: 0 });
  }
  return out;
}

export function packBlocks(blocks: { hash: Uint8Array }[]): Buffer {
  const buf = Buffer.allocUnsafe(blocks.length * 32);
  blocks.forEach((b, i) => buf.set(b.hash, i * 32));
  return buf;
}

export function recordFromFileInfo(f: FileInfo): FileRecord {
  const isFile = f.type === FileInfoType.File && !f.deleted;
  return {
    name: f.name,
    type: f.type,
    size: f.size,
    permissions: f.permissions,
    modifiedS: f.modifiedS,
    modifiedNs: f.modifiedNs,
    modifiedBy: f.modifiedBy,
    deleted: f.deleted,
    invalid: f.invalid,
    noPermissions: f.noPermissions,
    version: f.version,
    sequence: f.sequence,
    blockSize: f.blockSize,
    blockHashes: isFile ? packBlocks(f.blocks) : null,
    symlinkTarget: f.symlinkTarget,
    localFlags: 0,
    inode: null,
  };
}

/**
 * The wire form. A local entry with local flags goes out as invalid (bep.md §10: receive-only
 * changes and ignored files are announced but never pulled). An empty file has one empty block.
 */
export function fileInfoFromRecord(r: FileRecord): FileInfo {
  const f = emptyFileInfo(r.name);
  f.type = r.type;
  f.size = r.size;
  f.permissions = r.permissions;
  f.modifiedS = r.modifiedS;
  f.modifiedNs = r.modifiedNs;
  f.modifiedBy = r.modifiedBy;
  f.deleted = r.deleted;
  f.invalid = r.invalid || r.localFlags !== 0;
  f.noPermissions = r.noPermissions;
  // A receive-only change goes out with an empty vector so it can never become anyone's global
  // version, not even after the flag is lost (1.19 prepareFileInfoForIndex).
  f.version = r.localFlags & LocalFlag.ReceiveOnly ? [] : r.version;
  f.sequence = r.sequence;
  f.symlinkTarget = r.symlinkTarget;
  if (r.type === FileInfoType.File && !r.deleted) {
    f.blockSize = r.blockSize;
    f.blocks = r.size === 0 && blockCount(r) === 0 ? [{ offset: 0, size: 0, hash: EMPTY_BLOCK_HASH, weakHash: 0 }] : blocksOf(r);
  }
  return f;
}

/**
 * Equal modification times, to the microsecond: Node can set mtimes only that precisely (the puller
 * aims at the middle of the microsecond), so the nanoseconds a peer sent survive in the index but
 * not on disk. Comparing finer would make every pulled file look changed on the next scan.
 */
export function sameMtime(aS: number, aNs: number, bS: number, bNs: number): boolean {
  return aS === bS && Math.floor(aNs / 1000) === Math.floor(bNs / 1000);
}

/** Same content on disk? (used to decide whether a change needs a new version). */
export function sameContent(a: FileRecord, b: FileRecord): boolean {
  if (a.type !== b.type || a.deleted !== b.deleted) return false;
  if (a.deleted) return true;
  if (a.type === FileInfoType.Symlink) return a.symlinkTarget === b.symlinkTarget;
  if (a.type === FileInfoType.Directory) return a.permissions === b.permissions;
  return a.size === b.size && a.permissions === b.permissions && sameMtime(a.modifiedS, a.modifiedNs, b.modifiedS, b.modifiedNs) && Buffer.compare(a.blockHashes ?? EMPTY, b.blockHashes ?? EMPTY) === 0;
}
const EMPTY = Buffer.alloc(0);
