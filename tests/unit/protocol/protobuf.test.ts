import { describe, expect, it } from "vitest";
import { ProtocolError } from "@/server/sync/protocol/errors";
import { ProtoReader, ProtoWriter, WireType } from "@/server/sync/protocol/protobuf";

const bytes = (...b: number[]) => Uint8Array.from(b);
const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");

function readOne<T>(buf: Uint8Array, read: (r: ProtoReader) => T): T {
  const r = new ProtoReader(buf);
  expect(r.next()).toBe(true);
  const v = read(r);
  expect(r.next()).toBe(false);
  return v;
}

describe("varints", () => {
  it("encode and decode uint64 extremes exactly", () => {
    for (const v of [1n, 127n, 128n, 300n, 0xffffffffn, 0x100000000n, 2n ** 53n + 1n, 0x7f7c8723ecca5b4dn, 2n ** 64n - 1n]) {
      const w = new ProtoWriter();
      w.uint64(1, v);
      expect(readOne(w.finish(), (r) => r.uint64())).toBe(v);
    }
  });

  it("writes the documented byte layout (300 → ac 02, 2^64-1 → ten bytes)", () => {
    const w = new ProtoWriter();
    w.uint64(1, 300n);
    expect(hex(w.finish())).toBe("08ac02");
    const w2 = new ProtoWriter();
    w2.uint64(1, 2n ** 64n - 1n);
    expect(hex(w2.finish())).toBe("08ffffffffffffffffff01");
  });

  it("sign-extends negative int32 to ten bytes and reads it back", () => {
    const w = new ProtoWriter();
    w.int32(1, -1);
    expect(hex(w.finish())).toBe("08ffffffffffffffffff01");
    expect(readOne(bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), (r) => r.int32())).toBe(-1);
  });

  it("round-trips int64 numbers including negatives and 2^53-1", () => {
    for (const v of [1, -1, 2 ** 31, -(2 ** 31) - 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      const w = new ProtoWriter();
      w.int64(1, v);
      expect(readOne(w.finish(), (r) => r.int64("v"))).toBe(v);
    }
  });

  it("rejects int64 values a JS number cannot hold exactly", () => {
    const w = new ProtoWriter();
    w.uint64(1, 2n ** 60n);
    expect(() => readOne(w.finish(), (r) => r.int64("FileInfo.size"))).toThrow(/FileInfo.size.*safe integer/);
  });

  it("rejects truncated and over-long varints", () => {
    expect(() => readOne(bytes(0x08, 0x80), (r) => r.uint32())).toThrow(ProtocolError);
    const tooLong = bytes(0x08, ...new Array(10).fill(0xff), 0x01);
    expect(() => readOne(tooLong, (r) => r.uint64())).toThrow(/64 bits/);
    expect(() => readOne(bytes(0x08, ...new Array(9).fill(0xff), 0x02), (r) => r.uint64())).toThrow(/64 bits/);
  });

  it("accepts non-minimal varints like Go does", () => {
    expect(readOne(bytes(0x08, 0x81, 0x80, 0x00), (r) => r.uint32())).toBe(1);
  });
});

describe("length-delimited fields", () => {
  it("round-trips strings including multibyte UTF-8 and long strings", () => {
    for (const s of ["a", "häagen/日本語/😀", "x".repeat(300), "é".repeat(100)]) {
      const w = new ProtoWriter(4);
      w.string(1, s);
      expect(readOne(w.finish(), (r) => r.string("s"))).toBe(s);
    }
  });

  it("returns bytes as a view into the input (no copy)", () => {
    const buf = bytes(0x12, 0x03, 1, 2, 3);
    const v = readOne(buf, (r) => r.bytes());
    expect(v.buffer).toBe(buf.buffer);
    expect([...v]).toEqual([1, 2, 3]);
  });

  it("rejects a length beyond the end of the message", () => {
    expect(() => readOne(bytes(0x12, 0x05, 1, 2), (r) => r.bytes())).toThrow(/exceeds the 2 remaining/);
  });

  it("rejects invalid UTF-8 naming the field", () => {
    expect(() => readOne(bytes(0x0a, 0x02, 0xc3, 0x28), (r) => r.string("FileInfo.name"))).toThrow(/FileInfo.name: invalid UTF-8/);
  });

  it("fixes up nested message lengths that need more than one byte", () => {
    const w = new ProtoWriter(8);
    const m = w.beginMessage(2);
    w.string(1, "y".repeat(200));
    w.endMessage(m);
    w.uint32(3, 7);
    const r = new ProtoReader(w.finish());
    expect(r.next()).toBe(true);
    const sub = r.message();
    expect(sub.next()).toBe(true);
    expect(sub.string("s")).toBe("y".repeat(200));
    expect(r.next()).toBe(true);
    expect(r.field).toBe(3);
    expect(r.uint32()).toBe(7);
  });
});

describe("skipping unknown fields", () => {
  it("skips every valid wire type, including groups", () => {
    const buf = bytes(
      0xa0, 0x1f, 0x96, 0x01, // field 500 varint
      0x29, 1, 2, 3, 4, 5, 6, 7, 8, // field 5 fixed64
      0x32, 0x02, 9, 9, // field 6 bytes
      0x3d, 1, 2, 3, 4, // field 7 fixed32
      0x43, 0x48, 0x01, 0x44, // field 8 group { field 9 varint } end group
      0x08, 0x2a, // field 1 = 42
    );
    const r = new ProtoReader(buf);
    let found = -1;
    while (r.next()) {
      if (r.field === 1) found = r.uint32();
      else r.skip();
    }
    expect(found).toBe(42);
  });

  it("throws ProtocolError for invalid wire types, field 0 and broken groups", () => {
    const walk = (buf: Uint8Array) => {
      const r = new ProtoReader(buf);
      while (r.next()) r.skip();
    };
    expect(() => walk(bytes(0x0e, 0x00))).toThrow(/wire type 6/);
    expect(() => walk(bytes(0x0f))).toThrow(/wire type 7/);
    expect(() => walk(bytes(0x00, 0x00))).toThrow(/field number 0/);
    expect(() => walk(bytes(0x43, 0x08, 0x01))).toThrow(/unterminated group/);
    expect(() => walk(bytes(0x43, 0x4c))).toThrow(/mismatched end group/);
    expect(() => walk(bytes(0x29, 1, 2))).toThrow(/truncated/);
    expect(() => walk(new Uint8Array(100).fill(0x0b))).toThrow(/nested too deeply|unterminated/);
  });

  it("insists on the declared wire type for known fields", () => {
    const r = new ProtoReader(bytes(0x0a, 0x00));
    r.next();
    expect(() => r.expect(WireType.Varint, "Request.id")).toThrow(/Request.id: wire type 2, expected 0/);
  });
});
