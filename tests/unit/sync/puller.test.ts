import { randomFillSync } from "node:crypto";
import { constants as fsc } from "node:fs";
import { chmod, mkdir, mkdtemp, open, readFile, readdir, readlink, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { blockSizeFor, hashBuffer, hashFile } from "@/server/sync/blocks";
import { conflictName, tempName } from "@/server/sync/names";
import { FileInfoType, emptyFileInfo, type BlockInfo, type FileInfo } from "@/server/sync/protocol/fileinfo";
import {
  LocalChangedError,
  PullError,
  applyDelete,
  applyDirectory,
  applySymlink,
  pullFile,
  type BlockSource,
} from "@/server/sync/puller";
import { expectedOf, exists, patterned } from "../../support/puller-fixtures";

const KiB = 1024;
const MiB = 1024 * KiB;
const MTIME_S = 1_700_000_000;
const MTIME_NS = 123_456_789;

function fileInfo(name: string, data: Buffer, extra: Partial<FileInfo> = {}): FileInfo {
  const blockSize = blockSizeFor(data.length);
  return {
    ...emptyFileInfo(name),
    size: data.length,
    permissions: 0o644,
    modifiedS: MTIME_S,
    modifiedNs: MTIME_NS,
    blockSize,
    blocks: hashBuffer(data, { blockSize, weakHash: false }),
    ...extra,
  };
}

interface TestSource extends BlockSource {
  fetchCalls: number[];
}

/** Stands in for the network: blocks are read from a source copy of the file. */
function sourceFrom(
  sourcePath: string,
  opts: {
    local?: Map<string, { name: string; offset: number }>;
    tamper?: (block: BlockInfo, attempt: number, data: Buffer) => Buffer | Uint8Array[];
    beforeFetch?: (block: BlockInfo, count: number) => Promise<void> | void;
  } = {},
): TestSource {
  const attempts = new Map<number, number>();
  const fetchCalls: number[] = [];
  return {
    fetchCalls,
    async findLocal(hash) {
      return opts.local?.get(Buffer.from(hash).toString("hex")) ?? null;
    },
    async fetch(block) {
      fetchCalls.push(block.offset);
      await opts.beforeFetch?.(block, fetchCalls.length);
      const attempt = (attempts.get(block.offset) ?? 0) + 1;
      attempts.set(block.offset, attempt);
      const fh = await open(sourcePath, "r");
      try {
        const buf = Buffer.alloc(block.size);
        await fh.read(buf, 0, block.size, block.offset);
        return opts.tamper ? opts.tamper(block, attempt, buf) : buf;
      } finally {
        await fh.close();
      }
    },
  };
}

/** Buffer equality by memcmp: deep-equal over megabytes of bytes takes vitest minutes. */
async function expectSameBytes(p: string, want: Buffer): Promise<void> {
  const got = await readFile(p);
  expect(got.length).toBe(want.length);
  expect(got.equals(want)).toBe(true);
}

let base: string;
let root: string;
let srcDir: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), "ferry-puller-"));
  root = path.join(base, "folder");
  srcDir = path.join(base, "source");
  await mkdir(root);
  await mkdir(srcDir);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function source(name: string, data: Buffer, opts: Parameters<typeof sourceFrom>[1] = {}): Promise<TestSource> {
  const p = path.join(srcDir, name.replaceAll("/", "_"));
  await writeFile(p, data);
  return sourceFrom(p, opts);
}

describe("pullFile: new files", { timeout: 60_000 }, () => {
  it.each([
    ["empty", 0],
    ["one byte", 1],
    ["exactly one block", 128 * KiB],
    ["many blocks with a short last one", 5 * MiB + 17],
    ["50 MiB", 50 * MiB],
  ])("materializes a %s file byte for byte, with no temp file left", async (_label, size) => {
    const data = patterned(size, size + 1);
    const file = fileInfo("dir/sub/file.bin", data);
    const progress: number[] = [];
    const src = await source(file.name, data);
    const result = await pullFile({ root, file, expectedLocal: null, source: src, onProgress: (done) => progress.push(done) });
    await expectSameBytes(path.join(root, file.name), data);
    expect(result).toMatchObject({ fetchedBytes: size, copiedBytes: 0, reusedFromTempBytes: 0 });
    expect(await readdir(path.join(root, "dir/sub"))).toEqual(["file.bin"]);
    expect(result.inode).toBe(Number((await stat(path.join(root, file.name))).ino));
    if (size > 0) expect(progress.at(-1)).toBe(size);
    expect((await stat(path.join(root, "dir"))).mode & 0o777).toBe(0o755);
  });

  it("accepts an empty file announced with no blocks as well as with one empty block", async () => {
    const file = { ...fileInfo("e", Buffer.alloc(0)), blocks: [] };
    await pullFile({ root, file, expectedLocal: null, source: await source("e", Buffer.alloc(0)) });
    expect((await stat(path.join(root, "e"))).size).toBe(0);
  });

  it("fetches a repeated block once and writes it at every offset", async () => {
    const data = Buffer.alloc(20 * 128 * KiB); // all zeros: 20 identical blocks
    const file = fileInfo("zeros", data);
    const src = await source("zeros", data);
    const result = await pullFile({ root, file, expectedLocal: null, source: src });
    expect(src.fetchCalls).toHaveLength(1);
    expect(result).toMatchObject({ fetchedBytes: 128 * KiB, copiedBytes: 19 * 128 * KiB });
    await expectSameBytes(path.join(root, "zeros"), data);
  });

  it("refuses a block list that does not tile the file", async () => {
    const data = patterned(300 * KiB);
    const good = fileInfo("x", data);
    const src = await source("x", data);
    for (const blocks of [good.blocks.slice(1), [good.blocks[0], good.blocks[0], good.blocks[2]], [{ ...good.blocks[0], hash: new Uint8Array(3) }, ...good.blocks.slice(1)]]) {
      await expect(pullFile({ root, file: { ...good, blocks }, expectedLocal: null, source: src })).rejects.toMatchObject({ reason: "bad-file-info" });
    }
    await expect(pullFile({ root, file: { ...good, size: data.length + 1 }, expectedLocal: null, source: src })).rejects.toMatchObject({ reason: "bad-file-info" });
    expect(await exists(path.join(root, "x"))).toBe(false);
  });
});

describe("pullFile: local copies", () => {
  it("copies blocks of a same-content file under another name without fetching anything", async () => {
    const data = patterned(3 * MiB + 5);
    await writeFile(path.join(root, "old-name.bin"), data);
    const file = fileInfo("new-name.bin", data);
    const local = new Map(file.blocks.map((b) => [Buffer.from(b.hash).toString("hex"), { name: "old-name.bin", offset: b.offset }]));
    const src = await source(file.name, data, { local });
    const result = await pullFile({ root, file, expectedLocal: null, source: src });
    expect(result).toMatchObject({ fetchedBytes: 0, copiedBytes: data.length });
    expect(src.fetchCalls).toEqual([]);
    await expectSameBytes(path.join(root, "new-name.bin"), data);
  });

  it("fetches instead when the local copy no longer holds the block (verified, not trusted)", async () => {
    const data = patterned(512 * KiB);
    await writeFile(path.join(root, "stale.bin"), patterned(512 * KiB, 99));
    const file = fileInfo("f.bin", data);
    const local = new Map(file.blocks.map((b) => [Buffer.from(b.hash).toString("hex"), { name: "stale.bin", offset: b.offset }]));
    const result = await pullFile({ root, file, expectedLocal: null, source: await source("f.bin", data, { local }) });
    expect(result).toMatchObject({ fetchedBytes: data.length, copiedBytes: 0 });
    await expectSameBytes(path.join(root, "f.bin"), data);
  });

  it("does not read a local copy through a symlinked parent", async () => {
    const outside = path.join(base, "outside");
    await mkdir(outside);
    const data = patterned(256 * KiB);
    await writeFile(path.join(outside, "secret"), data);
    await symlink(outside, path.join(root, "link"));
    const file = fileInfo("f.bin", data);
    const local = new Map(file.blocks.map((b) => [Buffer.from(b.hash).toString("hex"), { name: "link/secret", offset: b.offset }]));
    const result = await pullFile({ root, file, expectedLocal: null, source: await source("f.bin", data, { local }) });
    expect(result.copiedBytes).toBe(0);
  });
});

describe("pullFile: interruption and corruption", () => {
  it("reuses the verified blocks of the temp file after an aborted pull", async () => {
    const data = patterned(5 * MiB);
    const file = fileInfo("big.bin", data);
    const controller = new AbortController();
    const first = await source("big.bin", data, { beforeFetch: (_b, n) => void (n === 12 && controller.abort()) });
    await expect(pullFile({ root, file, expectedLocal: null, source: first, signal: controller.signal, concurrency: 4 })).rejects.toThrow(/abort/i);
    expect(await exists(path.join(root, "big.bin"))).toBe(false);
    expect(await exists(path.join(root, tempName("big.bin")))).toBe(true);

    const second = await source("big.bin", data);
    const result = await pullFile({ root, file, expectedLocal: null, source: second });
    expect(result.reusedFromTempBytes).toBeGreaterThan(0);
    expect(result.fetchedBytes).toBeLessThan(data.length);
    expect(result.reusedFromTempBytes + result.fetchedBytes + result.copiedBytes).toBe(data.length);
    await expectSameBytes(path.join(root, "big.bin"), data);
    expect(await exists(path.join(root, tempName("big.bin")))).toBe(false);
  });

  it("discards a temp file whose blocks match nothing", async () => {
    const data = patterned(1 * MiB);
    await writeFile(path.join(root, tempName("f")), patterned(2 * MiB, 7));
    const result = await pullFile({ root, file: fileInfo("f", data), expectedLocal: null, source: await source("f", data) });
    expect(result).toMatchObject({ reusedFromTempBytes: 0, fetchedBytes: data.length });
    await expectSameBytes(path.join(root, "f"), data);
  });

  it("retries a corrupt block once and succeeds if the second copy is good", async () => {
    const data = patterned(1 * MiB);
    const tamper = (b: BlockInfo, attempt: number, buf: Buffer) => (b.offset === 3 * 128 * KiB && attempt === 1 ? Buffer.from(buf).fill(0, 0, 10) : buf);
    const src = await source("f", data, { tamper });
    await pullFile({ root, file: fileInfo("f", data), expectedLocal: null, source: src });
    expect(src.fetchCalls.filter((o) => o === 3 * 128 * KiB)).toHaveLength(2);
    await expectSameBytes(path.join(root, "f"), data);
  });

  it("writes blocks that arrive in pieces (as the network hands them over), checking the pieces' hash", async () => {
    const data = patterned(1 * MiB + 5);
    const split = (buf: Buffer) => [buf.subarray(0, 1000), buf.subarray(1000, 1000), buf.subarray(1000, 70_000), buf.subarray(70_000)];
    // The block at 256 KiB arrives with one byte of its third piece wrong the first time.
    const tamper = (b: BlockInfo, attempt: number, buf: Buffer) => {
      const pieces = split(Buffer.from(buf));
      if (b.offset === 2 * 128 * KiB && attempt === 1) pieces[2][5] ^= 1;
      return pieces;
    };
    const src = await source("p", data, { tamper });
    const result = await pullFile({ root, file: fileInfo("p", data), expectedLocal: null, source: src });
    await expectSameBytes(path.join(root, "p"), data);
    expect(result.fetchedBytes).toBe(data.length);
    expect(src.fetchCalls.filter((o) => o === 2 * 128 * KiB)).toHaveLength(2);
  });

  it("hands the directory fsync to a caller that batches it, except when a conflict copy was made", async () => {
    const data = patterned(3000);
    const deferred: string[] = [];
    await pullFile({ root, file: fileInfo("d/x", data), expectedLocal: null, source: await source("d/x", data), deferDirSync: (dir) => deferred.push(dir) });
    await expectSameBytes(path.join(root, "d/x"), data);
    expect(deferred).toEqual([path.join(root, "d")]);
    // A conflict copy is recorded at once, so its directory is synced at once, not handed over.
    const expected = await expectedOf(path.join(root, "d/x"));
    const newer = patterned(3000, 99);
    await pullFile({ root, file: fileInfo("d/x", newer), expectedLocal: expected, conflictCopy: "d/x.sync-conflict-20260101-000000-AAAAAAA", source: await source("d/x2", newer), deferDirSync: (dir) => deferred.push(dir) });
    expect(deferred).toHaveLength(1);
    await expectSameBytes(path.join(root, "d/x.sync-conflict-20260101-000000-AAAAAAA"), data);
  });

  it("gives up with PullError after a block fails verification twice, writing nothing at the target", async () => {
    const data = patterned(1 * MiB);
    await writeFile(path.join(root, "f"), "local");
    const expected = await expectedOf(path.join(root, "f"));
    const tamper = (b: BlockInfo, _attempt: number, buf: Buffer) => (b.offset === 3 * 128 * KiB ? buf.subarray(1) : buf);
    const src = await source("f", data, { tamper });
    const err = await pullFile({ root, file: fileInfo("f", data), expectedLocal: expected, source: src }).catch((e) => e);
    expect(err).toBeInstanceOf(PullError);
    expect(err.reason).toBe("hash-mismatch");
    expect(src.fetchCalls.filter((o) => o === 3 * 128 * KiB)).toHaveLength(2);
    expect(await readFile(path.join(root, "f"), "utf8")).toBe("local");
  });

  it("reports a source that keeps failing as fetch-failed", async () => {
    const data = patterned(200 * KiB);
    const src: BlockSource = { findLocal: async () => null, fetch: async () => Promise.reject(new Error("peer went away")) };
    await expect(pullFile({ root, file: fileInfo("f", data), expectedLocal: null, source: src })).rejects.toMatchObject({ reason: "fetch-failed" });
    expect(await exists(path.join(root, "f"))).toBe(false);
  });
});

describe("pullFile: metadata", () => {
  it("applies permissions and the mtime to the microsecond (what Node can set) and reports the disk state", async () => {
    const data = patterned(1000);
    const result = await pullFile({ root, file: fileInfo("f", data, { permissions: 0o100640 }), expectedLocal: null, source: await source("f", data) });
    const st = await stat(path.join(root, "f"), { bigint: true });
    expect(Number(st.mode) & 0o7777).toBe(0o640);
    expect(st.mtimeNs).toBe(BigInt(MTIME_S) * 1_000_000_000n + 123_456_000n);
    expect(result.disk).toEqual({ size: 1000, modifiedS: MTIME_S, modifiedNs: 123_456_000, inode: Number(st.ino) });
  });

  it("accepts its own pulled file as unchanged when the index holds the peer's nanoseconds", async () => {
    const v1 = patterned(10, 1);
    const first = await pullFile({ root, file: fileInfo("f", v1), expectedLocal: null, source: await source("f1", v1) });
    expect(first.disk.modifiedNs).not.toBe(MTIME_NS); // the disk keeps microseconds only
    const v2 = patterned(20, 2);
    const indexSays = { size: v1.length, modifiedS: MTIME_S, modifiedNs: MTIME_NS, inode: first.inode };
    await pullFile({ root, file: fileInfo("f", v2, { modifiedS: MTIME_S + 5 }), expectedLocal: indexSays, source: await source("f2", v2) });
    await expectSameBytes(path.join(root, "f"), v2);
  });

  it("never rounds an mtime just below a whole second up into the next second", async () => {
    const data = patterned(10);
    await pullFile({ root, file: fileInfo("f", data, { modifiedS: 1_795_604_563, modifiedNs: 999_999_999 }), expectedLocal: null, source: await source("f", data) });
    expect((await stat(path.join(root, "f"), { bigint: true })).mtimeNs).toBe(1_795_604_563_999_999_000n);
  });

  it("leaves the mode alone when permissions are ignored or absent", async () => {
    const data = patterned(10);
    await writeFile(path.join(root, "f"), "old");
    await chmod(path.join(root, "f"), 0o600);
    await pullFile({ root, file: fileInfo("f", data, { permissions: 0o777 }), expectedLocal: await expectedOf(path.join(root, "f")), ignorePerms: true, source: await source("f", data) });
    expect((await stat(path.join(root, "f"))).mode & 0o777).toBe(0o600);
    await pullFile({ root, file: fileInfo("g", data, { permissions: 0o777, noPermissions: true }), expectedLocal: null, source: await source("g", data) });
    expect((await stat(path.join(root, "g"))).mode & 0o111).toBe(0);
  });
});

describe("pullFile: local changes and conflicts", () => {
  it("throws LocalChangedError and keeps the local content when the file changed during the pull", async () => {
    const abs = path.join(root, "doc.txt");
    await writeFile(abs, "as scanned");
    const expected = await expectedOf(abs);
    const data = patterned(600 * KiB);
    const src = await source("doc.txt", data, { beforeFetch: async (_b, n) => void (n === 2 && (await writeFile(abs, "edited locally!"))) });
    const err = await pullFile({ root, file: fileInfo("doc.txt", data), expectedLocal: expected, source: src }).catch((e) => e);
    expect(err).toBeInstanceOf(LocalChangedError);
    expect(await readFile(abs, "utf8")).toBe("edited locally!");
  });

  it("detects an edit that kept size and mtime by the inode, and a file the index does not know", async () => {
    const abs = path.join(root, "doc.txt");
    await writeFile(abs, "aaaa");
    const expected = await expectedOf(abs);
    await writeFile(path.join(root, "other"), "bbbb");
    await utimes(path.join(root, "other"), (await stat(abs)).atime, (await stat(abs)).mtime);
    await rm(abs);
    const { rename } = await import("node:fs/promises");
    await rename(path.join(root, "other"), abs);
    const data = patterned(10);
    await expect(pullFile({ root, file: fileInfo("doc.txt", data), expectedLocal: expected, source: await source("d", data) })).rejects.toBeInstanceOf(LocalChangedError);
    await expect(pullFile({ root, file: fileInfo("doc.txt", data), expectedLocal: null, source: await source("d", data) })).rejects.toBeInstanceOf(LocalChangedError);
    expect(await readFile(abs, "utf8")).toBe("bbbb");
  });

  it("keeps the replaced file under the conflict name, with its old content and mtime", async () => {
    const abs = path.join(root, "notes.txt");
    await writeFile(abs, "mine");
    await utimes(abs, 1_600_000_000, 1_600_000_000);
    const expected = await expectedOf(abs);
    const conflict = conflictName("notes.txt", "ZOQPXPG", new Date(2026, 10, 25, 11, 3, 53));
    const data = Buffer.from("theirs");
    await pullFile({ root, file: fileInfo("notes.txt", data), expectedLocal: expected, conflictCopy: conflict, source: await source("n", data) });
    expect(await readFile(abs, "utf8")).toBe("theirs");
    expect(conflict).toBe("notes.sync-conflict-20261125-110353-ZOQPXPG.txt");
    expect(await readFile(path.join(root, conflict), "utf8")).toBe("mine");
    expect((await stat(path.join(root, conflict))).mtimeMs).toBe(1_600_000_000_000);
  });

  it("never overwrites an existing conflict copy", async () => {
    const abs = path.join(root, "n.txt");
    await writeFile(abs, "mine");
    await writeFile(path.join(root, "n.sync-conflict-20260101-000000-ZOQPXPG.txt"), "older conflict");
    const data = Buffer.from("theirs");
    await expect(
      pullFile({ root, file: fileInfo("n.txt", data), expectedLocal: await expectedOf(abs), conflictCopy: "n.sync-conflict-20260101-000000-ZOQPXPG.txt", source: await source("n", data) }),
    ).rejects.toMatchObject({ reason: "conflict-exists" });
    expect(await readFile(abs, "utf8")).toBe("mine");
    expect(await readFile(path.join(root, "n.sync-conflict-20260101-000000-ZOQPXPG.txt"), "utf8")).toBe("older conflict");
  });
});

describe("hostile names and symlinks", () => {
  it.each(["../x", "/etc/passwd", "a/../../b", "a\0b", "", "a//b", ".stfolder/x", ".syncthing.a.tmp"])("refuses to pull %j", async (name) => {
    const data = Buffer.from("evil");
    const file = { ...fileInfo("placeholder", data), name };
    const err = await pullFile({ root, file, expectedLocal: null, source: await source("evil", data) }).catch((e) => e);
    expect(err).toBeInstanceOf(PullError);
    expect(err.reason).toBe("invalid-name");
    expect(await readdir(root)).toEqual([]);
    expect(await readdir(base)).toEqual(["folder", "source"]);
  });

  it("treats a backslash as an ordinary character of a name inside the folder (as Syncthing on Linux)", async () => {
    const data = Buffer.from("x");
    await pullFile({ root, file: fileInfo("..\\evil", data), expectedLocal: null, source: await source("e", data) });
    expect(await readdir(root)).toEqual(["..\\evil"]);
    expect(await readdir(base)).toEqual(["folder", "source"]);
  });

  it("refuses to write through a symlinked parent, including one a peer created with applySymlink", async () => {
    const outside = path.join(base, "outside");
    await mkdir(outside);
    await applySymlink(root, { ...emptyFileInfo("link"), type: FileInfoType.Symlink, symlinkTarget: outside, noPermissions: true }, null);
    expect(await readlink(path.join(root, "link"))).toBe(outside);
    const data = Buffer.from("evil");
    for (const name of ["link/evil", "link/deeper/evil"]) {
      await expect(pullFile({ root, file: fileInfo(name, data), expectedLocal: null, source: await source("e", data) })).rejects.toMatchObject({ reason: "unsafe-path" });
    }
    await expect(applyDirectory(root, { ...emptyFileInfo("link/d"), type: FileInfoType.Directory })).rejects.toMatchObject({ reason: "unsafe-path" });
    await expect(applySymlink(root, { ...emptyFileInfo("link/s"), type: FileInfoType.Symlink, symlinkTarget: "/" }, null)).rejects.toMatchObject({ reason: "unsafe-path" });
    await writeFile(path.join(outside, "victim"), "keep");
    await expect(applyDelete(root, "link/victim", FileInfoType.File, { size: 4, modifiedS: 0, modifiedNs: 0 })).rejects.toMatchObject({ reason: "unsafe-path" });
    expect(await readdir(outside)).toEqual(["victim"]);
  });

  it("never follows a symlink sitting at the temp name", async () => {
    const outside = path.join(base, "outside.txt");
    await writeFile(outside, "keep");
    await symlink(outside, path.join(root, tempName("f")));
    const data = Buffer.from("new");
    await pullFile({ root, file: fileInfo("f", data), expectedLocal: null, source: await source("f", data) });
    expect(await readFile(outside, "utf8")).toBe("keep");
    expect(await readFile(path.join(root, "f"), "utf8")).toBe("new");
  });
});

describe("memory stays flat for large files", () => {
  it("pulls a 1 GiB file with RSS growth under 100 MiB", { timeout: 300_000 }, async () => {
    const size = 1024 * MiB;
    const srcPath = path.join(srcDir, "huge.bin");
    // Random data streamed to disk in 8 MiB chunks (every other chunk zeros, so the file is sparse-ish
    // and repeated blocks exercise the dedupe path too).
    const out = await open(srcPath, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC);
    const chunk = Buffer.alloc(8 * MiB);
    for (let pos = 0; pos < size; pos += chunk.length) {
      if ((pos / chunk.length) % 2 === 0) randomFillSync(chunk);
      else chunk.fill(0);
      await out.write(chunk, 0, chunk.length, pos);
    }
    await out.close();
    const hashed = await hashFile(srcPath, { weakHash: false });
    const file: FileInfo = { ...emptyFileInfo("huge.bin"), size, permissions: 0o644, modifiedS: MTIME_S, blockSize: hashed.blockSize, blocks: hashed.blocks };
    const src = sourceFrom(srcPath);

    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const result = await pullFile({ root, file, expectedLocal: null, source: src });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);

    const growthMiB = (peak - baseline) / MiB;
    console.log(`1 GiB pull: ${(size / MiB / seconds).toFixed(0)} MiB/s, ${seconds.toFixed(1)} s, RSS growth ${growthMiB.toFixed(1)} MiB (baseline ${(baseline / MiB).toFixed(0)} MiB)`);
    expect(growthMiB).toBeLessThan(100);
    expect(result.fetchedBytes + result.copiedBytes).toBe(size);
    const placed = await hashFile(path.join(root, "huge.bin"), { weakHash: false, blockSize: hashed.blockSize });
    expect(placed.blocks.map((b) => Buffer.from(b.hash).toString("hex"))).toEqual(hashed.blocks.map((b) => Buffer.from(b.hash).toString("hex")));
  });
});
