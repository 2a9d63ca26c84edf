// The puller's small-item cases (directories, symlinks, deletions) and the reads that serve a
// peer's Requests, on a real temporary folder.
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashBuffer } from "@/server/sync/blocks";
import { parseIgnore } from "@/server/sync/ignore";
import { tempName } from "@/server/sync/names";
import { FileInfoType, emptyFileInfo } from "@/server/sync/protocol/fileinfo";
import { InvalidFileError, LocalChangedError, NoSuchFileError, applyDelete, applyDirectory, applySymlink, readBlock } from "@/server/sync/puller";
import { expectedOf, exists, patterned } from "../../support/puller-fixtures";

const KiB = 1024;

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), "ferry-puller-items-"));
  root = path.join(base, "folder");
  await mkdir(root);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe("directories, symlinks and deletions", () => {
  it("creates a directory with the peer's permissions, and refuses when a file is in the way", async () => {
    await applyDirectory(root, { ...emptyFileInfo("a/b"), type: FileInfoType.Directory, permissions: 0o750 });
    expect((await stat(path.join(root, "a/b"))).mode & 0o777).toBe(0o750);
    await writeFile(path.join(root, "c"), "x");
    await expect(applyDirectory(root, { ...emptyFileInfo("c"), type: FileInfoType.Directory, permissions: 0o755 })).rejects.toBeInstanceOf(LocalChangedError);
  });

  it("replaces a symlink's target atomically and leaves an equal one alone", async () => {
    const link = { ...emptyFileInfo("l"), type: FileInfoType.Symlink, symlinkTarget: "../../anywhere", noPermissions: true };
    await applySymlink(root, link, null);
    expect(await readlink(path.join(root, "l"))).toBe("../../anywhere");
    await applySymlink(root, link, null); // already there: no LocalChangedError
    const st = await lstat(path.join(root, "l"));
    await applySymlink(root, { ...link, symlinkTarget: "b" }, { size: 0, modifiedS: 0, modifiedNs: 0, inode: st.ino });
    expect(await readlink(path.join(root, "l"))).toBe("b");
  });

  it("deletes a file only while it matches the index", async () => {
    const abs = path.join(root, "f");
    await writeFile(abs, "x");
    const expected = await expectedOf(abs);
    await writeFile(abs, "changed");
    await expect(applyDelete(root, "f", FileInfoType.File, expected)).rejects.toBeInstanceOf(LocalChangedError);
    expect(await readFile(abs, "utf8")).toBe("changed");
    expect(await applyDelete(root, "f", FileInfoType.File, await expectedOf(abs))).toBe("deleted");
    expect(await applyDelete(root, "f", FileInfoType.File, null)).toBe("absent");
  });

  it("moves a deleted file to the conflict name when asked", async () => {
    const abs = path.join(root, "f.txt");
    await writeFile(abs, "local edit");
    const conflict = "f.sync-conflict-20261125-110353-ZOQPXPG.txt";
    expect(await applyDelete(root, "f.txt", FileInfoType.File, await expectedOf(abs), { conflictCopy: conflict })).toBe("deleted");
    expect(await exists(abs)).toBe(false);
    expect(await readFile(path.join(root, conflict), "utf8")).toBe("local edit");
  });

  it("deletes a symlink, not what it points to", async () => {
    const outside = path.join(base, "outside");
    await mkdir(outside);
    await writeFile(path.join(outside, "keep"), "x");
    await symlink(outside, path.join(root, "l"));
    const st = await lstat(path.join(root, "l"));
    expect(await applyDelete(root, "l", FileInfoType.Symlink, { size: 0, modifiedS: 0, modifiedNs: 0, inode: st.ino })).toBe("deleted");
    expect(await readdir(outside)).toEqual(["keep"]);
  });

  it("keeps a non-empty directory, and removes one holding only temp files and (?d)-ignored items", async () => {
    await mkdir(path.join(root, "d/sub"), { recursive: true });
    await writeFile(path.join(root, "d/sub/file"), "x");
    expect(await applyDelete(root, "d", FileInfoType.Directory, null)).toBe("kept-not-empty");
    expect(await readFile(path.join(root, "d/sub/file"), "utf8")).toBe("x");

    await mkdir(path.join(root, "e/.DS_Store.d"), { recursive: true });
    await writeFile(path.join(root, "e", tempName("partial")), "t");
    await writeFile(path.join(root, "e/.DS_Store"), "junk");
    await writeFile(path.join(root, "e/keep.log"), "log");
    const ignores = parseIgnore("(?d).DS_Store*\n*.log\n");
    expect(await applyDelete(root, "e", FileInfoType.Directory, null, { ignores })).toBe("kept-not-empty"); // *.log is ignored but not deletable
    expect(await readFile(path.join(root, "e/keep.log"), "utf8")).toBe("log");
    await rm(path.join(root, "e/keep.log"));
    expect(await applyDelete(root, "e", FileInfoType.Directory, null, { ignores })).toBe("deleted");
    expect(await exists(path.join(root, "e"))).toBe(false);
  });
});

describe("readBlock (serving Requests)", () => {
  it("reads exactly the block, checks the hash, and maps failures to BEP error kinds", async () => {
    const data = patterned(300 * KiB);
    await writeFile(path.join(root, "f"), data);
    const [b0, b1] = hashBuffer(data, { weakHash: false });
    expect((await readBlock(root, "f", b1.offset, b1.size, { hash: b1.hash })).equals(data.subarray(b1.offset, b1.offset + b1.size))).toBe(true);
    await expect(readBlock(root, "f", b1.offset, b1.size, { hash: b0.hash })).rejects.toMatchObject({ name: "NoSuchFileError", hashMismatch: true });
    await expect(readBlock(root, "missing", 0, 10)).rejects.toBeInstanceOf(NoSuchFileError);
    await expect(readBlock(root, "f", data.length - 5, 10)).rejects.toBeInstanceOf(NoSuchFileError);
    for (const name of [".stignore", "../f", ".syncthing.f.tmp"]) await expect(readBlock(root, name, 0, 1)).rejects.toBeInstanceOf(InvalidFileError);
    await expect(readBlock(root, "f", -1, 1)).rejects.toBeInstanceOf(InvalidFileError);
    await expect(readBlock(root, "f", 0, 1, { ignores: parseIgnore("f\n") })).rejects.toBeInstanceOf(InvalidFileError);
  });

  it("refuses symlinks and symlinked parents, and reads the temp file for from_temporary", async () => {
    const outside = path.join(base, "outside");
    await mkdir(outside);
    await writeFile(path.join(outside, "secret"), "secret");
    await symlink(outside, path.join(root, "dirlink"));
    await symlink(path.join(outside, "secret"), path.join(root, "filelink"));
    await expect(readBlock(root, "dirlink/secret", 0, 6)).rejects.toBeInstanceOf(NoSuchFileError);
    await expect(readBlock(root, "filelink", 0, 6)).rejects.toBeInstanceOf(NoSuchFileError);
    await writeFile(path.join(root, tempName("dl")), "partial");
    expect((await readBlock(root, "dl", 0, 7, { fromTemporary: true })).toString()).toBe("partial");
  });
});
