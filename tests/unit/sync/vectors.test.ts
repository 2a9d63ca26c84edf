import { describe, expect, it } from "vitest";
import { compareVectors, mergeVectors, updateVector } from "../../../server/sync/vectors";
import { beats, needs } from "../../../server/sync/global";
import type { FileRecord } from "../../../server/sync/records";
import { fileRecord } from "../../support/records";

const v = (...pairs: [number, number][]) => pairs.map(([id, value]) => ({ id: BigInt(id), value: BigInt(value) }));

describe("version vectors (bep.md §7)", () => {
  it("compares with missing entries as zero", () => {
    expect(compareVectors(v([1, 1]), v([1, 1]))).toBe("equal");
    expect(compareVectors(v([1, 2]), v([1, 1]))).toBe("greater");
    expect(compareVectors(v([1, 1]), v([1, 1], [2, 1]))).toBe("lesser");
    expect(compareVectors([], [])).toBe("equal");
  });

  it("names a concurrent result after the first differing id", () => {
    expect(compareVectors(v([1, 2], [2, 1]), v([1, 1], [2, 2]))).toBe("concurrentGreater");
    expect(compareVectors(v([1, 1], [2, 2]), v([1, 2], [2, 1]))).toBe("concurrentLesser");
  });

  it("compares ids as unsigned 64-bit even when given unsorted", () => {
    const big = 0xf000000000000000n;
    const a = [{ id: big, value: 1n }, { id: 1n, value: 5n }];
    const b = [{ id: 1n, value: 5n }, { id: big, value: 1n }];
    expect(compareVectors(a, b)).toBe("equal");
  });

  it("updates our counter to max(old + 1, now in seconds)", () => {
    expect(updateVector([], 7n, 1000n)).toEqual(v([7, 1000]));
    expect(updateVector(v([7, 2000]), 7n, 1000n)).toEqual(v([7, 2001]));
    expect(updateVector(v([3, 9], [9, 9]), 7n, 1000n)).toEqual(v([3, 9], [7, 1000], [9, 9]));
  });

  it("merges element-wise", () => {
    expect(mergeVectors(v([1, 3], [2, 1]), v([2, 4], [3, 1]))).toEqual(v([1, 3], [2, 4], [3, 1]));
  });
});

const rec = (over: Partial<FileRecord>): FileRecord => fileRecord("f", { type: 0, size: 1, modifiedS: 100, version: v([1, 1]), sequence: 1, blockHashes: Buffer.alloc(32), ...over });

describe("global version selection (Syncthing 1.19 rules)", () => {
  it("a valid entry beats an invalid one whatever the versions", () => {
    expect(beats(rec({ version: v([1, 1]) }), rec({ version: v([1, 5]), invalid: true }))).toBe(true);
  });
  it("the greater vector wins", () => {
    expect(beats(rec({ version: v([1, 2]) }), rec({ version: v([1, 1]) }))).toBe(true);
    expect(beats(rec({ version: v([1, 1]) }), rec({ version: v([1, 2]) }))).toBe(false);
  });
  it("for concurrent versions: modification beats deletion, then the newer mtime, then ConcurrentGreater", () => {
    const x = v([1, 2], [2, 1]);
    const y = v([1, 1], [2, 2]);
    expect(beats(rec({ version: x, deleted: true, modifiedS: 999 }), rec({ version: y }))).toBe(false);
    expect(beats(rec({ version: x, modifiedS: 100 }), rec({ version: y, modifiedS: 200 }))).toBe(false);
    expect(beats(rec({ version: y, modifiedS: 200 }), rec({ version: x, modifiedS: 100 }))).toBe(true);
    expect(beats(rec({ version: x }), rec({ version: y }))).toBe(true);
    expect(beats(rec({ version: y }), rec({ version: x }))).toBe(false);
  });
  it("needs the global unless it is invalid, equal, or a deletion of something we lack", () => {
    expect(needs(undefined, rec({}))).toBe(true);
    expect(needs(undefined, rec({ deleted: true }))).toBe(false);
    expect(needs(rec({ version: v([1, 1]) }), rec({ version: v([1, 1]) }))).toBe(false);
    expect(needs(rec({ version: v([1, 1]) }), rec({ version: v([1, 2]) }))).toBe(true);
    expect(needs(undefined, rec({ invalid: true }))).toBe(false);
  });
});
