/**
 * FileInfo, BlockInfo and version vectors (bep.md §5) — the bulk of every Index.
 * Field numbers and integer kinds follow bep.proto exactly; getting int64 vs uint64
 * wrong here would be invisible until a value crossed 2^31 or 2^63.
 */
import { ProtoReader, ProtoWriter, WireType } from "./protobuf";

export const FileInfoType = {
  File: 0,
  Directory: 1,
  /** Deprecated by Syncthing; still decoded. */
  SymlinkFile: 2,
  /** Deprecated by Syncthing; still decoded. */
  SymlinkDirectory: 3,
  Symlink: 4,
} as const;
export type FileInfoType = (typeof FileInfoType)[keyof typeof FileInfoType];

/** One entry of a version vector: a device ShortID and its counter, both uint64. */
export interface Counter {
  id: bigint;
  value: bigint;
}

/** Counters sorted by unsigned id (keeping them sorted is the model's job, not the codec's). */
export type Vector = Counter[];

export interface BlockInfo {
  offset: number;
  size: number;
  /** SHA-256 of the block; a view into the decoded message. */
  hash: Uint8Array;
  /** Adler-32, 1.x only; 0 means absent. */
  weakHash: number;
}

export interface FileInfo {
  name: string;
  /** A FileInfoType value; unknown future values are passed through. */
  type: number;
  size: number;
  permissions: number;
  modifiedS: number;
  modifiedNs: number;
  /** ShortID of the last modifier. */
  modifiedBy: bigint;
  deleted: boolean;
  invalid: boolean;
  noPermissions: boolean;
  version: Vector;
  sequence: number;
  /** 0 means the default 128 KiB. */
  blockSize: number;
  blocks: BlockInfo[];
  symlinkTarget: string;
  blocksHash: Uint8Array;
  /** Encrypted FileInfo for untrusted devices (opaque here). */
  encrypted: Uint8Array;
  /** 2.0.10+: blocks_hash of the version this edit was based on. */
  previousBlocksHash: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** A FileInfo with every field at its proto3 default, for building values in code and tests. */
export function emptyFileInfo(name = ""): FileInfo {
  return {
    name,
    type: FileInfoType.File,
    size: 0,
    permissions: 0,
    modifiedS: 0,
    modifiedNs: 0,
    modifiedBy: 0n,
    deleted: false,
    invalid: false,
    noPermissions: false,
    version: [],
    sequence: 0,
    blockSize: 0,
    blocks: [],
    symlinkTarget: "",
    blocksHash: EMPTY,
    encrypted: EMPTY,
    previousBlocksHash: EMPTY,
  };
}

export function writeVector(w: ProtoWriter, field: number, v: Vector): void {
  // An empty vector is an empty message, which proto3 omits entirely.
  if (v.length === 0) return;
  const m = w.beginMessage(field);
  for (const c of v) {
    const cm = w.beginMessage(1);
    w.uint64(1, c.id);
    w.uint64(2, c.value);
    w.endMessage(cm);
  }
  w.endMessage(m);
}

export function readVector(r: ProtoReader): Vector {
  const out: Vector = [];
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WireType.LengthDelimited, "Vector.counters");
      out.push(readCounter(r.message()));
    } else r.skip();
  }
  return out;
}

function readCounter(r: ProtoReader): Counter {
  const c: Counter = { id: 0n, value: 0n };
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.Varint, "Counter.id");
        c.id = r.uint64();
        break;
      case 2:
        r.expect(WireType.Varint, "Counter.value");
        c.value = r.uint64();
        break;
      default:
        r.skip();
    }
  }
  return c;
}

function writeBlock(w: ProtoWriter, b: BlockInfo): void {
  const m = w.beginMessage(16);
  w.int64(1, b.offset);
  w.int32(2, b.size);
  w.bytes(3, b.hash);
  w.uint32(4, b.weakHash);
  w.endMessage(m);
}

function readBlock(r: ProtoReader): BlockInfo {
  const b: BlockInfo = { offset: 0, size: 0, hash: EMPTY, weakHash: 0 };
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.Varint, "BlockInfo.offset");
        b.offset = r.int64("BlockInfo.offset");
        break;
      case 2:
        r.expect(WireType.Varint, "BlockInfo.size");
        b.size = r.int32();
        break;
      case 3:
        r.expect(WireType.LengthDelimited, "BlockInfo.hash");
        b.hash = r.bytes();
        break;
      case 4:
        r.expect(WireType.Varint, "BlockInfo.weak_hash");
        b.weakHash = r.uint32();
        break;
      default:
        r.skip();
    }
  }
  return b;
}

/** Writes `f` as a length-delimited FileInfo under `field`. Local-only fields never exist here, so they can't leak. */
export function writeFileInfo(w: ProtoWriter, field: number, f: FileInfo): void {
  const m = w.beginMessage(field);
  w.string(1, f.name);
  w.int32(2, f.type);
  w.int64(3, f.size);
  w.uint32(4, f.permissions);
  w.int64(5, f.modifiedS);
  w.bool(6, f.deleted);
  w.bool(7, f.invalid);
  w.bool(8, f.noPermissions);
  writeVector(w, 9, f.version);
  w.int64(10, f.sequence);
  w.int32(11, f.modifiedNs);
  w.uint64(12, f.modifiedBy);
  w.int32(13, f.blockSize);
  for (const b of f.blocks) writeBlock(w, b);
  w.string(17, f.symlinkTarget);
  w.bytes(18, f.blocksHash);
  w.bytes(19, f.encrypted);
  w.bytes(20, f.previousBlocksHash);
  w.endMessage(m);
}

export function readFileInfo(r: ProtoReader): FileInfo {
  const f = emptyFileInfo();
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.LengthDelimited, "FileInfo.name");
        f.name = r.string("FileInfo.name");
        break;
      case 2:
        r.expect(WireType.Varint, "FileInfo.type");
        f.type = r.int32();
        break;
      case 3:
        r.expect(WireType.Varint, "FileInfo.size");
        f.size = r.int64("FileInfo.size");
        break;
      case 4:
        r.expect(WireType.Varint, "FileInfo.permissions");
        f.permissions = r.uint32();
        break;
      case 5:
        r.expect(WireType.Varint, "FileInfo.modified_s");
        f.modifiedS = r.int64("FileInfo.modified_s");
        break;
      case 6:
        r.expect(WireType.Varint, "FileInfo.deleted");
        f.deleted = r.bool();
        break;
      case 7:
        r.expect(WireType.Varint, "FileInfo.invalid");
        f.invalid = r.bool();
        break;
      case 8:
        r.expect(WireType.Varint, "FileInfo.no_permissions");
        f.noPermissions = r.bool();
        break;
      case 9:
        r.expect(WireType.LengthDelimited, "FileInfo.version");
        // proto3 merges repeated occurrences of a message field; for a vector that means appending.
        f.version = f.version.concat(readVector(r.message()));
        break;
      case 10:
        r.expect(WireType.Varint, "FileInfo.sequence");
        f.sequence = r.int64("FileInfo.sequence");
        break;
      case 11:
        r.expect(WireType.Varint, "FileInfo.modified_ns");
        f.modifiedNs = r.int32();
        break;
      case 12:
        r.expect(WireType.Varint, "FileInfo.modified_by");
        f.modifiedBy = r.uint64();
        break;
      case 13:
        r.expect(WireType.Varint, "FileInfo.block_size");
        f.blockSize = r.int32();
        break;
      case 16:
        r.expect(WireType.LengthDelimited, "FileInfo.blocks");
        f.blocks.push(readBlock(r.message()));
        break;
      case 17:
        r.expect(WireType.LengthDelimited, "FileInfo.symlink_target");
        f.symlinkTarget = r.string("FileInfo.symlink_target");
        break;
      case 18:
        r.expect(WireType.LengthDelimited, "FileInfo.blocks_hash");
        f.blocksHash = r.bytes();
        break;
      case 19:
        r.expect(WireType.LengthDelimited, "FileInfo.encrypted");
        f.encrypted = r.bytes();
        break;
      case 20:
        r.expect(WireType.LengthDelimited, "FileInfo.previous_blocks_hash");
        f.previousBlocksHash = r.bytes();
        break;
      default:
        // 14 platform data and any future field: skipped (platform data is host-specific).
        r.skip();
    }
  }
  return f;
}
