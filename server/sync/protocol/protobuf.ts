/**
 * A minimal protobuf (proto3) wire-format writer and reader, just enough for BEP.
 *
 * The reader never trusts a length: every read is checked against the end of the
 * current (sub)message and failures throw ProtocolError. Unknown fields of any valid
 * wire type are skipped so newer peers (Syncthing 2.x) can add fields freely.
 */
import { ProtocolError } from "./errors";
import { uninitialized } from "./alloc";

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

const TWO_32 = 4294967296;
// Protobuf caps field numbers at 2^29-1; anything larger is garbage.
const MAX_FIELD_NUMBER = 0x1fffffff;
// Groups are deprecated; we still skip them but bound their nesting.
const MAX_GROUP_DEPTH = 32;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

/** Reads one protobuf message from a byte range. Byte fields are views into the input, not copies. */
export class ProtoReader {
  private pos: number;
  private readonly end: number;
  // Result of the last readVarintRaw(), split into two 32-bit halves to avoid BigInt on the hot path.
  private lo = 0;
  private hi = 0;
  /** Field number and wire type of the tag returned by the last next(). */
  field = 0;
  wireType: number = 0;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Advances to the next tag; returns false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    this.readVarintRaw();
    if (this.hi !== 0) throw new ProtocolError("protobuf tag out of range");
    const tag = this.lo;
    this.field = tag >>> 3;
    this.wireType = tag & 7;
    if (this.field === 0 || this.field > MAX_FIELD_NUMBER) throw new ProtocolError(`invalid protobuf field number ${this.field}`);
    return true;
  }

  /** Throws unless the current field has the expected wire type (`what` names the field for the message). */
  expect(wireType: WireType, what: string): void {
    if (this.wireType !== wireType) {
      throw new ProtocolError(`${what}: wire type ${this.wireType}, expected ${wireType}`);
    }
  }

  private readVarintRaw(): void {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b: number;
    // Bytes 0..3 fill bits 0..27 of lo.
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= this.end) throw new ProtocolError("truncated varint");
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    // Byte 4 straddles: low 4 bits finish lo, the next 3 start hi.
    if (pos >= this.end) throw new ProtocolError("truncated varint");
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; shift < 32; shift += 7) {
        if (pos >= this.end) throw new ProtocolError("truncated varint");
        b = buf[pos++];
        // The 10th byte may only carry bit 63.
        if (shift === 31 && b > 1) throw new ProtocolError("varint overflows 64 bits");
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
        if (shift === 31) throw new ProtocolError("varint overflows 64 bits");
      }
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** uint32 / enum: the low 32 bits, unsigned (protobuf truncates larger values). */
  uint32(): number {
    this.readVarintRaw();
    return this.lo;
  }

  /** int32 / enum: the low 32 bits as signed (negatives arrive sign-extended to 64 bits). */
  int32(): number {
    this.readVarintRaw();
    return this.lo | 0;
  }

  bool(): boolean {
    this.readVarintRaw();
    return this.lo !== 0 || this.hi !== 0;
  }

  /** int64 as a JS number; rejects values outside the safe integer range instead of rounding them. */
  int64(what: string): number {
    this.readVarintRaw();
    const hiSigned = this.hi | 0;
    const v = hiSigned * TWO_32 + this.lo;
    if (!Number.isSafeInteger(v)) throw new ProtocolError(`${what}: int64 value outside the safe integer range`);
    return v;
  }

  /** int64 as BigInt, for values that really use the full range (nanosecond timestamps). */
  int64Big(): bigint {
    this.readVarintRaw();
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }

  /** uint64 as BigInt (device short IDs, counters, index IDs exceed 2^53). */
  uint64(): bigint {
    this.readVarintRaw();
    if (this.hi === 0) return BigInt(this.lo);
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** A length-delimited field as a view [start, end) into the input. */
  private lengthDelimited(): [number, number] {
    this.readVarintRaw();
    const len = this.lo;
    if (this.hi !== 0 || len > this.end - this.pos) {
      throw new ProtocolError(`length-delimited field of ${this.hi !== 0 ? "≥2^32" : len} bytes exceeds the ${this.end - this.pos} remaining`);
    }
    const start = this.pos;
    this.pos += len;
    return [start, start + len];
  }

  /** Bytes as a zero-copy view (the caller must not mutate the input while it holds it). */
  bytes(): Uint8Array {
    const [s, e] = this.lengthDelimited();
    return this.buf.subarray(s, e);
  }

  /** A UTF-8 string; invalid UTF-8 is rejected so names never get silently replaced characters. */
  string(what: string): string {
    const [s, e] = this.lengthDelimited();
    if (s === e) return "";
    try {
      return utf8.decode(this.buf.subarray(s, e));
    } catch {
      throw new ProtocolError(`${what}: invalid UTF-8`);
    }
  }

  /** A reader over an embedded message. */
  message(): ProtoReader {
    const [s, e] = this.lengthDelimited();
    return new ProtoReader(this.buf, s, e);
  }

  /**
   * A repeated int32 field that may be packed (length-delimited) or not (one varint
   * per tag); protobuf requires parsers to accept both.
   */
  repeatedInt32(into: number[], what: string): void {
    if (this.wireType === WireType.Varint) {
      into.push(this.int32());
      return;
    }
    this.expect(WireType.LengthDelimited, what);
    const sub = this.message();
    while (sub.pos < sub.end) into.push(sub.int32());
  }

  /** Skips the value of the current field, whatever its (valid) wire type. */
  skip(): void {
    this.skipValue(this.wireType, this.field, 0);
  }

  private skipValue(wireType: number, field: number, depth: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.readVarintRaw();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.LengthDelimited:
        this.lengthDelimited();
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      case WireType.StartGroup: {
        if (depth >= MAX_GROUP_DEPTH) throw new ProtocolError("protobuf groups nested too deeply");
        for (;;) {
          if (!this.next()) throw new ProtocolError(`unterminated group for field ${field}`);
          if (this.wireType === WireType.EndGroup) {
            if (this.field !== field) throw new ProtocolError(`mismatched end group ${this.field} for field ${field}`);
            return;
          }
          this.skipValue(this.wireType, this.field, depth + 1);
        }
      }
      default:
        throw new ProtocolError(`invalid protobuf wire type ${wireType} (field ${field})`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new ProtocolError("truncated fixed-width field");
    this.pos += n;
  }
}

/**
 * Builds one protobuf message into a growable buffer. Default (zero) values are the
 * caller's business: the message encoders skip them, as proto3 requires.
 */
export class ProtoWriter {
  private buf: Uint8Array;
  private pos: number;
  private readonly headroom: number;

  /**
   * `headroom` bytes are left free before the message so framing can prepend its
   * header in place instead of copying a multi-megabyte Response body again.
   */
  constructor(initialSize = 256, headroom = 0) {
    this.buf = uninitialized(initialSize + headroom);
    this.pos = headroom;
    this.headroom = headroom;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = Math.max(64, this.buf.length * 2);
    while (size < this.pos + n) size *= 2;
    const next = uninitialized(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** The encoded bytes (a view of the internal buffer; the writer must not be reused afterwards). */
  finish(): Uint8Array {
    return this.buf.subarray(this.headroom, this.pos);
  }

  /**
   * The encoded bytes with `prefix` placed directly in front of them, using the headroom.
   * Returns null if the prefix doesn't fit.
   */
  finishWithPrefix(prefix: Uint8Array): Uint8Array | null {
    if (prefix.length > this.headroom) return null;
    const start = this.headroom - prefix.length;
    this.buf.set(prefix, start);
    return this.buf.subarray(start, this.pos);
  }

  private varint32(v: number): void {
    // v is a non-negative integer < 2^32
    this.ensure(5);
    const buf = this.buf;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** Writes an unsigned value given as two 32-bit halves (up to 10 bytes). */
  private varint64(lo: number, hi: number): void {
    if (hi === 0) {
      this.varint32(lo);
      return;
    }
    this.ensure(10);
    const buf = this.buf;
    // First 4 bytes come from lo alone.
    for (let i = 0; i < 4; i++) {
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    // lo has 4 bits left; combine with the low 3 bits of hi.
    let b = lo | ((hi & 0x7) << 4);
    hi >>>= 3;
    while (hi !== 0) {
      buf[this.pos++] = b | 0x80;
      b = hi & 0x7f;
      hi >>>= 7;
    }
    buf[this.pos++] = b;
  }

  private tag(field: number, wireType: WireType): void {
    this.varint32(((field << 3) | wireType) >>> 0);
  }

  /** uint32 / non-negative enum. */
  uint32(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, WireType.Varint);
    this.varint32(v >>> 0);
  }

  /** int32 / enum; negatives are sign-extended to 10 bytes as protobuf requires. */
  int32(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, WireType.Varint);
    if (v >= 0) this.varint32(v >>> 0);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  /** Like int32 but also written when 0 (for unpacked repeated elements, where 0 is a real value). */
  int32Always(field: number, v: number): void {
    this.tag(field, WireType.Varint);
    if (v >= 0) this.varint32(v >>> 0);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  bool(field: number, v: boolean): void {
    if (!v) return;
    this.tag(field, WireType.Varint);
    this.varint32(1);
  }

  /** int64 from a safe JS integer (two's complement for negatives). */
  int64(field: number, v: number): void {
    if (v === 0) return;
    if (!Number.isSafeInteger(v)) throw new RangeError(`int64 field ${field}: ${v} is not a safe integer`);
    this.tag(field, WireType.Varint);
    if (v >= 0) {
      this.varint64(v % TWO_32, Math.floor(v / TWO_32));
    } else {
      const big = BigInt.asUintN(64, BigInt(v));
      this.varint64(Number(big & 0xffffffffn), Number(big >> 32n));
    }
  }

  /** int64 given as BigInt. */
  int64Big(field: number, v: bigint): void {
    if (v === 0n) return;
    this.uint64Raw(field, BigInt.asUintN(64, v));
  }

  /** uint64 given as BigInt; must be within [0, 2^64). */
  uint64(field: number, v: bigint): void {
    if (v === 0n) return;
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`uint64 field ${field}: ${v} out of range`);
    this.uint64Raw(field, v);
  }

  private uint64Raw(field: number, v: bigint): void {
    this.tag(field, WireType.Varint);
    this.varint64(Number(v & 0xffffffffn), Number(v >> 32n));
  }

  bytes(field: number, v: Uint8Array): void {
    if (v.length === 0) return;
    this.tag(field, WireType.LengthDelimited);
    this.varint32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /**
   * The tag and length of a bytes field whose `length` bytes the caller sends right after this
   * message's bytes, without copying them in (a Response's block data: see encodeResponseParts).
   */
  bytesHeader(field: number, length: number): void {
    this.tag(field, WireType.LengthDelimited);
    this.varint32(length);
  }

  /** A string; `always` writes even the empty string (for repeated string elements). */
  string(field: number, v: string, always = false): void {
    if (v.length === 0 && !always) return;
    this.tag(field, WireType.LengthDelimited);
    // Worst case 3 bytes per UTF-16 unit; reserve, then encode in place and back-patch if the length prefix guess was wrong.
    const maxLen = v.length * 3;
    if (maxLen < 128) {
      this.ensure(1 + maxLen);
      const lenPos = this.pos++;
      const { written } = utf8Encoder.encodeInto(v, this.buf.subarray(this.pos, this.pos + maxLen));
      this.buf[lenPos] = written;
      this.pos += written;
      return;
    }
    const encoded = utf8Encoder.encode(v);
    this.varint32(encoded.length);
    this.ensure(encoded.length);
    this.buf.set(encoded, this.pos);
    this.pos += encoded.length;
  }

  /**
   * Starts an embedded message: writes the tag and reserves one length byte.
   * Returns a mark for endMessage(). Most BEP sub-messages (Counter, BlockInfo) fit
   * in 127 bytes, so the common case needs no move.
   */
  beginMessage(field: number): number {
    this.tag(field, WireType.LengthDelimited);
    this.ensure(1);
    return this.pos++;
  }

  /** Finishes an embedded message started at `mark`, fixing up its length prefix. */
  endMessage(mark: number): void {
    const bodyStart = mark + 1;
    const len = this.pos - bodyStart;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let extra = 0;
    for (let v = len >>> 7; v > 0; v >>>= 7) extra++;
    this.ensure(extra);
    this.buf.copyWithin(bodyStart + extra, bodyStart, this.pos);
    let v = len;
    let p = mark;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
    this.pos += extra;
  }
}
