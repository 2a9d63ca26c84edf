import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  PathEscapeError,
  assertNoSymlinkInParents,
  conflictName,
  isConflictCopyOf,
  isConflictName,
  isInternalName,
  isTemporaryName,
  parseConflictName,
  resolveInFolder,
  tempName,
  validateRemoteName,
} from "@/server/sync/names";

// Local time, as Syncthing formats it: 2026-11-25 11:03:53 on the renaming host.
const WHEN = new Date(2026, 10, 25, 11, 3, 53);
const STAMP = "20261125-110353";
// sha256("x" × 146), from `printf 'x%.0s' $(seq 1 146) | sha256sum`.
const SHA_146_X = "004adb49a9244c51068573d08bde3d622bb87ecafccfefc8392c476919a5e8f7";

describe("conflict names", () => {
  it.each([
    ["hello.txt", `hello.sync-conflict-${STAMP}-ZOQPXPG.txt`], // observed from 1.19.2 (bep.md §13)
    ["a.tar.gz", `a.tar.sync-conflict-${STAMP}-ZOQPXPG.gz`], // before the LAST extension
    ["noext", `noext.sync-conflict-${STAMP}-ZOQPXPG`],
    [".hidden", `.sync-conflict-${STAMP}-ZOQPXPG.hidden`], // Go's filepath.Ext(".hidden") is ".hidden"
    ["dir.d/noext", `dir.d/noext.sync-conflict-${STAMP}-ZOQPXPG`], // dots in directories don't count
    ["sub/dir/report.v2.pdf", `sub/dir/report.v2.sync-conflict-${STAMP}-ZOQPXPG.pdf`],
    ["trailing.", `trailing.sync-conflict-${STAMP}-ZOQPXPG.`],
  ])("%s → %s", (name, expected) => {
    expect(conflictName(name, "ZOQPXPG", WHEN)).toBe(expected);
  });

  it("pads every field of the local time", () => {
    expect(conflictName("a.txt", "AAAAAAA", new Date(2027, 0, 2, 3, 4, 5))).toBe("a.sync-conflict-20270102-030405-AAAAAAA.txt");
  });

  it("rejects something that is not a ShortID", () => {
    expect(() => conflictName("a.txt", "short", WHEN)).toThrow("7-character ShortID");
    expect(() => conflictName("a.txt", "zoqpxpg", WHEN)).toThrow();
  });

  it.each(["hello.txt", "a.tar.gz", "noext", ".hidden", "dir.d/noext", "trailing."])("parses back what it makes: %s", (name) => {
    const parsed = parseConflictName(conflictName(name, "P56IOI7", WHEN));
    expect(parsed).toEqual({ original: name, time: WHEN, shortId: "P56IOI7" });
  });

  it("detects conflict names like Syncthing (marker in the base name)", () => {
    expect(isConflictName(`x.sync-conflict-${STAMP}-ZOQPXPG.txt`)).toBe(true);
    expect(isConflictName("x.sync-conflict-anything")).toBe(true);
    expect(isConflictName("dir.sync-conflict-1/x.txt")).toBe(false);
    expect(isConflictName("x.txt")).toBe(false);
  });

  it.each([
    "x.sync-conflict-2026112-110353-ZOQPXPG.txt",
    "x.sync-conflict-20261125-110353-zoqpxpg.txt",
    "x.sync-conflict-20261125-110353-ZOQPXP.txt",
    "x.sync-conflict-20260231-110353-ZOQPXPG.txt", // no 31 February
    "x.sync-conflict-20261125-250353-ZOQPXPG.txt",
    "x.txt",
  ])("parseConflictName rejects %s", (name) => {
    expect(parseConflictName(name)).toBeNull();
  });

  it("finds the conflict copies of a file for maxConflicts cleanup", () => {
    expect(isConflictCopyOf(`d/a.tar.sync-conflict-${STAMP}-ZOQPXPG.gz`, "d/a.tar.gz")).toBe(true);
    expect(isConflictCopyOf(`d/a.tar.sync-conflict-${STAMP}-ZOQPXPG.gz`, "d/a.tar.xz")).toBe(false);
    expect(isConflictCopyOf(`d/b.sync-conflict-${STAMP}-ZOQPXPG.gz`, "d/a.gz")).toBe(false);
  });
});

describe("temp names", () => {
  it("puts .syncthing.NAME.tmp in the same directory", () => {
    expect(tempName("a.txt")).toBe(".syncthing.a.txt.tmp");
    expect(tempName("dir/sub/a.txt")).toBe("dir/sub/.syncthing.a.txt.tmp");
    expect(tempName("dir/a.txt", "~syncthing~")).toBe("dir/~syncthing~a.txt.tmp");
  });

  it("hashes base names over 145 bytes with SHA-256 of the base name", () => {
    const at = "x".repeat(145);
    expect(tempName(`d/${at}`)).toBe(`d/.syncthing.${at}.tmp`);
    const over = "x".repeat(146);
    expect(tempName(`d/${over}`)).toMatch(/^d\/\.syncthing\.[0-9a-f]{64}\.tmp$/);
    expect(tempName(`d/${over}`)).toBe(`d/.syncthing.${SHA_146_X}.tmp`);
    // Bytes, not characters: 73 two-byte characters are 146 bytes.
    expect(tempName("é".repeat(73))).toMatch(/^\.syncthing\.[0-9a-f]{64}\.tmp$/);
  });

  it("recognises both prefixes on the base name only", () => {
    expect(isTemporaryName("a/.syncthing.x.tmp")).toBe(true);
    expect(isTemporaryName("~syncthing~x.tmp")).toBe(true);
    expect(isTemporaryName(".syncthing.x/real.txt")).toBe(false);
  });

  it("knows Syncthing's internal names at the root", () => {
    expect([".stfolder", ".stignore", ".stversions/x", "a/.stfolder"].map(isInternalName)).toEqual([true, true, true, false]);
  });
});

describe("validateRemoteName", () => {
  it.each(["a", "a/b/c.txt", "dir with space/ü.txt", "a\\b", "tab\there", ".hidden", "a..b", "...", `x/${"y".repeat(255)}`, "a.sync-conflict-x"])(
    "accepts %j",
    (name) => {
      expect(validateRemoteName(name)).toEqual({ ok: true });
    },
  );

  it.each([
    ["", "empty"],
    ["/etc/passwd", "absolute"],
    ["/", "absolute"],
    ["..", "dot-component"],
    [".", "dot-component"],
    ["../x", "dot-component"],
    ["a/../../x", "dot-component"],
    ["a/./b", "dot-component"],
    ["./a", "dot-component"],
    ["a/..", "dot-component"],
    ["a//b", "not-canonical"],
    ["a/", "not-canonical"],
    ["a\0b", "nul"],
    ["a\uD800b", "invalid-unicode"],
    ["cafe\u0301", "not-nfc"],
    ["x".repeat(256), "too-long"],
    [`a/${"é".repeat(128)}`, "too-long"],
    [Array.from({ length: 20 }, () => "d".repeat(250)).join("/"), "too-long"],
    [".stfolder", "internal"],
    [".stignore", "internal"],
    [".stversions/a~20200101-000000.txt", "internal"],
    [".syncthing.a.tmp", "temporary"],
    ["d/~syncthing~a.tmp", "temporary"],
  ])("rejects %j as %s", (name, problem) => {
    const result = validateRemoteName(name);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toBe(problem);
      expect(result.reason.length).toBeGreaterThan(5);
    }
  });
});

describe("resolveInFolder", () => {
  it("joins inside the folder", () => {
    expect(resolveInFolder("/data/f", "a/b")).toBe("/data/f/a/b");
    expect(resolveInFolder("/data/f/", "a/../b")).toBe("/data/f/b");
  });

  it.each(["..", "../x", "a/../../x", "/etc/passwd", "a/../../f2/x", "x\0y"])("throws for %j", (name) => {
    expect(() => resolveInFolder("/data/f", name)).toThrow(PathEscapeError);
  });

  it("does not confuse a sibling with the same prefix for the folder", () => {
    expect(() => resolveInFolder("/data/f", "../f2")).toThrow("resolves outside");
  });
});

describe("assertNoSymlinkInParents", () => {
  let root = "";
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("passes for real directories and missing parents, fails on a symlinked parent", async () => {
    root = await mkdtemp(path.join(tmpdir(), "ferry-names-"));
    const outside = await mkdtemp(path.join(tmpdir(), "ferry-outside-"));
    try {
      await mkdir(path.join(root, "real/sub"), { recursive: true });
      await symlink(outside, path.join(root, "link"));
      await writeFile(path.join(root, "file"), "x");
      await expect(assertNoSymlinkInParents(root, "real/sub/new.txt")).resolves.toBeUndefined();
      await expect(assertNoSymlinkInParents(root, "missing/deeper/new.txt")).resolves.toBeUndefined();
      // The leaf may be a symlink; replacing it is the puller's decision.
      await expect(assertNoSymlinkInParents(root, "link")).resolves.toBeUndefined();
      await expect(assertNoSymlinkInParents(root, "link/evil.txt")).rejects.toThrow(/symlink/);
      await expect(assertNoSymlinkInParents(root, "file/x")).rejects.toThrow(/non-directory/);
      await expect(assertNoSymlinkInParents(root, "../escape")).rejects.toThrow(PathEscapeError);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
