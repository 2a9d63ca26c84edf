import { describe, expect, it } from "vitest";
import { ProtocolError } from "@/server/sync/protocol/errors";
import { lz4CompressBlock, lz4CompressBound, lz4DecompressBlock } from "@/server/sync/protocol/lz4";
import { randomBytes, seededRandom } from "./seeded-random";

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const text = (s: string) => new TextEncoder().encode(s);

describe("LZ4 block vectors derived by hand from the block format", () => {
  // 20 × 'a': literal 'a', match offset 1 length 14 (token 0x1A), then the 5 mandatory trailing literals (token 0x50).
  const RUN20 = "1a61 0100 50 6161616161";
  // 40 × 'a': match length 34 → nibble 15 plus extension byte 34-4-15 = 15.
  const RUN40 = "1f61 0100 0f 50 6161616161";
  // 20 distinct bytes: one literal-only sequence, nibble 15 plus extension byte 5.
  const LITERALS20 = "f005" + hex(text("ABCDEFGHIJKLMNOPQRST"));

  it("decodes them", () => {
    expect(lz4DecompressBlock(fromHex(RUN20), 20)).toEqual(text("a".repeat(20)));
    expect(lz4DecompressBlock(fromHex(RUN40), 40)).toEqual(text("a".repeat(40)));
    expect(lz4DecompressBlock(fromHex(LITERALS20), 20)).toEqual(text("ABCDEFGHIJKLMNOPQRST"));
  });

  it("produces exactly them when compressing", () => {
    expect(hex(lz4CompressBlock(text("a".repeat(20))))).toBe(RUN20.replace(/\s/g, ""));
    expect(hex(lz4CompressBlock(text("a".repeat(40))))).toBe(RUN40.replace(/\s/g, ""));
    expect(hex(lz4CompressBlock(text("ABCDEFGHIJKLMNOPQRST")))).toBe(LITERALS20);
  });

  it("encodes empty input as a single zero token", () => {
    expect(hex(lz4CompressBlock(new Uint8Array(0)))).toBe("00");
    expect(lz4DecompressBlock(fromHex("00"), 0).length).toBe(0);
  });
});

describe("LZ4 round trips", () => {
  const rand = seededRandom(0x5eed);
  const cases: [string, Uint8Array][] = [
    ["1 byte", Uint8Array.of(7)],
    ["12 bytes", randomBytes(rand, 12)],
    ["13 bytes repeated", text("abcabcabcabca")],
    ["random 100 KiB", randomBytes(rand, 100 * 1024)],
    ["zeros 1 MiB", new Uint8Array(1 << 20)],
    ["text-like", text("FileInfo name=folder/sub/file-0001.txt size=1234 ".repeat(3000))],
    ["random with repeats beyond 64 KiB", (() => {
      const chunk = randomBytes(rand, 70_000);
      const out = new Uint8Array(300_000);
      for (let i = 0; i < out.length; i += chunk.length) out.set(chunk.subarray(0, Math.min(chunk.length, out.length - i)), i);
      return out;
    })()],
    ["short runs", Uint8Array.from({ length: 50_000 }, (_, i) => (i >> 3) & 0xff)],
  ];
  it.each(cases)("%s", (_label, input) => {
    const c = lz4CompressBlock(input);
    expect(c.length).toBeLessThanOrEqual(lz4CompressBound(input.length));
    expect(Buffer.from(lz4DecompressBlock(c, input.length)).equals(Buffer.from(input))).toBe(true);
  });

  it("compresses repetitive data well", () => {
    expect(lz4CompressBlock(new Uint8Array(1 << 20)).length).toBeLessThan(5000);
  });

  it("keeps the end-of-block rules: last 5 bytes literal, no match starting in the last 12", () => {
    const input = text("x".repeat(64));
    const c = lz4CompressBlock(input);
    // Final sequence: token with 0 match nibble and ≥5 literals.
    const last = c[c.length - 6];
    expect(last >> 4).toBeGreaterThanOrEqual(5);
    expect(hex(c.subarray(c.length - 5))).toBe("7878787878");
  });
});

describe("LZ4 decoder against hostile input", () => {
  it.each([
    ["empty block", "", 1, /missing token/],
    ["literals past end", "50 6161", 5, /past the end/],
    ["literals beyond declared size", "50 6161616161", 3, /overflow the declared/],
    ["zero offset", "1a61 0000 50 6161616161", 20, /zero match offset/],
    ["offset before output start", "1a61 0200 50 6161616161", 20, /before the start/],
    ["truncated offset", "1a61 01", 20, /truncated match offset/],
    ["truncated literal length", "f0ff", 300, /truncated literal length/],
    ["truncated match length", "1f61 0100", 40, /truncated match length/],
    ["match beyond declared size", "1f61 0100 0f 50 6161616161", 30, /match overflows/],
    ["output shorter than declared", "1a61 0100 50 6161616161", 21, /decoded to 20 bytes/],
    ["declared size impossible for input", "00", 1_000_000, /impossible/],
    ["negative declared size", "00", -1, /invalid/],
  ])("%s", (_label, block, outLen, msg) => {
    expect(() => lz4DecompressBlock(fromHex(block), outLen)).toThrow(ProtocolError);
    expect(() => lz4DecompressBlock(fromHex(block), outLen)).toThrow(msg);
  });
});

describe("LZ4 compressor on random structured data", () => {
  it("round-trips 2000 seeded inputs mixing noise, runs and back-references", () => {
    const rand = seededRandom(42);
    for (let c = 0; c < 2000; c++) {
      const n = Math.floor(rand() * 3000);
      const input = new Uint8Array(n);
      for (let i = 0; i < n; ) {
        const kind = Math.floor(rand() * 3);
        const len = 1 + Math.floor(rand() * 40);
        for (let k = 0; k < len && i < n; k++, i++) {
          if (kind === 0 || i === 0) input[i] = Math.floor(rand() * 256);
          else if (kind === 1) input[i] = input[i - 1];
          else input[i] = input[Math.max(0, i - 1 - Math.floor(rand() * Math.min(i, 300)))];
        }
      }
      const back = lz4DecompressBlock(lz4CompressBlock(input), n);
      if (!Buffer.from(back).equals(Buffer.from(input))) throw new Error(`round trip failed for case ${c}`);
    }
  });
});
