import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatTag, parseVersioning, tagFilename, untagFilename, Versioner, VersioningError, type VersioningConfig } from "../../../server/sync/versioner";

let root: string;
let clock: { t: number; now(): number };
const T0 = new Date(2024, 0, 10, 12, 0, 0).getTime();

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-versioner-"));
  clock = {
    t: T0,
    now() {
      return this.t;
    },
  };
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const versioner = (type: string, params: Record<string, string> = {}) => {
  const cfg: VersioningConfig = { type, params };
  return new Versioner({ root: () => root, config: () => cfg, clock });
};
/** A fresh inode each time, as the puller's rename-over leaves behind. */
const write = (name: string, content: string) => {
  const abs = path.join(root, name);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.rmSync(abs, { force: true });
  fs.writeFileSync(abs, content);
};
const stversions = (dir = "") => fs.readdirSync(path.join(root, ".stversions", dir)).sort();
const at = (s: number) => formatTag(T0 + s * 1000);

describe("version names", () => {
  it("put the tag before the last extension, as Syncthing's TagFilename", () => {
    expect(tagFilename("dir/a.tar.gz", "20240110-120000")).toBe("dir/a.tar~20240110-120000.gz");
    expect(tagFilename("noext", "20240110-120000")).toBe("noext~20240110-120000");
    expect(tagFilename(".hidden", "20240110-120000")).toBe("~20240110-120000.hidden");
    expect(untagFilename("dir/a.tar~20240110-120000.gz")).toEqual({ name: "dir/a.tar.gz", time: T0 });
    expect(untagFilename("plain.txt")).toBeNull();
    expect(untagFilename("bad~20241310-120000.txt")).toBeNull();
  });
});

describe("staggered versioning over simulated time", () => {
  it("keeps exactly one version per interval step (30 s, 1 h, 1 day) and drops those past maxAge", async () => {
    const v = versioner("staggered");
    // Archive times in seconds after T0; each archive also cleans that file's versions at that moment.
    for (const s of [0, 10, 40, 100, 3700, 3710, 90000]) {
      clock.t = T0 + s * 1000;
      write("docs/report.txt", `version at ${s}\n`);
      await v.archive("docs/report.txt");
    }
    // By hand from Syncthing's rule: 10 is within 30 s of 0; an hour later 40 and 100 share
    // the 1-hour step with 0; 3710 is within 30 s of 3700.
    expect(stversions("docs")).toEqual([`report~${at(0)}.txt`, `report~${at(3700)}.txt`, `report~${at(90000)}.txt`].sort());
    expect(fs.readFileSync(path.join(root, ".stversions/docs", `report~${at(3700)}.txt`), "utf8")).toBe("version at 3700\n");

    // A year later (maxAge 365 d) only the version younger than that survives the scheduled cleanup.
    clock.t = T0 + 365.5 * 86400 * 1000;
    const removed = await v.cleanup();
    expect(removed.sort()).toEqual([`docs/report~${at(0)}.txt`, `docs/report~${at(3700)}.txt`].sort());
    expect(stversions("docs")).toEqual([`report~${at(90000)}.txt`]);
  });

  it("cleans up on its own every cleanupIntervalS once started, and no more after stop", async () => {
    const v = versioner("staggered", { maxAge: "86400", cleanupIntervalS: "1" });
    write("sched.txt", "old");
    await v.archive("sched.txt");
    clock.t = T0 + 2 * 86400 * 1000;
    v.start();
    try {
      const version = path.join(root, ".stversions", `sched~${at(0)}.txt`);
      const deadline = Date.now() + 5000;
      while (fs.existsSync(version) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(fs.existsSync(version)).toBe(false);
    } finally {
      v.stop();
    }
    write("sched.txt", "newer");
    clock.t = T0;
    await v.archive("sched.txt");
    clock.t = T0 + 2 * 86400 * 1000;
    await new Promise((r) => setTimeout(r, 1500));
    expect(stversions()).toEqual([`sched~${at(0)}.txt`]);
  }, 15_000);

  it("honours a shorter maxAge", async () => {
    const v = versioner("staggered", { maxAge: "86400" });
    write("a.txt", "one");
    await v.archive("a.txt");
    clock.t = T0 + 86401 * 1000;
    expect(await v.cleanup()).toEqual([`a~${at(0)}.txt`]);
  });
});

describe("simple versioning", () => {
  it("keeps the newest `keep` versions of each file", async () => {
    const v = versioner("simple", { keep: "3" });
    for (let i = 0; i < 5; i++) {
      clock.t = T0 + i * 60_000;
      write("notes.md", `edit ${i}`);
      await v.archive("notes.md");
    }
    expect(stversions()).toEqual([1, 2, 3, 4].slice(1).map((i) => `notes~${at(i * 60)}.md`));
    const [listed] = await v.list();
    expect(listed.path).toBe("notes.md");
    expect(listed.versions.map((x) => fs.readFileSync(path.join(root, ".stversions", x.version), "utf8"))).toEqual(["edit 4", "edit 3", "edit 2"]);
  });

  it("defaults to keeping 5, as Syncthing", async () => {
    const v = versioner("simple");
    for (let i = 0; i < 7; i++) {
      clock.t = T0 + i * 1000;
      write("x.bin", String(i));
      await v.archive("x.bin");
    }
    expect(stversions()).toHaveLength(5);
  });

  it("does not archive the same inode twice (a retried pull)", async () => {
    const v = versioner("simple");
    write("x.bin", "same");
    await v.archive("x.bin");
    clock.t += 5000;
    expect(await v.archive("x.bin")).toBeNull();
    expect(stversions()).toHaveLength(1);
  });
});

describe("trash can", () => {
  it("keeps the last deleted copy under its own name and cleans it out after cleanoutDays", async () => {
    const v = versioner("trashcan", { cleanoutDays: "1" });
    write("sub/gone.txt", "first");
    await v.archive("sub/gone.txt");
    write("sub/gone.txt", "second");
    await v.archive("sub/gone.txt");
    expect(stversions("sub")).toEqual(["gone.txt"]);
    expect(fs.readFileSync(path.join(root, ".stversions/sub/gone.txt"), "utf8")).toBe("second");
    clock.t = Date.now() + 3600_000; // within a day of being trashed
    expect(await v.cleanup()).toEqual([]);
    clock.t = Date.now() + 2 * 86400_000;
    expect(await v.cleanup()).toEqual(["sub/gone.txt"]);
    expect(fs.existsSync(path.join(root, ".stversions/sub"))).toBe(false);
  });

  it("with cleanoutDays 0 (the default) keeps versions forever", async () => {
    const v = versioner("trashcan");
    write("k.txt", "keep me");
    await v.archive("k.txt");
    clock.t = Date.now() + 1000 * 86400_000;
    expect(await v.cleanup()).toEqual([]);
  });
});

describe("restore", () => {
  it("puts the version back and keeps the replaced file as a version", async () => {
    const v = versioner("simple");
    write("doc.txt", "old");
    await v.archive("doc.txt");
    const version = `doc~${at(0)}.txt`;
    write("doc.txt", "new");
    clock.t += 2000;
    await v.restore("doc.txt", version);
    expect(fs.readFileSync(path.join(root, "doc.txt"), "utf8")).toBe("old");
    const contents = stversions().map((n) => fs.readFileSync(path.join(root, ".stversions", n), "utf8"));
    expect(contents.sort()).toEqual(["new", "old"]);
  });

  it("refuses a version of another file, a path outside the folder and a missing version, changing nothing", async () => {
    const v = versioner("simple");
    write("a.txt", "a");
    await v.archive("a.txt");
    write("a.txt", "current");
    const before = stversions();
    await expect(v.restore("b.txt", `a~${at(0)}.txt`)).rejects.toThrow(VersioningError);
    await expect(v.restore("../a.txt", `../a~${at(0)}.txt`)).rejects.toThrow(/not allowed|dot-component|".." component/);
    await expect(v.restore("a.txt", `a~${at(99)}.txt`)).rejects.toThrow(/no version/);
    expect(fs.readFileSync(path.join(root, "a.txt"), "utf8")).toBe("current");
    expect(stversions()).toEqual(before);
  });

  it("rejects bad parameters with a clear message", () => {
    expect(() => parseVersioning({ type: "simple", params: { keep: "zero" } })).toThrow(/keep must be a whole number ≥ 1/);
    expect(() => parseVersioning({ type: "simple", params: { keep: "0" } })).toThrow(VersioningError);
    expect(() => parseVersioning({ type: "weird", params: {} })).toThrow(/unknown versioning type/);
    expect(parseVersioning({ type: "staggered", params: {} })).toMatchObject({ maxAgeS: 365 * 86400, cleanupIntervalS: 3600 });
    // A bad stored config does not stop the folder: it versions nothing.
    expect(versioner("simple", { keep: "zero" }).settings().type).toBe("none");
  });
});
