/**
 * Decoding a Response whose frame spans several socket chunks without joining them: its few field
 * bytes before and after the data are copied out and read, and the data stays as views of the
 * chunks (Response.dataParts). Joining cost an allocation and a copy of every block received, and
 * the garbage collections that the external memory set off (bench (a)).
 */
import { uninitialized } from "./alloc";
import type { ChunkQueue } from "./chunk-queue";
import type { Response } from "./messages";
import { WireType } from "./protobuf";

/** Field bytes copied out to read (ample for two varint fields and the data's tag and length). */
const SCATTER_HEAD = 32;

interface ResponseFields {
  id?: number;
  code?: number;
  /** Offset of the data in the scanned bytes, once its tag and length are read (head only). */
  dataStart?: number;
  dataLength?: number;
}

/**
 * Takes the frame (prefixLen + msgLen bytes, all buffered) off the queue and returns its Response,
 * or leaves the queue alone and returns null for anything but the plain layout (varint fields
 * around one data field, as Syncthing and Ferry write it): the caller then joins and decodes as
 * for any message, which also reports what is wrong with it.
 */
export function takeScatteredResponse(queue: ChunkQueue, prefixLen: number, msgLen: number): Response | null {
  const head = scanResponseFields(queue.copyOut(prefixLen, Math.min(msgLen, SCATTER_HEAD)), true);
  if (head === null || head.dataStart === undefined) return null;
  const dataLen = head.dataLength!;
  if (dataLen > msgLen - head.dataStart) return null;
  const tailLen = msgLen - head.dataStart - dataLen;
  let { id, code } = head;
  if (tailLen > 0) {
    if (tailLen > SCATTER_HEAD) return null;
    const tail = scanResponseFields(queue.copyOut(prefixLen + head.dataStart + dataLen, tailLen), false);
    if (tail === null) return null;
    id = tail.id ?? id;
    code = tail.code ?? code;
  }
  const parts = queue.takeParts(prefixLen + msgLen, prefixLen + head.dataStart, dataLen);
  const message = { id: id ?? 0, code: code ?? 0 } as Response;
  let joined: Uint8Array | null = null;
  Object.defineProperty(message, "data", {
    enumerable: true,
    get: () => (joined ??= joinParts(parts, dataLen)),
  });
  Object.defineProperty(message, "dataParts", { enumerable: false, value: parts });
  return message;
}

/**
 * Reads a Response's varint fields up to (head) the data field's tag and length, or (tail) to the
 * end. Null for anything else, or a varint running past the bytes: the full decoder decides then.
 */
function scanResponseFields(b: Uint8Array, head: boolean): ResponseFields | null {
  const out: ResponseFields = {};
  let pos = 0;
  const varint = (): number | null => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= b.length) return null;
      const byte = b[pos++];
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
    }
    return null; // longer than 5 bytes (a negative int32): leave it to the full decoder
  };
  while (pos < b.length) {
    const tag = varint();
    if (tag === null) return null;
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === WireType.LengthDelimited && field === 2 && head) {
      const len = varint();
      if (len === null) return null;
      out.dataStart = pos;
      out.dataLength = len;
      return out;
    }
    if (wireType !== WireType.Varint || field === 0 || field > 0x1fffffff) return null;
    const v = varint();
    if (v === null) return null;
    if (field === 1) out.id = v | 0;
    else if (field === 3) out.code = v | 0;
  }
  return head ? null : out;
}

function joinParts(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = uninitialized(length);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
