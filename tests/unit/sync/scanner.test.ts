import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, rename, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashBuffer } from "@/server/sync/blocks";
import { parseIgnore, type IgnoreMatcher } from "@/server/sync/ignore";
import { FileInfoType } from "@/server/sync/protocol/fileinfo";
import { chooseBlockSize, scanFolder, unifySubPaths, type KnownFile, type ScanChange, type ScanOptions, type ScanProgress } from "@/server/sync/scanner";

/** A tiny in-memory index: what the folder runner would keep in SQLite. */
class FakeIndex {
  readonly files = new Map<string, KnownFile>();
  apply(changes: ScanChange[]) {
    for (const c of changes) {
      if (c.kind === "changed") {
        const f = c.file;
        this.files.set(f.name, {
          name: f.name,
          type: f.type,
          size: f.size,
          permissions: f.permissions,
          modifiedS: f.modifiedS,
          modifiedNs: f.modifiedNs,
          inode: f.inode,
          deleted: false,
          symlinkTarget: f.symlinkTarget,
          blockSize: f.blockSize,
          blockHashes: f.blocks.length ? Buffer.concat(f.blocks.map((b) => b.hash)) : null,
        });
      } else if (c.kind === "deleted") {
        const k = this.files.get(c.name)!;
        this.files.set(c.name, { ...k, deleted: true });
      }
    }
  }
  known = (name: string) => this.files.get(name);
  knownNames = (prefix: string) =>
    [...this.files.values()].filter((f) => !f.deleted && (prefix === "" || f.name === prefix || f.name.startsWith(prefix + "/"))).map((f) => f.name);
}

interface ScanResult {
  changes: ScanChange[];
  batches: number;
  progress: ScanProgress;
}

async function scan(root: string, index: FakeIndex, extra: Partial<ScanOptions> = {}, matcher: IgnoreMatcher = parseIgnore("")): Promise<ScanResult> {
  const changes: ScanChange[] = [];
  let progress: ScanProgress = { filesHashed: 0, bytesHashed: 0, bytesToHash: 0 };
  let batches = 0;
  for await (const batch of scanFolder({ root, matcher, known: index.known, knownNames: index.knownNames, onProgress: (p) => (progress = p), ...extra })) {
    batches++;
    changes.push(...batch);
    index.apply(batch);
  }
  return { changes, batches, progress };
}

const byName = (changes: ScanChange[]) =>
  Object.fromEntries(changes.map((c) => [c.kind === "changed" ? c.file.name : c.name, c]));
const summary = (changes: ScanChange[]) =>
  changes.map((c) => `${c.kind} ${c.kind === "changed" ? c.file.name : c.name}`).sort();

let root = "";
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ferry-scan-"));
  await mkdir(path.join(root, ".stfolder"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(rel: string, data: string | Buffer = "") {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), data);
}

describe("scanFolder: first scan", () => {
  it("reports files, nested dirs, Unicode names, an empty file and a symlink, skipping internal, temp and ignored items", async () => {
    await put("a/b/c/deep.txt", "deep");
    await put("café/naïve 東京.txt", "unicode");
    await put("empty");
    await put(".stignore", "/skipdir\n*.log\n");
    await put(".stversions/old~20240101-000000.txt", "old");
    await put("a/.syncthing.x.tmp", "partial");
    await put("skipdir/inner.txt", "ignored");
    await put("a/trace.log", "ignored");
    await symlink("../a/b", path.join(root, "café/link"));
    const index = new FakeIndex();
    const { changes } = await scan(root, index, {}, parseIgnore("/skipdir\n*.log\n"));
    expect(summary(changes)).toEqual(
      [
        "changed a",
        "changed a/b",
        "changed a/b/c",
        "changed a/b/c/deep.txt",
        "changed café",
        "changed café/link",
        "changed café/naïve 東京.txt",
        "changed empty",
      ].sort(),
    );
    const got = byName(changes);
    const link = got["café/link"];
    expect(link.kind === "changed" && link.file).toMatchObject({ type: FileInfoType.Symlink, symlinkTarget: "../a/b", size: 0, blocks: [], modifiedS: 0, permissions: 0 });
    const dir = got["a/b"];
    expect(dir.kind === "changed" && dir.file).toMatchObject({ type: FileInfoType.Directory, size: 0, blocks: [], permissions: 0o755 });
    const empty = got["empty"];
    // One empty block: peers drop the connection on a file with no blocks (bep.md §12.1).
    expect(empty.kind === "changed" && empty.file.blocks).toEqual(hashBuffer(Buffer.alloc(0), { weakHash: false }));
    const deep = got["a/b/c/deep.txt"];
    expect(deep.kind === "changed" && deep.file).toMatchObject({ type: FileInfoType.File, size: 4, blockSize: 131072, permissions: 0o644 });
    expect(deep.kind === "changed" && deep.file.blocks[0].hash).toEqual(createHash("sha256").update("deep").digest());
  });

  it("hashes files around the 128 KiB block boundary exactly like hashBuffer (no weak hash)", async () => {
    const sizes = [131071, 131072, 131073, 2 * 131072 + 5];
    const datas = sizes.map((n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + n) & 255)));
    await Promise.all(datas.map((d, i) => put(`sizes/f${i}`, d)));
    const { changes } = await scan(root, new FakeIndex());
    const got = byName(changes);
    datas.forEach((d, i) => {
      const c = got[`sizes/f${i}`];
      expect(c.kind).toBe("changed");
      if (c.kind !== "changed") return;
      expect(c.file.size).toBe(d.length);
      expect(c.file.blocks).toEqual(hashBuffer(d, { weakHash: false }));
    });
  });

  it("hashes a file of over 1 MiB on the worker pool with the same result", async () => {
    const data = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 13) & 255));
    await put("big.bin", data);
    const { changes } = await scan(root, new FakeIndex());
    const c = byName(changes)["big.bin"];
    expect(c.kind === "changed" && c.file.blocks).toEqual(hashBuffer(data, { weakHash: false }));
  }, 30_000);

  it("yields batches of at most batchSize changes", async () => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => put(`many/f${i}`, String(i))));
    const { changes, batches } = await scan(root, new FakeIndex(), { batchSize: 10 });
    expect(changes).toHaveLength(26);
    expect(batches).toBe(3);
  });

  it("reports a name that is not UTF-8 as an error and skips it", async () => {
    await writeFile(Buffer.concat([Buffer.from(root + "/bad"), Buffer.from([0xff, 0xfe])]), "x");
    await put("good", "x");
    const { changes } = await scan(root, new FakeIndex());
    expect(changes.filter((c) => c.kind === "changed").map((c) => c.kind === "changed" && c.file.name)).toEqual(["good"]);
    expect(changes.find((c) => c.kind === "error")).toMatchObject({ kind: "error", reason: expect.stringMatching(/UTF8/) });
  });

  it("renames a non-NFC name to NFC on disk (Syncthing's autoNormalize) and reports the NFC name", async () => {
    const nfd = "cafe\u0301.txt";
    await put(nfd, "x");
    const { changes } = await scan(root, new FakeIndex());
    expect(summary(changes)).toEqual(["changed caf\u00e9.txt"]);
    const { readdir } = await import("node:fs/promises");
    expect((await readdir(root)).filter((n) => n !== ".stfolder")).toEqual(["caf\u00e9.txt"]);
  });

  it("without autoNormalize, reports a non-NFC name as an error and leaves it alone", async () => {
    await put("cafe\u0301.txt", "x");
    const { changes } = await scan(root, new FakeIndex(), { autoNormalize: false });
    expect(changes).toEqual([{ kind: "error", name: "cafe\u0301.txt", reason: expect.stringMatching(/normalization/) }]);
  });
});

describe("scanFolder: rescans", () => {
  async function seeded() {
    await put("docs/a.txt", "alpha");
    await put("docs/b.txt", "bravo");
    await put("docs/sub/c.txt", "charlie");
    await put("top.txt", "top");
    await symlink("docs", path.join(root, "ln"));
    const index = new FakeIndex();
    await scan(root, index);
    return index;
  }

  it("hashes nothing and reports nothing when nothing changed", async () => {
    const index = await seeded();
    const { changes, progress } = await scan(root, index);
    expect(changes).toEqual([]);
    expect(progress.bytesHashed).toBe(0);
    expect(progress.filesHashed).toBe(0);
  });

  it("reports a touched file (mtime only) and rehashes it", async () => {
    const index = await seeded();
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(root, "docs/a.txt"), later, later);
    const { changes, progress } = await scan(root, index);
    expect(summary(changes)).toEqual(["changed docs/a.txt"]);
    expect(progress.bytesHashed).toBe(5);
  });

  it("reports a modified file with its new blocks, but not its parent directory", async () => {
    const index = await seeded();
    await put("docs/b.txt", "bravo, longer now");
    const { changes } = await scan(root, index);
    expect(summary(changes)).toEqual(["changed docs/b.txt"]);
    const c = changes[0];
    expect(c.kind === "changed" && c.file.blocks).toEqual(hashBuffer(Buffer.from("bravo, longer now"), { weakHash: false }));
  });

  it("reports a permission change unless ignorePerms", async () => {
    const index = await seeded();
    await chmod(path.join(root, "top.txt"), 0o600);
    expect(summary((await scan(root, index, { ignorePerms: true })).changes)).toEqual([]);
    const { changes } = await scan(root, index);
    expect(summary(changes)).toEqual(["changed top.txt"]);
    expect(changes[0].kind === "changed" && changes[0].file.permissions).toBe(0o600);
  });

  it("reports a rename as the new name changed and the old name deleted", async () => {
    const index = await seeded();
    await rename(path.join(root, "docs/a.txt"), path.join(root, "docs/renamed.txt"));
    const { changes } = await scan(root, index);
    expect(summary(changes)).toEqual(["changed docs/renamed.txt", "deleted docs/a.txt"]);
  });

  it("reports a deleted file with its type", async () => {
    const index = await seeded();
    await rm(path.join(root, "top.txt"));
    const { changes } = await scan(root, index);
    expect(changes).toEqual([{ kind: "deleted", name: "top.txt", type: FileInfoType.File }]);
  });

  it("reports a retargeted symlink", async () => {
    const index = await seeded();
    await rm(path.join(root, "ln"));
    await symlink("top.txt", path.join(root, "ln"));
    const { changes } = await scan(root, index);
    expect(changes).toHaveLength(1);
    expect(changes[0].kind === "changed" && changes[0].file).toMatchObject({ name: "ln", symlinkTarget: "top.txt" });
  });

  it("reports every child of a deleted directory as deleted", async () => {
    const index = await seeded();
    await rm(path.join(root, "docs"), { recursive: true });
    const { changes } = await scan(root, index);
    expect(summary(changes)).toEqual(["deleted docs", "deleted docs/a.txt", "deleted docs/b.txt", "deleted docs/sub", "deleted docs/sub/c.txt"]);
    expect(byName(changes)["docs/sub"]).toEqual({ kind: "deleted", name: "docs/sub", type: FileInfoType.Directory });
  });

  it("treats children as deleted when their directory is replaced by a symlink", async () => {
    const index = await seeded();
    await rm(path.join(root, "docs/sub"), { recursive: true });
    await mkdir(path.join(root, "elsewhere"));
    await writeFile(path.join(root, "elsewhere/c.txt"), "charlie");
    await symlink("../elsewhere", path.join(root, "docs/sub"));
    const { changes } = await scan(root, index);
    expect(summary(changes)).toEqual(["changed docs/sub", "changed elsewhere", "changed elsewhere/c.txt", "deleted docs/sub/c.txt"]);
  });

  it("does not delete what is ignored now", async () => {
    const index = await seeded();
    const { changes } = await scan(root, index, {}, parseIgnore("docs\n"));
    expect(changes).toEqual([]);
  });

  it("limits the scope to subPaths, including deletions", async () => {
    const index = await seeded();
    await put("docs/sub/new.txt", "new");
    await put("top.txt", "changed outside the scope");
    await rm(path.join(root, "docs/a.txt"));
    await rm(path.join(root, "docs/b.txt"));
    const { changes } = await scan(root, index, { subPaths: ["docs/sub"] });
    expect(summary(changes)).toEqual(["changed docs/sub/new.txt"]);
    const second = await scan(root, index, { subPaths: ["docs/a.txt"] });
    expect(summary(second.changes)).toEqual(["deleted docs/a.txt"]);
  });

  it("a subpath inside new directories climbs to the first parent the index knows", async () => {
    const index = await seeded();
    await put("docs/n1/n2/file.txt", "x");
    expect(unifySubPaths(["docs/n1/n2/file.txt", "docs/n1/n2"], index.known)).toEqual(["docs/n1"]);
    expect(unifySubPaths(["top.txt", ".", "docs"], index.known)).toEqual([""]);
    const { changes } = await scan(root, index, { subPaths: ["docs/n1/n2/file.txt"] });
    expect(summary(changes)).toEqual(["changed docs/n1", "changed docs/n1/n2", "changed docs/n1/n2/file.txt"]);
  });

  it("a vanished subpath reports the entries below it deleted", async () => {
    const index = await seeded();
    await rm(path.join(root, "docs/sub"), { recursive: true });
    const { changes } = await scan(root, index, { subPaths: ["docs/sub"] });
    expect(summary(changes)).toEqual(["deleted docs/sub", "deleted docs/sub/c.txt"]);
  });

  it("keeps the indexed block size when the new rule is within a factor of two", () => {
    const k = { type: FileInfoType.File, blockSize: 131072 } as KnownFile;
    expect(chooseBlockSize(300 * 1024 * 1024, k)).toBe(131072); // rule says 256 KiB
    expect(chooseBlockSize(600 * 1024 * 1024, k)).toBe(512 * 1024); // rule says 512 KiB: ×4
    expect(chooseBlockSize(300 * 1024 * 1024, undefined)).toBe(256 * 1024);
  });

  it("reports a file that keeps changing while being hashed as an error, not as changed or deleted", async () => {
    const index = await seeded();
    const growing = path.join(root, "growing.bin");
    await writeFile(growing, Buffer.alloc(4 * 1024 * 1024, 1));
    const { appendFile } = await import("node:fs/promises");
    let writing = true;
    const writer = (async () => {
      while (writing) await appendFile(growing, Buffer.alloc(4096, 2));
    })();
    try {
      const { changes } = await scan(root, index);
      expect(changes).toEqual([{ kind: "error", name: "growing.bin", reason: expect.stringMatching(/changed while being hashed/) }]);
    } finally {
      writing = false;
      await writer;
    }
  }, 30_000);

  it("stops with the signal's reason when aborted", async () => {
    await seeded();
    const ac = new AbortController();
    ac.abort(new Error("stop now"));
    await expect(scan(root, new FakeIndex(), { signal: ac.signal })).rejects.toThrow("stop now");
  });
});
