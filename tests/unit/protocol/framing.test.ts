import { describe, expect, it } from "vitest";
import { DeviceId } from "@/server/sync/protocol/deviceid";
import { ProtocolError } from "@/server/sync/protocol/errors";
import { emptyFileInfo } from "@/server/sync/protocol/fileinfo";
import {
  encodeHelloFrame,
  encodeMessage,
  encodeResponseParts,
  FrameReader,
  MAX_MESSAGE_LENGTH,
  type BepMessage,
  type DecodedFrame,
} from "@/server/sync/protocol/framing";
import { decodeResponse, encodeIndex, type Index, type Response } from "@/server/sync/protocol/messages";
import { lz4CompressBlock } from "@/server/sync/protocol/lz4";

const fromHex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const ascii = (s: string) => Buffer.from(s, "latin1").toString("hex");
const cat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

const OBSERVED_HELLO = fromHex(`2ea7d90b 001c 0a02766d 1209${ascii("syncthing")} 1a0b${ascii("v1.19.2-ds1")}`);
const ME = DeviceId.parse("P56IOI7-MZJNU2Y-IQGDREY-DM2MGTI-MGL3BXN-PQ6W5BM-TBBZ4TJ-XZWICQ2");

function bigIndex(n: number): Index {
  return {
    folder: "share1",
    files: Array.from({ length: n }, (_, i) => ({
      ...emptyFileInfo(`dir/file-${i}.txt`),
      size: 10,
      sequence: i + 1,
      modifiedBy: ME.shortId(),
      version: [{ id: ME.shortId(), value: 1_795_604_563n }],
      blocks: [{ offset: 0, size: 10, hash: new Uint8Array(32).fill(i & 0xff), weakHash: 0 }],
    })),
    lastSequence: n,
    prevSequence: 0,
  };
}

function messages(reader: FrameReader, ...chunks: Uint8Array[]): DecodedFrame[] {
  return chunks.flatMap((c) => reader.feed(c));
}

describe("Hello frame", () => {
  it("decodes the Hello real Syncthing 1.19.2 sent, even one byte at a time", () => {
    const reader = new FrameReader();
    const frames = messages(reader, ...[...OBSERVED_HELLO].map((b) => Uint8Array.of(b)));
    expect(frames).toEqual([{ type: "hello", message: { deviceName: "vm", clientName: "syncthing", clientVersion: "v1.19.2-ds1", numConnections: 0, timestamp: 0n } }]);
  });

  it("encodes to the exact bytes Syncthing uses", () => {
    expect(encodeHelloFrame({ deviceName: "vm", clientName: "syncthing", clientVersion: "v1.19.2-ds1", numConnections: 0, timestamp: 0n })).toEqual(OBSERVED_HELLO);
  });

  it.each([0x9f79bc40, 0x00010000, 0x00010001])("reports magic 0x%s as too old", (magic) => {
    const b = Uint8Array.from(OBSERVED_HELLO);
    new DataView(b.buffer).setUint32(0, magic);
    expect(() => new FrameReader().feed(b)).toThrow(/older version/);
  });

  it("reports any other magic as unknown (newer?) as soon as 4 bytes arrive", () => {
    expect(() => new FrameReader().feed(fromHex("deadbeef"))).toThrow(/unknown \(newer\?\)/);
  });

  it("rejects a Hello length above 32767", () => {
    expect(() => new FrameReader().feed(fromHex("2ea7d90b 8000"))).toThrow(/exceeds 32767/);
  });

  it("hands the bytes after the Hello to message decoding", () => {
    const frames = new FrameReader().feed(cat(OBSERVED_HELLO, encodeMessage({ type: "ping", message: {} })));
    expect(frames.map((f) => f.type)).toEqual(["hello", "ping"]);
  });
});

describe("message frames", () => {
  const all: BepMessage[] = [
    { type: "clusterConfig", message: { folders: [], secondary: false } },
    { type: "index", message: bigIndex(3) },
    { type: "indexUpdate", message: { ...bigIndex(2), prevSequence: 7 } },
    { type: "request", message: { id: 1, folder: "f", name: "a", offset: 0, size: 5, hash: new Uint8Array(32), fromTemporary: false, weakHash: 0, blockNo: 0 } },
    { type: "response", message: { id: 1, data: new Uint8Array(1000).fill(3), code: 0 } },
    { type: "downloadProgress", message: { folder: "f", updates: [{ updateType: 0, name: "x", version: [], blockIndexes: [1, 2], blockSize: 131072 }] } },
    { type: "ping", message: {} },
    { type: "close", message: { reason: "bye" } },
  ];

  it.each(["never", "metadata", "always"] as const)("round-trips every message type with compression %s, fed in odd chunks", (compress) => {
    const stream = cat(...all.map((m) => encodeMessage(m, { compress })));
    const reader = new FrameReader({ startWithHello: false });
    const chunks: Uint8Array[] = [];
    for (let i = 0, size = 1; i < stream.length; i += size, size = (size * 3) % 97 + 1) chunks.push(stream.subarray(i, i + size));
    expect(messages(reader, ...chunks)).toEqual(all);
    expect(reader.pendingBytes).toBe(0);
  });

  it("writes an empty ClusterConfig with header length 0, as 1.19 does", () => {
    expect(encodeMessage(all[0])).toEqual(fromHex("0000 00000000"));
  });

  it("compresses a large Index under 'metadata' with LZ4 behind a big-endian length prefix", () => {
    const idx = bigIndex(200);
    const frame = encodeMessage({ type: "index", message: idx });
    expect([...frame.subarray(0, 6)]).toEqual([0, 4, 0x08, 0x01, 0x10, 0x01]);
    const plain = encodeIndex(idx);
    const body = frame.subarray(10);
    expect(new DataView(body.buffer, body.byteOffset).getUint32(0)).toBe(plain.length);
    expect(body.length).toBeLessThan(plain.length / 2);
  });

  it("leaves Responses uncompressed under 'metadata' but compresses them under 'always'", () => {
    const msg: BepMessage = { type: "response", message: { id: 9, data: new Uint8Array(10_000), code: 0 } };
    expect([...encodeMessage(msg).subarray(0, 4)]).toEqual([0, 2, 0x08, 0x04]);
    expect([...encodeMessage(msg, { compress: "always" }).subarray(0, 6)]).toEqual([0, 4, 0x08, 0x04, 0x10, 0x01]);
  });

  it("does not compress messages under 128 bytes or ones LZ4 can't shrink by 1/32", () => {
    expect([...encodeMessage({ type: "close", message: { reason: "a".repeat(100) } }).subarray(0, 4)]).toEqual([0, 2, 0x08, 0x07]);
    let x = 1;
    const noise = new Uint8Array(4000).map(() => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
    expect([...encodeMessage({ type: "response", message: { id: 1, data: noise, code: 0 } }, { compress: "always" }).subarray(0, 4)]).toEqual([0, 2, 0x08, 0x04]);
  });

  it("accepts LZ4 on any message type, including a legal all-literals block", () => {
    const body = Uint8Array.of(0x0a, 0x03, 0x62, 0x79, 0x65); // Close{reason:"bye"}
    const block = Uint8Array.of(body.length << 4, ...body);
    const frame = cat(fromHex("0004 0807 1001"), fromHex("00000000"), fromHex("00000005"), block);
    new DataView(frame.buffer).setUint32(6, 4 + block.length);
    expect(new FrameReader({ startWithHello: false }).feed(frame)).toEqual([{ type: "close", message: { reason: "bye" } }]);
  });

  it("returns a Response's data as a view into the received frame", () => {
    const frame = encodeMessage({ type: "response", message: { id: 1, data: new Uint8Array(131072).fill(5), code: 0 } });
    const [f] = new FrameReader({ startWithHello: false }).feed(frame);
    expect(f.type).toBe("response");
    if (f.type === "response") {
      expect(f.message.data.length).toBe(131072);
      expect(f.message.data.buffer).toBe(frame.buffer);
    }
  });
});

describe("block-sized Responses without copies", () => {
  const block = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
  /** Splits a stream into TLS-record-sized chunks, each its own buffer (as the socket delivers them). */
  const records = (stream: Uint8Array, size = 16_384) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += size) out.push(Uint8Array.from(stream.subarray(i, i + size)));
    return out;
  };

  it("frames the data as its own piece, byte for byte what encodeMessage writes", () => {
    for (const id of [0, 1, 300, 0x7fffffff]) {
      for (const size of [4096, 131_072, 1_000_003]) {
        const message: Response = { id, data: block(size), code: 0 };
        const parts = encodeResponseParts(message)!;
        expect(parts[1]).toBe(message.data); // the block itself, not a copy
        expect(Buffer.concat(parts).equals(encodeMessage({ type: "response", message }))).toBe(true);
      }
    }
  });

  it("leaves small data, error codes and compressed responses to the ordinary encoding", () => {
    expect(encodeResponseParts({ id: 1, data: block(4095), code: 0 })).toBeNull();
    expect(encodeResponseParts({ id: 1, data: new Uint8Array(0), code: 2 })).toBeNull();
    expect(encodeResponseParts({ id: 1, data: block(131_072), code: 0 }, { compress: "always" })).toBeNull();
    expect(encodeResponseParts({ id: 1, data: block(131_072), code: 0 }, { compress: "never" })).not.toBeNull();
  });

  it("hands out a Response spread over records as views of those records, and the frames after it intact", () => {
    const data = block(131_072, 7);
    const stream = cat(encodeMessage({ type: "response", message: { id: 42, data, code: 0 } }), encodeMessage({ type: "close", message: { reason: "done" } }));
    const chunks = records(stream);
    const frames = messages(new FrameReader({ startWithHello: false }), ...chunks);
    expect(frames.map((f) => f.type)).toEqual(["response", "close"]);
    const r = frames[0].type === "response" ? frames[0].message : null;
    expect(r?.id).toBe(42);
    expect(r?.code).toBe(0);
    expect(r?.dataParts?.length).toBe(9); // 131,072 data bytes after a few header bytes: 9 records
    for (const part of r!.dataParts!) expect(chunks.some((c) => c.buffer === part.buffer)).toBe(true);
    expect(Buffer.concat(r!.dataParts!).equals(data)).toBe(true);
    expect(Buffer.from(r!.data).equals(data)).toBe(true); // joined on demand
    expect(frames[1]).toEqual({ type: "close", message: { reason: "done" } });
  });

  it("decodes any other layout through the ordinary path, exactly as a contiguous frame decodes", () => {
    const framed = (body: Uint8Array) => cat(fromHex("0002 0804"), Uint8Array.of(body.length >>> 24, (body.length >>> 16) & 0xff, (body.length >>> 8) & 0xff, body.length & 0xff), body);
    const len = (n: number) => { const out: number[] = []; while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; } out.push(n); return out; };
    const data = block(40_000, 3);
    const bodies = {
      // a negative id: a 10-byte varint, longer than the quick reader reads
      "negative id": cat(Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x12, ...len(data.length)), data),
      // an unknown fixed64 field before the data
      "unknown fixed64 field": cat(Uint8Array.of(0x21, 1, 2, 3, 4, 5, 6, 7, 8, 0x12, ...len(data.length)), data),
      // the data field twice: the last one wins
      "data twice": cat(Uint8Array.of(0x12, ...len(data.length)), data, Uint8Array.of(0x12, 0x03, 9, 9, 9)),
    };
    // Fields after the data (a peer may order them so) are read from the pieces too.
    const after = cat(Uint8Array.of(0x08, 0x05, 0x12, ...len(data.length)), data, Uint8Array.of(0x18, 0x02));
    const [g] = messages(new FrameReader({ startWithHello: false }), ...records(framed(after), 1000));
    expect(g).toEqual({ type: "response", message: decodeResponse(after) });
    if (g.type === "response") expect(g.message.dataParts?.length).toBe(41);
    for (const [what, body] of Object.entries(bodies)) {
      const want = decodeResponse(body);
      const [f] = messages(new FrameReader({ startWithHello: false }), ...records(framed(body), 1000));
      expect(f, what).toEqual({ type: "response", message: want });
      if (f.type === "response") expect(f.message.dataParts, what).toBeUndefined();
    }
    // A data length running past the message is refused as before.
    const bad = cat(Uint8Array.of(0x08, 0x01, 0x12, ...len(50_000)), data);
    expect(() => messages(new FrameReader({ startWithHello: false }), ...records(framed(bad), 1000))).toThrow(ProtocolError);
  });
});

describe("unknown and malformed frames", () => {
  it("skips unknown message types instead of failing (forward compatibility)", () => {
    const unknown = cat(fromHex("0002 0863 00000003 0a0178"));
    const lz4Body = lz4CompressBlock(new Uint8Array(200));
    const unknownLz4 = cat(fromHex("0004 0809 1001"), fromHex("00000000"), fromHex("000000c8"), lz4Body);
    new DataView(unknownLz4.buffer).setUint32(6, 4 + lz4Body.length);
    const frames = new FrameReader({ startWithHello: false }).feed(cat(unknown, unknownLz4, encodeMessage({ type: "ping", message: {} })));
    expect(frames).toEqual([{ type: "unknown", typeCode: 99, body: fromHex("0a0178") }, { type: "unknown", typeCode: 9, body: new Uint8Array(200) }, { type: "ping", message: {} }]);
  });

  it.each([
    ["negative header length", "ffff", /negative header length/],
    ["negative message length", "0000 80000000", /negative message length/],
    ["message length above 500,000,000", "0000 1dcd6501", /exceeds the 500000000-byte limit/],
    ["unknown compression", "0002 1002 00000000", /unknown message compression 2/],
    ["garbage header", "0002 ffff 00000000", /truncated varint/],
    ["LZ4 body shorter than its prefix", "0002 1001 00000002 0000", /shorter than its length prefix/],
    ["LZ4 declared length above the limit", "0002 1001 00000005 1dcd6501 00", /LZ4 uncompressed length/],
    ["bad LZ4 block", "0002 1001 00000006 00000014 1a61", /LZ4/],
    ["bad protobuf body", "0002 0807 00000002 0a05", /exceeds/],
  ])("rejects %s with ProtocolError", (_label, bytes, msg) => {
    const reader = new FrameReader({ startWithHello: false });
    expect(() => reader.feed(fromHex(bytes))).toThrow(ProtocolError);
    expect(() => reader.feed(fromHex(bytes))).toThrow(msg);
  });

  it("checks lengths before the body arrives, so a huge declared size never waits or allocates", () => {
    expect(MAX_MESSAGE_LENGTH).toBe(500_000_000);
    expect(() => new FrameReader({ startWithHello: false, maxMessageLength: 1 << 20 }).feed(fromHex("0000 00200000"))).toThrow(/exceeds/);
  });

  it("stays failed after an error, because the stream position is lost", () => {
    const reader = new FrameReader({ startWithHello: false });
    expect(() => reader.feed(fromHex("ffff"))).toThrow(ProtocolError);
    expect(() => reader.feed(encodeMessage({ type: "ping", message: {} }))).toThrow(/negative header length/);
  });

  it("waits for the rest of a truncated frame rather than failing", () => {
    const frame = encodeMessage({ type: "index", message: bigIndex(20) });
    const reader = new FrameReader({ startWithHello: false });
    expect(reader.feed(frame.subarray(0, frame.length - 1))).toEqual([]);
    expect(reader.feed(frame.subarray(frame.length - 1)).map((f) => f.type)).toEqual(["index"]);
  });
});
