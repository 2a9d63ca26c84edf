import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLOCK_SIZES, adler32, blockSizeFor, effectiveBlockSize, hashBuffer, hashFile } from "@/server/sync/blocks";

const KiB = 1024;
const MiB = 1024 * KiB;
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// SHA-256 of all-zero blocks, from Syncthing's lib/protocol sha256OfEmptyBlock table.
const ZERO_128K = "fa43239bcee7b97ca62f007cc68487560a39e19f74f3dde7486db3f98df8e471";
const ZERO_256K = "8a39d2abd3999ab73c34db2476849cddf303ce389b35826850f9a700589b4a90";

/** Deterministic, non-repeating-per-block content, so misplaced offsets change hashes. */
function patterned(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = 0x12345678;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

describe("block size selection (fewer than 2000 blocks, 128 KiB … 16 MiB)", () => {
  it.each([
    [0, 128 * KiB],
    [1, 128 * KiB],
    [250 * MiB - 1, 128 * KiB],
    [250 * MiB, 256 * KiB],
    [500 * MiB - 1, 256 * KiB],
    [500 * MiB, 512 * KiB],
    [1000 * MiB - 1, 512 * KiB],
    [1000 * MiB, 1 * MiB], // 2000 × 512 KiB is 1000 MiB, not 1 GiB
    [1024 * MiB, 1 * MiB],
    [2000 * MiB - 1, 1 * MiB],
    [2000 * MiB, 2 * MiB],
    [4000 * MiB, 4 * MiB],
    [8000 * MiB - 1, 4 * MiB],
    [8000 * MiB, 8 * MiB],
    [16000 * MiB - 1, 8 * MiB],
    [16000 * MiB, 16 * MiB],
    [1024 * 1024 * MiB, 16 * MiB],
  ])("%d bytes → %d", (size, expected) => {
    expect(blockSizeFor(size)).toBe(expected);
  });

  it("lists the eight legal sizes and reads small declared sizes as 128 KiB", () => {
    expect(BLOCK_SIZES).toEqual([128, 256, 512, 1024, 2048, 4096, 8192, 16384].map((k) => k * KiB));
    expect(effectiveBlockSize(0)).toBe(128 * KiB);
    expect(effectiveBlockSize(4096)).toBe(128 * KiB);
    expect(effectiveBlockSize(2 * MiB)).toBe(2 * MiB);
  });
});

describe("weak hash", () => {
  it("is standard Adler-32 (bep.md: 'hello world\\n' gives 510788711)", () => {
    expect(adler32(Buffer.from("hello world\n"))).toBe(510788711);
    expect(adler32(Buffer.from("Wikipedia"))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
  });

  it("stays exact past the deferred-modulo chunk size", () => {
    const data = Buffer.alloc(100_000, 0xff);
    let a = 1;
    let b = 0;
    for (const byte of data) {
      a = (a + byte) % 65521;
      b = (b + a) % 65521;
    }
    expect(adler32(data)).toBe(((b << 16) | a) >>> 0);
  });
});

describe("hashBuffer", () => {
  it("gives an empty input exactly one empty block", () => {
    const blocks = hashBuffer(Buffer.alloc(0));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ offset: 0, size: 0, weakHash: 0 });
    expect(blocks[0].hash.toString("hex")).toBe(EMPTY_SHA256);
  });

  it("hashes zero blocks to Syncthing's known values", () => {
    const blocks = hashBuffer(Buffer.alloc(256 * KiB));
    expect(blocks.map((b) => b.hash.toString("hex"))).toEqual([ZERO_128K, ZERO_128K]);
    expect(hashBuffer(Buffer.alloc(256 * KiB), { blockSize: 256 * KiB })[0].hash.toString("hex")).toBe(ZERO_256K);
  });

  it("cuts consecutive blocks with a short last one", () => {
    const data = patterned(2 * 128 * KiB + 10);
    const blocks = hashBuffer(data);
    expect(blocks.map((b) => [b.offset, b.size])).toEqual([
      [0, 128 * KiB],
      [128 * KiB, 128 * KiB],
      [256 * KiB, 10],
    ]);
    expect(blocks[2].hash).toEqual(createHash("sha256").update(data.subarray(256 * KiB)).digest());
    expect(blocks[2].hash).toHaveLength(32);
    expect(blocks[1].weakHash).toBe(adler32(data.subarray(128 * KiB, 256 * KiB)));
  });

  it("leaves weak hashes 0 when asked to, and rejects illegal block sizes", () => {
    expect(hashBuffer(Buffer.from("abc"), { weakHash: false })[0].weakHash).toBe(0);
    expect(() => hashBuffer(Buffer.from("abc"), { blockSize: 4096 })).toThrow("not one of Syncthing's sizes");
  });
});

describe("hashFile", () => {
  let dir = "";
  const file = (name: string) => path.join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ferry-blocks-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([0, 1, 128 * KiB - 1, 128 * KiB, 5 * 128 * KiB + 77, 9 * MiB + 3])("matches hashBuffer for a %d-byte file", async (size) => {
    const data = patterned(size);
    await writeFile(file(`f${size}`), data);
    const hashed = await hashFile(file(`f${size}`), { readSize: 512 * KiB });
    expect(hashed.size).toBe(size);
    expect(hashed.blockSize).toBe(128 * KiB);
    expect(hashed.blocks).toEqual(hashBuffer(data));
  });

  it("honours an explicit block size and odd read sizes", async () => {
    const data = patterned(3 * MiB + 5);
    await writeFile(file("explicit"), data);
    const hashed = await hashFile(file("explicit"), { blockSize: 1 * MiB, readSize: 3 * MiB + 1 });
    expect(hashed.blocks).toEqual(hashBuffer(data, { blockSize: 1 * MiB }));
    expect(hashed.blocks).toHaveLength(4);
  });

  it("hashes a block range, for splitting one file across workers", async () => {
    const data = patterned(10 * 128 * KiB + 9);
    await writeFile(file("range"), data);
    const all = hashBuffer(data);
    const part = await hashFile(file("range"), { firstBlock: 4, blockCount: 3 });
    expect(part.blocks).toEqual(all.slice(4, 7));
    const tail = await hashFile(file("range"), { firstBlock: 9, blockCount: 5 });
    expect(tail.blocks).toEqual(all.slice(9));
  });

  it("stops with the signal's reason when aborted", async () => {
    await writeFile(file("abort"), patterned(4 * MiB));
    const controller = new AbortController();
    controller.abort(new Error("scan cancelled"));
    await expect(hashFile(file("abort"), { signal: controller.signal })).rejects.toThrow("scan cancelled");
  });

  it("fails clearly for a missing file", async () => {
    await expect(hashFile(file("nope"))).rejects.toThrow(/ENOENT/);
  });
});
