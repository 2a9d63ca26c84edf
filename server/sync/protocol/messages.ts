/**
 * BEP message types and their protobuf codecs (bep.md §3, §5). Decoders return plain
 * objects with every proto3 default filled in; uint64 values are bigint, the rest
 * are numbers (int64 values outside the safe range are rejected, not rounded).
 * Byte fields (hashes, Response.data) are views into the input buffer.
 * Encoders take an optional writer so framing can supply one with header headroom.
 */
import { readFileInfo, readVector, writeFileInfo, writeVector, type FileInfo, type Vector } from "./fileinfo";
import { ProtoReader, ProtoWriter, WireType } from "./protobuf";

export {
  Compression,
  FolderType,
  decodeClusterConfig,
  encodeClusterConfig,
  type ClusterConfig,
  type Device,
  type Folder,
} from "./clusterconfig";

export const MessageType = {
  ClusterConfig: 0,
  Index: 1,
  IndexUpdate: 2,
  Request: 3,
  Response: 4,
  DownloadProgress: 5,
  Ping: 6,
  Close: 7,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const MessageCompression = { None: 0, LZ4: 1 } as const;
export type MessageCompression = (typeof MessageCompression)[keyof typeof MessageCompression];

export const ErrorCode = { NoError: 0, Generic: 1, NoSuchFile: 2, InvalidFile: 3 } as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const FileDownloadProgressUpdateType = { Append: 0, Forget: 1 } as const;

export interface Hello {
  deviceName: string;
  clientName: string;
  clientVersion: string;
  /** v1.25+: connections wanted; 0 or 1 keeps a 2.x peer on one connection. */
  numConnections: number;
  /** v1.25+: Unix nanoseconds. */
  timestamp: bigint;
}

export interface Header {
  /** A MessageType value, or an unknown future code. */
  type: number;
  /** A MessageCompression value, or an unknown code (which framing rejects). */
  compression: number;
}

/** Index and IndexUpdate share one shape. */
export interface Index {
  folder: string;
  files: FileInfo[];
  /** v1.28+: highest sequence in this batch (0 = not sent). */
  lastSequence: number;
  /** v1.28+, IndexUpdate only: last sequence of the previous batch (0 = not sent). */
  prevSequence: number;
}

export interface Request {
  id: number;
  folder: string;
  name: string;
  offset: number;
  size: number;
  hash: Uint8Array;
  fromTemporary: boolean;
  weakHash: number;
  blockNo: number;
}

export interface Response {
  id: number;
  /** A view into the received frame; copy it if it must outlive the frame buffer. */
  data: Uint8Array;
  /** An ErrorCode value. */
  code: number;
  /**
   * Set (not enumerable) by FrameReader when the data arrived spread over several socket chunks:
   * the data as views of those chunks, in order, so a block need not be copied into one buffer.
   * `data` then joins them on first use.
   */
  readonly dataParts?: readonly Uint8Array[];
}

export interface FileDownloadProgressUpdate {
  /** A FileDownloadProgressUpdateType value. */
  updateType: number;
  name: string;
  version: Vector;
  blockIndexes: number[];
  blockSize: number;
}

export interface DownloadProgress {
  folder: string;
  updates: FileDownloadProgressUpdate[];
}

export type Ping = Record<string, never>;

export interface Close {
  reason: string;
}

const EMPTY = new Uint8Array(0);

function reader(buf: Uint8Array): ProtoReader {
  return new ProtoReader(buf);
}

// ---------------------------------------------------------------- Hello

export function encodeHello(h: Hello, w = new ProtoWriter(64)): Uint8Array {
  w.string(1, h.deviceName);
  w.string(2, h.clientName);
  w.string(3, h.clientVersion);
  w.int32(4, h.numConnections);
  w.int64Big(5, h.timestamp);
  return w.finish();
}

export function decodeHello(buf: Uint8Array): Hello {
  const h: Hello = { deviceName: "", clientName: "", clientVersion: "", numConnections: 0, timestamp: 0n };
  const r = reader(buf);
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.LengthDelimited, "Hello.device_name");
        h.deviceName = r.string("Hello.device_name");
        break;
      case 2:
        r.expect(WireType.LengthDelimited, "Hello.client_name");
        h.clientName = r.string("Hello.client_name");
        break;
      case 3:
        r.expect(WireType.LengthDelimited, "Hello.client_version");
        h.clientVersion = r.string("Hello.client_version");
        break;
      case 4:
        r.expect(WireType.Varint, "Hello.num_connections");
        h.numConnections = r.int32();
        break;
      case 5:
        r.expect(WireType.Varint, "Hello.timestamp");
        h.timestamp = r.int64Big();
        break;
      default:
        r.skip();
    }
  }
  return h;
}

// ---------------------------------------------------------------- Header

export function encodeHeader(h: Header): Uint8Array {
  const w = new ProtoWriter(8);
  w.int32(1, h.type);
  w.int32(2, h.compression);
  return w.finish();
}

export function decodeHeader(buf: Uint8Array): Header {
  const h: Header = { type: 0, compression: 0 };
  const r = reader(buf);
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WireType.Varint, "Header.type");
      h.type = r.int32();
    } else if (r.field === 2) {
      r.expect(WireType.Varint, "Header.compression");
      h.compression = r.int32();
    } else r.skip();
  }
  return h;
}

// ---------------------------------------------------------------- Index / IndexUpdate

// Roughly 200 bytes per file plus 50 per block; a good first guess saves regrowth.
export function encodeIndex(idx: Index, w = new ProtoWriter(64 + idx.files.length * 256)): Uint8Array {
  w.string(1, idx.folder);
  for (const f of idx.files) writeFileInfo(w, 2, f);
  w.int64(3, idx.lastSequence);
  w.int64(4, idx.prevSequence);
  return w.finish();
}

export function decodeIndex(buf: Uint8Array): Index {
  const idx: Index = { folder: "", files: [], lastSequence: 0, prevSequence: 0 };
  const r = reader(buf);
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.LengthDelimited, "Index.folder");
        idx.folder = r.string("Index.folder");
        break;
      case 2:
        r.expect(WireType.LengthDelimited, "Index.files");
        idx.files.push(readFileInfo(r.message()));
        break;
      case 3:
        r.expect(WireType.Varint, "Index.last_sequence");
        idx.lastSequence = r.int64("Index.last_sequence");
        break;
      case 4:
        r.expect(WireType.Varint, "Index.prev_sequence");
        idx.prevSequence = r.int64("Index.prev_sequence");
        break;
      default:
        r.skip();
    }
  }
  return idx;
}

// ---------------------------------------------------------------- Request / Response

export function encodeRequest(q: Request, w = new ProtoWriter(64 + q.name.length * 3)): Uint8Array {
  w.int32(1, q.id);
  w.string(2, q.folder);
  w.string(3, q.name);
  w.int64(4, q.offset);
  w.int32(5, q.size);
  w.bytes(6, q.hash);
  w.bool(7, q.fromTemporary);
  w.uint32(8, q.weakHash);
  w.int32(9, q.blockNo);
  return w.finish();
}

export function decodeRequest(buf: Uint8Array): Request {
  const q: Request = { id: 0, folder: "", name: "", offset: 0, size: 0, hash: EMPTY, fromTemporary: false, weakHash: 0, blockNo: 0 };
  const r = reader(buf);
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.Varint, "Request.id");
        q.id = r.int32();
        break;
      case 2:
        r.expect(WireType.LengthDelimited, "Request.folder");
        q.folder = r.string("Request.folder");
        break;
      case 3:
        r.expect(WireType.LengthDelimited, "Request.name");
        q.name = r.string("Request.name");
        break;
      case 4:
        r.expect(WireType.Varint, "Request.offset");
        q.offset = r.int64("Request.offset");
        break;
      case 5:
        r.expect(WireType.Varint, "Request.size");
        q.size = r.int32();
        break;
      case 6:
        r.expect(WireType.LengthDelimited, "Request.hash");
        q.hash = r.bytes();
        break;
      case 7:
        r.expect(WireType.Varint, "Request.from_temporary");
        q.fromTemporary = r.bool();
        break;
      case 8:
        r.expect(WireType.Varint, "Request.weak_hash");
        q.weakHash = r.uint32();
        break;
      case 9:
        r.expect(WireType.Varint, "Request.block_no");
        q.blockNo = r.int32();
        break;
      default:
        r.skip();
    }
  }
  return q;
}

export function encodeResponse(s: Response, w = new ProtoWriter(s.data.length + 32)): Uint8Array {
  w.int32(1, s.id);
  w.bytes(2, s.data);
  w.int32(3, s.code);
  return w.finish();
}

export function decodeResponse(buf: Uint8Array): Response {
  const s: Response = { id: 0, data: EMPTY, code: 0 };
  const r = reader(buf);
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.Varint, "Response.id");
        s.id = r.int32();
        break;
      case 2:
        r.expect(WireType.LengthDelimited, "Response.data");
        s.data = r.bytes();
        break;
      case 3:
        r.expect(WireType.Varint, "Response.code");
        s.code = r.int32();
        break;
      default:
        r.skip();
    }
  }
  return s;
}

// ---------------------------------------------------------------- DownloadProgress

export function encodeDownloadProgress(p: DownloadProgress, w = new ProtoWriter(128)): Uint8Array {
  w.string(1, p.folder);
  for (const u of p.updates) {
    const m = w.beginMessage(2);
    w.int32(1, u.updateType);
    w.string(2, u.name);
    writeVector(w, 3, u.version);
    // Declared [packed=false] in bep.proto: one tag per index, zeros included.
    for (const i of u.blockIndexes) w.int32Always(4, i);
    w.int32(5, u.blockSize);
    w.endMessage(m);
  }
  return w.finish();
}

function readProgressUpdate(r: ProtoReader): FileDownloadProgressUpdate {
  const u: FileDownloadProgressUpdate = { updateType: 0, name: "", version: [], blockIndexes: [], blockSize: 0 };
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.Varint, "FileDownloadProgressUpdate.update_type");
        u.updateType = r.int32();
        break;
      case 2:
        r.expect(WireType.LengthDelimited, "FileDownloadProgressUpdate.name");
        u.name = r.string("FileDownloadProgressUpdate.name");
        break;
      case 3:
        r.expect(WireType.LengthDelimited, "FileDownloadProgressUpdate.version");
        u.version = u.version.concat(readVector(r.message()));
        break;
      case 4:
        r.repeatedInt32(u.blockIndexes, "FileDownloadProgressUpdate.block_indexes");
        break;
      case 5:
        r.expect(WireType.Varint, "FileDownloadProgressUpdate.block_size");
        u.blockSize = r.int32();
        break;
      default:
        r.skip();
    }
  }
  return u;
}

export function decodeDownloadProgress(buf: Uint8Array): DownloadProgress {
  const p: DownloadProgress = { folder: "", updates: [] };
  const r = reader(buf);
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WireType.LengthDelimited, "DownloadProgress.folder");
      p.folder = r.string("DownloadProgress.folder");
    } else if (r.field === 2) {
      r.expect(WireType.LengthDelimited, "DownloadProgress.updates");
      p.updates.push(readProgressUpdate(r.message()));
    } else r.skip();
  }
  return p;
}

// ---------------------------------------------------------------- Ping / Close

export function encodePing(_p: Ping = {}, w = new ProtoWriter(0)): Uint8Array {
  return w.finish();
}

export function decodePing(buf: Uint8Array): Ping {
  // Still walk it, so garbage in a Ping is caught like garbage anywhere else.
  const r = reader(buf);
  while (r.next()) r.skip();
  return {};
}

export function encodeClose(c: Close, w = new ProtoWriter(16 + c.reason.length * 3)): Uint8Array {
  w.string(1, c.reason);
  return w.finish();
}

export function decodeClose(buf: Uint8Array): Close {
  const c: Close = { reason: "" };
  const r = reader(buf);
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WireType.LengthDelimited, "Close.reason");
      c.reason = r.string("Close.reason");
    } else r.skip();
  }
  return c;
}
