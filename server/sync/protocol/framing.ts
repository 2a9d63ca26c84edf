/**
 * BEP framing (bep.md §3, §4): the Hello frame, the post-Hello message frame with
 * optional LZ4, and a streaming FrameReader that turns socket chunks into messages.
 */
import { checkFilename, checkIndex } from "./consistency";
import { ProtocolError } from "./errors";
import { lz4CompressBlock, lz4DecompressBlock } from "./lz4";
import {
  decodeClose,
  decodeClusterConfig,
  decodeDownloadProgress,
  decodeHeader,
  decodeHello,
  decodeIndex,
  decodePing,
  decodeRequest,
  decodeResponse,
  encodeClose,
  encodeClusterConfig,
  encodeDownloadProgress,
  encodeHeader,
  encodeHello,
  encodeIndex,
  encodePing,
  encodeRequest,
  encodeResponse,
  MessageCompression,
  MessageType,
  type ClusterConfig,
  type Close,
  type DownloadProgress,
  type Hello,
  type Index,
  type Ping,
  type Request,
  type Response,
} from "./messages";
import { ProtoWriter } from "./protobuf";
import { uninitialized } from "./alloc";
import { ChunkQueue } from "./chunk-queue";
import { takeScatteredResponse } from "./scattered-response";

export const HELLO_MAGIC = 0x2ea7d90b;
/** Magics of pre-v0.14 protocol versions; Syncthing answers them with "too old". */
const OLD_HELLO_MAGICS: readonly number[] = [0x9f79bc40, 0x00010000, 0x00010001];
export const MAX_HELLO_LENGTH = 32767;
/** Syncthing's MaxMessageLen; applies to msgLen and to a declared LZ4 uncompressed length. */
export const MAX_MESSAGE_LENGTH = 500_000_000;
/** Syncthing leaves messages below this size uncompressed. */
export const COMPRESSION_THRESHOLD = 128;

export type BepMessage =
  | { type: "clusterConfig"; message: ClusterConfig }
  | { type: "index"; message: Index }
  | { type: "indexUpdate"; message: Index }
  | { type: "request"; message: Request }
  | { type: "response"; message: Response }
  | { type: "downloadProgress"; message: DownloadProgress }
  | { type: "ping"; message: Ping }
  | { type: "close"; message: Close };

/** A message type this version doesn't know; skipped for forward compatibility (§12). */
export interface UnknownMessage {
  type: "unknown";
  typeCode: number;
  /** The (decompressed) body, for Ferry's own extension messages (server/sync/epoch.ts). */
  body: Uint8Array;
}

export type DecodedFrame = BepMessage | UnknownMessage | { type: "hello"; message: Hello };

export type CompressionMode = "metadata" | "always" | "never";

const TYPE_CODES: Record<BepMessage["type"], number> = {
  clusterConfig: MessageType.ClusterConfig,
  index: MessageType.Index,
  indexUpdate: MessageType.IndexUpdate,
  request: MessageType.Request,
  response: MessageType.Response,
  downloadProgress: MessageType.DownloadProgress,
  ping: MessageType.Ping,
  close: MessageType.Close,
};

// ---------------------------------------------------------------- Hello frame

export function encodeHelloFrame(hello: Hello): Uint8Array {
  const body = encodeHello(hello);
  if (body.length > MAX_HELLO_LENGTH) throw new ProtocolError(`Hello of ${body.length} bytes exceeds ${MAX_HELLO_LENGTH}`);
  const out = new Uint8Array(6 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, HELLO_MAGIC);
  view.setUint16(4, body.length);
  out.set(body, 6);
  return out;
}

function checkHelloMagic(magic: number): void {
  if (magic === HELLO_MAGIC) return;
  if (OLD_HELLO_MAGICS.includes(magic)) {
    throw new ProtocolError(`the remote device speaks an older version of the protocol (magic 0x${magic.toString(16).padStart(8, "0")}) not compatible with this version`);
  }
  throw new ProtocolError(`the remote device speaks an unknown (newer?) version of the protocol (magic 0x${magic.toString(16).padStart(8, "0")})`);
}

// ---------------------------------------------------------------- message frame

function encodeBody(msg: BepMessage, w: ProtoWriter): void {
  switch (msg.type) {
    case "clusterConfig":
      encodeClusterConfig(msg.message, w);
      return;
    case "index":
    case "indexUpdate":
      encodeIndex(msg.message, w);
      return;
    case "request":
      encodeRequest(msg.message, w);
      return;
    case "response":
      encodeResponse(msg.message, w);
      return;
    case "downloadProgress":
      encodeDownloadProgress(msg.message, w);
      return;
    case "ping":
      encodePing(msg.message, w);
      return;
    case "close":
      encodeClose(msg.message, w);
      return;
  }
}

function initialSize(msg: BepMessage): number {
  if (msg.type === "response") return msg.message.data.length + 32;
  if (msg.type === "index" || msg.type === "indexUpdate") return 64 + msg.message.files.length * 256;
  return 256;
}

/** Which messages Syncthing compresses under each per-device setting. */
function wantsCompression(type: BepMessage["type"], mode: CompressionMode): boolean {
  if (mode === "never") return false;
  if (mode === "always") return true;
  return type !== "response";
}

// 2-byte header length + at most 4 header bytes (type and compression, each < 128) + 4-byte message length.
const FRAME_HEADROOM = 10;

function framePrefix(type: number, compression: number, msgLen: number): Uint8Array {
  const header = encodeHeader({ type, compression });
  const prefix = new Uint8Array(2 + header.length + 4);
  const view = new DataView(prefix.buffer);
  view.setUint16(0, header.length);
  prefix.set(header, 2);
  view.setUint32(2 + header.length, msgLen);
  return prefix;
}

/** A frame of a type BEP does not define (a Ferry extension); peers that don't know it skip it. */
export function encodeExtensionFrame(type: number, body: Uint8Array): Uint8Array {
  if (body.length > MAX_MESSAGE_LENGTH) throw new ProtocolError(`extension message of ${body.length} bytes exceeds the ${MAX_MESSAGE_LENGTH}-byte message limit`);
  const prefix = framePrefix(type, MessageCompression.None, body.length);
  const out = uninitialized(prefix.length + body.length);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

/**
 * Encodes a complete post-Hello frame. With compression it follows Syncthing's rule:
 * only messages of ≥128 bytes, and only if LZ4 saves at least 1/32 of the size.
 */
export function encodeMessage(msg: BepMessage, opts: { compress?: CompressionMode } = {}): Uint8Array {
  const code = TYPE_CODES[msg.type];
  const w = new ProtoWriter(initialSize(msg), FRAME_HEADROOM);
  encodeBody(msg, w);
  const body = w.finish();
  if (body.length > MAX_MESSAGE_LENGTH) throw new ProtocolError(`${msg.type} of ${body.length} bytes exceeds the ${MAX_MESSAGE_LENGTH}-byte message limit`);

  if (body.length >= COMPRESSION_THRESHOLD && wantsCompression(msg.type, opts.compress ?? "metadata")) {
    const block = lz4CompressBlock(body);
    const compressedLen = 4 + block.length;
    if (compressedLen <= body.length - Math.floor(body.length / 32)) {
      const prefix = framePrefix(code, MessageCompression.LZ4, compressedLen);
      const out = uninitialized(prefix.length + compressedLen);
      out.set(prefix, 0);
      new DataView(out.buffer).setUint32(prefix.length, body.length);
      out.set(block, prefix.length + 4);
      return out;
    }
  }
  const framed = w.finishWithPrefix(framePrefix(code, MessageCompression.None, body.length));
  if (framed === null) throw new Error("frame prefix larger than reserved headroom"); // unreachable: headroom covers every header we write
  return framed;
}

/** Responses with at least this much data are framed around the data rather than copied into one buffer. */
const RESPONSE_PARTS_MIN = 4096;

/**
 * A Response frame as two pieces to write back to back: the frame prefix with the fields that
 * precede the data, then the data itself, uncopied. The bytes on the wire are exactly those of
 * encodeMessage (fields in order 1, 2; code 0 is omitted as proto3 does). Copying every block
 * into a frame buffer doubled the sender's allocation, and the garbage collections that external
 * memory triggers (bench (a)). Null when the ordinary encoding applies: small data, an error
 * code, or compression of responses ("always", which Syncthing applies to data too).
 */
export function encodeResponseParts(msg: Response, opts: { compress?: CompressionMode } = {}): [Uint8Array, Uint8Array] | null {
  if (msg.code !== 0 || msg.data.length < RESPONSE_PARTS_MIN || (opts.compress ?? "metadata") === "always") return null;
  const w = new ProtoWriter(16, FRAME_HEADROOM);
  w.int32(1, msg.id);
  w.bytesHeader(2, msg.data.length);
  const fields = w.finish();
  const msgLen = fields.length + msg.data.length;
  if (msgLen > MAX_MESSAGE_LENGTH) throw new ProtocolError(`response of ${msgLen} bytes exceeds the ${MAX_MESSAGE_LENGTH}-byte message limit`);
  const head = w.finishWithPrefix(framePrefix(MessageType.Response, MessageCompression.None, msgLen));
  if (head === null) throw new Error("frame prefix larger than reserved headroom"); // unreachable, as in encodeMessage
  return [head, msg.data];
}

/**
 * Decodes a message body (already decompressed) for a header type code, applying the
 * same consistency checks Syncthing's protocol layer does (names, block lists).
 */
export function decodeMessageBody(typeCode: number, body: Uint8Array): BepMessage | UnknownMessage {
  switch (typeCode) {
    case MessageType.ClusterConfig:
      return { type: "clusterConfig", message: decodeClusterConfig(body) };
    case MessageType.Index: {
      const message = decodeIndex(body);
      checkIndex(message);
      return { type: "index", message };
    }
    case MessageType.IndexUpdate: {
      const message = decodeIndex(body);
      checkIndex(message);
      return { type: "indexUpdate", message };
    }
    case MessageType.Request: {
      const message = decodeRequest(body);
      checkFilename(message.name);
      return { type: "request", message };
    }
    case MessageType.Response:
      return { type: "response", message: decodeResponse(body) };
    case MessageType.DownloadProgress:
      return { type: "downloadProgress", message: decodeDownloadProgress(body) };
    case MessageType.Ping:
      return { type: "ping", message: decodePing(body) };
    case MessageType.Close:
      return { type: "close", message: decodeClose(body) };
    default:
      return { type: "unknown", typeCode, body };
  }
}

/** Undoes per-message compression: LZ4 bodies are a uint32 BE length then one raw block. */
export function decompressBody(compression: number, body: Uint8Array, maxLength = MAX_MESSAGE_LENGTH): Uint8Array {
  if (compression === MessageCompression.None) return body;
  if (compression !== MessageCompression.LZ4) throw new ProtocolError(`unknown message compression ${compression}`);
  if (body.length < 4) throw new ProtocolError(`LZ4 message body of ${body.length} bytes is shorter than its length prefix`);
  const declared = ((body[0] << 24) | (body[1] << 16) | (body[2] << 8) | body[3]) >>> 0;
  if (declared > maxLength) throw new ProtocolError(`LZ4 uncompressed length ${declared} exceeds the ${maxLength}-byte limit`);
  return lz4DecompressBlock(body.subarray(4), declared);
}

// ---------------------------------------------------------------- streaming reader

/**
 * Reassembles frames from a byte stream. Feed it chunks in arrival order; it returns
 * every complete frame. Any malformed input throws ProtocolError, after which the
 * reader stays failed (the stream position is lost, so the connection must close).
 */
export class FrameReader {
  private readonly queue = new ChunkQueue();
  private expectHello: boolean;
  private failure: ProtocolError | null = null;
  private readonly maxMessageLength: number;

  constructor(opts: { startWithHello?: boolean; maxMessageLength?: number } = {}) {
    this.expectHello = opts.startWithHello ?? true;
    this.maxMessageLength = Math.min(opts.maxMessageLength ?? MAX_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH);
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.queue.buffered;
  }

  /**
   * Adds a chunk and returns all frames it completed (possibly none). If the chunk also
   * holds garbage, the frames before it are lost with the throw; use push() and next()
   * to act on each frame before the error surfaces.
   */
  feed(chunk: Uint8Array): DecodedFrame[] {
    this.push(chunk);
    const out: DecodedFrame[] = [];
    for (let f = this.next(); f !== null; f = this.next()) out.push(f);
    return out;
  }

  push(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.queue.push(chunk);
  }

  /** The next complete frame, or null if more bytes are needed. */
  next(): DecodedFrame | null {
    if (this.failure) throw this.failure;
    try {
      return this.expectHello ? this.nextHello() : this.nextMessage();
    } catch (err) {
      if (err instanceof ProtocolError) this.failure = err;
      throw err;
    }
  }

  private nextHello(): DecodedFrame | null {
    if (this.queue.buffered < 6) {
      // Reject a wrong magic as soon as its 4 bytes are here rather than waiting for 6.
      if (this.queue.buffered >= 4) checkHelloMagic(readU32(this.queue.peek(4), 0));
      return null;
    }
    const head = this.queue.peek(6);
    checkHelloMagic(readU32(head, 0));
    const len = (head[4] << 8) | head[5];
    if (len > MAX_HELLO_LENGTH) throw new ProtocolError(`Hello length ${len} exceeds ${MAX_HELLO_LENGTH}`);
    if (this.queue.buffered < 6 + len) return null;
    const frame = this.queue.take(6 + len);
    this.expectHello = false;
    return { type: "hello", message: decodeHello(frame.subarray(6)) };
  }

  private nextMessage(): DecodedFrame | null {
    if (this.queue.buffered < 2) return null;
    const head = this.queue.peek(2);
    // Read as int16 like Syncthing: a set top bit is an error, not a 32 KiB header.
    const headerLen = (head[0] << 8) | head[1];
    if (headerLen > 0x7fff) throw new ProtocolError(`negative header length ${headerLen - 0x10000}`);
    const prefixLen = 2 + headerLen + 4;
    if (this.queue.buffered < prefixLen) return null;
    const prefix = this.queue.peek(prefixLen);
    const header = decodeHeader(prefix.subarray(2, 2 + headerLen));
    if (header.compression !== MessageCompression.None && header.compression !== MessageCompression.LZ4) {
      throw new ProtocolError(`unknown message compression ${header.compression}`);
    }
    const msgLen = readU32(prefix, 2 + headerLen);
    if (msgLen > 0x7fffffff) throw new ProtocolError(`negative message length ${msgLen - 0x100000000}`);
    if (msgLen > this.maxMessageLength) throw new ProtocolError(`message length ${msgLen} exceeds the ${this.maxMessageLength}-byte limit`);
    if (this.queue.buffered < prefixLen + msgLen) return null;
    if (header.type === MessageType.Response && header.compression === MessageCompression.None && !this.queue.contiguous(prefixLen + msgLen)) {
      const message = takeScatteredResponse(this.queue, prefixLen, msgLen);
      if (message) return { type: "response", message };
    }
    const frame = this.queue.take(prefixLen + msgLen);
    const body = decompressBody(header.compression, frame.subarray(prefixLen), this.maxMessageLength);
    return decodeMessageBody(header.type, body);
  }

  }

function readU32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}
