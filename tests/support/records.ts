import { FileInfoType } from "../../server/sync/protocol/fileinfo";
import type { FileRecord } from "../../server/sync/records";

/** A plain file's index record (10 bytes, one block, version {1: 1}); tests override what they look at. */
export function fileRecord(name: string, over: Partial<FileRecord> = {}): FileRecord {
  return {
    name,
    type: FileInfoType.File,
    size: 10,
    permissions: 0o644,
    modifiedS: 1_700_000_000,
    modifiedNs: 0,
    modifiedBy: 1n,
    deleted: false,
    invalid: false,
    noPermissions: false,
    version: [{ id: 1n, value: 1n }],
    sequence: 0,
    blockSize: 128 * 1024,
    blockHashes: Buffer.alloc(32, 1),
    symlinkTarget: "",
    localFlags: 0,
    inode: null,
    ...over,
  };
}
