import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseIgnore } from "@/server/sync/ignore";
import { FolderWatcher, MAX_PATHS_PER_DIR, notifyTimeoutMs } from "@/server/sync/watcher";

const DELAY = 100;

let root = "";
let outside = "";
let watcher: FolderWatcher | null = null;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "ferry-watch-"));
  outside = await mkdtemp(path.join(tmpdir(), "ferry-watch-outside-"));
});
afterEach(async () => {
  watcher?.stop();
  watcher = null;
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** Starts a watcher that records every batch with the time it arrived. */
async function startWatcher(extra: { matcher?: ReturnType<typeof parseIgnore> } = {}) {
  const batches: { at: number; paths: string[] }[] = [];
  const errors: Error[] = [];
  watcher = new FolderWatcher({ root, delayMs: DELAY, ...extra, onChanges: (paths) => batches.push({ at: Date.now(), paths }), onError: (e) => errors.push(e) });
  await watcher.start();
  const seen = () => batches.flatMap((b) => b.paths);
  const waitFor = async (pred: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out; batches so far: ${JSON.stringify(batches)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { batches, errors, seen, waitFor };
}

describe("FolderWatcher", () => {
  it("reports a created file within delayMs + 200 ms", async () => {
    const w = await startWatcher();
    const t0 = Date.now();
    await writeFile(path.join(root, "hello.txt"), "hi");
    await w.waitFor(() => w.seen().includes("hello.txt"), DELAY + 200);
    expect(w.batches[0].at - t0).toBeLessThanOrEqual(DELAY + 200);
    expect(w.errors).toEqual([]);
  });

  it("reports changes inside a directory created after start, at any depth", async () => {
    const w = await startWatcher();
    await mkdir(path.join(root, "new/deeper"), { recursive: true });
    await w.waitFor(() => w.seen().some((p) => p === "new" || p.startsWith("new/")));
    await new Promise((r) => setTimeout(r, 50)); // the watches on new/ and new/deeper settle
    w.batches.length = 0;
    await writeFile(path.join(root, "new/deeper/file.txt"), "x");
    await w.waitFor(() => w.seen().includes("new/deeper/file.txt"), DELAY + 200);
  });

  it("reports a deleted directory by its own path", async () => {
    await mkdir(path.join(root, "gone/sub"), { recursive: true });
    await writeFile(path.join(root, "gone/sub/f"), "x");
    const w = await startWatcher();
    await rm(path.join(root, "gone"), { recursive: true });
    await w.waitFor(() => w.seen().includes("gone"));
    await new Promise((r) => setTimeout(r, 2 * DELAY));
    // Whatever else arrives stays inside the deleted tree and is well formed.
    expect(w.seen().every((p) => p === "gone" || p.startsWith("gone/"))).toBe(true);
  });

  it("drops temp files, internal names and ignored paths, and does not watch ignored directories", async () => {
    await mkdir(path.join(root, "build"));
    await mkdir(path.join(root, ".stfolder"));
    const w = await startWatcher({ matcher: parseIgnore("/build\n*.log\n") });
    expect(watcher!.watchedDirectories).toBe(1);
    await writeFile(path.join(root, ".syncthing.a.txt.tmp"), "partial");
    await writeFile(path.join(root, ".stignore"), "x");
    await writeFile(path.join(root, "build/out.o"), "x");
    await writeFile(path.join(root, "trace.log"), "x");
    await writeFile(path.join(root, "kept.txt"), "x");
    await w.waitFor(() => w.seen().includes("kept.txt"));
    await new Promise((r) => setTimeout(r, 2 * DELAY));
    expect(w.seen()).toEqual(["kept.txt"]);
  });

  it("does not follow a symlinked directory out of the folder", async () => {
    await symlink(outside, path.join(root, "link"));
    const w = await startWatcher();
    await writeFile(path.join(outside, "elsewhere.txt"), "x");
    await writeFile(path.join(root, "marker"), "x");
    await w.waitFor(() => w.seen().includes("marker"));
    await new Promise((r) => setTimeout(r, 2 * DELAY));
    expect(w.seen()).toEqual(["marker"]);
  });

  it("collapses many changes in one directory into the directory", async () => {
    await mkdir(path.join(root, "busy"));
    const w = await startWatcher();
    await Promise.all(Array.from({ length: MAX_PATHS_PER_DIR + 20 }, (_, i) => writeFile(path.join(root, "busy", `f${i}`), "x")));
    await writeFile(path.join(root, "other.txt"), "x");
    await w.waitFor(() => w.seen().includes("busy") && w.seen().includes("other.txt"));
    await new Promise((r) => setTimeout(r, 2 * DELAY));
    expect(w.seen().filter((p) => p.startsWith("busy/"))).toEqual([]);
  });

  it("reports a missing root through onError instead of throwing", async () => {
    const errors: Error[] = [];
    const missing = new FolderWatcher({ root: path.join(root, "nope"), delayMs: DELAY, onChanges: () => {}, onError: (e) => errors.push(e) });
    await missing.start();
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/folder root/);
    missing.stop();
  });

  it("survives the inotify limit (ENOSPC): closes its watches and says so through onError", async () => {
    await mkdir(path.join(root, "a"));
    vi.resetModules();
    let calls = 0;
    vi.doMock("node:fs", async (importOriginal) => {
      const fs = await importOriginal<typeof import("node:fs")>();
      const watch = ((...args: Parameters<typeof fs.watch>) => {
        // The root gets its watch; the next directory hits the limit.
        if (calls++ === 0) return fs.watch(...args);
        throw Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), { code: "ENOSPC" });
      }) as typeof fs.watch;
      return { ...fs, default: { ...fs, watch }, watch };
    });
    try {
      const { FolderWatcher: Limited, WatchLimitError } = await import("@/server/sync/watcher");
      const errors: Error[] = [];
      const limited = new Limited({ root, delayMs: DELAY, onChanges: () => {}, onError: (e) => errors.push(e) });
      await limited.start();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(WatchLimitError);
      expect(errors[0].message).toMatch(/max_user_watches/);
      expect(limited.watchedDirectories).toBe(0);
      limited.stop();
    } finally {
      vi.doUnmock("node:fs");
      vi.resetModules();
    }
  });

  it("uses Syncthing's notify timeout", () => {
    expect(notifyTimeoutMs(100)).toBe(600);
    expect(notifyTimeoutMs(10_000)).toBe(60_000);
    expect(notifyTimeoutMs(120_000)).toBe(120_000);
  });
});
