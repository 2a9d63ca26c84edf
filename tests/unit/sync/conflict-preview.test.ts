import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectImage, diffLines, isText, previewConflict, toHunks, IMAGE_PREVIEW_MAX } from "../../../server/sync/conflict-preview";

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-preview-"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
const put = (name: string, data: string | Buffer) => fs.writeFileSync(path.join(root, name), data);

describe("content detection", () => {
  it("tells text from binary and images by their bytes, not their names", () => {
    expect(isText(Buffer.from("plain ☃ text\n"))).toBe(true);
    expect(isText(Buffer.from([0x61, 0x00, 0x62]))).toBe(false);
    expect(isText(Buffer.from([0xc3, 0x28]))).toBe(false); // invalid UTF-8
    expect(detectImage(PNG)).toBe("image/png");
    expect(detectImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(detectImage(Buffer.from("GIF89a......"))).toBe("image/gif");
    expect(detectImage(Buffer.from("<svg></svg>"))).toBeNull();
  });
});

describe("line diff", () => {
  it("finds the shortest edit between two versions", () => {
    const d = diffLines(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"])!;
    expect(d.map((l) => l.op + l.text)).toEqual(["=a", "-b", "+x", "=c", "=d", "+e"]);
    expect(diffLines([], ["new"])!.map((l) => l.op + l.text)).toEqual(["+new"]);
    expect(diffLines(["same"], ["same"])!.map((l) => l.op)).toEqual(["="]);
  });

  it("gives up past the edit limit instead of spending unbounded time", () => {
    const a = Array.from({ length: 100 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 100 }, (_, i) => `b${i}`);
    expect(diffLines(a, b, 50)).toBeNull();
    expect(diffLines(a, b, 200)).toHaveLength(200);
  });

  it("groups changes into hunks with three lines of context", () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const b = [...a];
    b[1] = "changed 2";
    b[17] = "changed 18";
    const hunks = toHunks(diffLines(a, b)!);
    expect(hunks).toHaveLength(2);
    expect(hunks[0]).toMatchObject({ aStart: 1, bStart: 1 });
    expect(hunks[0].lines.map((l) => l.op + l.text)).toEqual(["=line 1", "-line 2", "+changed 2", "=line 3", "=line 4", "=line 5"]);
    expect(hunks[1].aStart).toBe(15);
    expect(hunks[1].lines.filter((l) => l.op === "=")).toHaveLength(5);
  });
});

describe("conflict preview", () => {
  it("shows two text versions with their diff", async () => {
    put("notes.txt", "one\ntwo\nthree\n");
    put("notes.sync-conflict-20240110-120000-ABCDEFG.txt", "one\n2\nthree\n");
    const p = await previewConflict(root, "notes.txt", "notes.sync-conflict-20240110-120000-ABCDEFG.txt");
    expect(p.current).toMatchObject({ kind: "text", size: 14, text: "one\ntwo\nthree\n" });
    expect(p.conflict).toMatchObject({ kind: "text", text: "one\n2\nthree\n" });
    expect(p.current.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(p.diff![0].lines.map((l) => l.op + l.text)).toEqual(["=one", "-two", "+2", "=three"]);
  });

  it("shows images inline, and binary or oversized files as metadata only", async () => {
    put("pic.png", PNG);
    put("pic.sync-conflict-20240110-120000-ABCDEFG.png", Buffer.concat([PNG, Buffer.alloc(IMAGE_PREVIEW_MAX)]));
    const img = await previewConflict(root, "pic.png", "pic.sync-conflict-20240110-120000-ABCDEFG.png");
    expect(img.current).toMatchObject({ kind: "image", mime: "image/png", dataBase64: PNG.toString("base64") });
    expect(img.conflict).toMatchObject({ kind: "binary", mime: "image/png", size: PNG.length + IMAGE_PREVIEW_MAX });
    expect(img.conflict.dataBase64).toBeUndefined();
    expect(img.conflict.note).toMatch(/larger than/);
    expect(img.diff).toBeNull();

    put("data.bin", Buffer.from([1, 2, 0, 3]));
    const bin = await previewConflict(root, "data.bin", "data.sync-conflict-20240110-120000-ABCDEFG.bin");
    expect(bin.current).toMatchObject({ kind: "binary", size: 4 });
    expect(bin.current.text).toBeUndefined();
    expect(bin.conflict.kind).toBe("missing");
  });
});
