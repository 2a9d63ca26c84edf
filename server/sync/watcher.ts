// Watches a folder for changes and hands batches of folder-relative paths to the caller, who
// rescans them. Follows Syncthing's fs watcher (lib/fs/basicfs_watch.go) and aggregator
// (lib/watchaggregator/aggregator.go):
// - temp files, internal names and ignored paths are dropped before aggregation;
// - a path is handed over once it has been quiet for about half the delay, checked every
//   `delayMs` from its first event (so the first report comes `delayMs` after a change), and
//   at the latest after notifyTimeout (6 × delay below 10 s, 1 min up to 60 s, else the delay);
// - more than 128 pending paths in one directory collapse into the directory, more than 512
//   pending paths in all (or in the root) collapse into "." (scan everything).
// Not reproduced: Syncthing delays removals further; Node's events do not say create vs delete.
//
// One inotify watch per directory, set up here rather than with fs.watch's `recursive` flag:
// Node 20's recursive mode on Linux follows symlinked directories out of the folder (observed:
// a write behind a symlink was reported), cannot skip ignored directories, and gives no place
// to catch the inotify limit per directory. New directories get watches as they appear.
import { watch, type FSWatcher } from "node:fs";
import { lstat, opendir } from "node:fs/promises";
import path from "node:path";
import type { IgnoreMatcher } from "./ignore";
import { isInternalName, isTemporaryName } from "./names";

export interface FolderWatcherOptions {
  /** The folder root (absolute or relative to the process's cwd). */
  root: string;
  /** Syncthing's fsWatcherDelayS in milliseconds (default there: 10 s). */
  delayMs: number;
  /** Paths it ignores are not reported and ignored directories are not watched. */
  matcher?: IgnoreMatcher;
  /** Folder-relative paths ("/" separators; "." means the whole folder) to rescan. */
  onChanges(paths: string[]): void;
  /**
   * The watcher gave up (inotify watch limit reached, folder root gone); all watches are
   * closed. The caller should rely on periodic rescans, and may start a new watcher later.
   */
  onError?(err: Error): void;
}

/** Syncthing's maxFilesPerDir and maxFiles. */
export const MAX_PATHS_PER_DIR = 128;
export const MAX_PATHS = 512;

/** Syncthing's notifyTimeout: how long a path that keeps changing may be held back. */
export function notifyTimeoutMs(delayMs: number): number {
  if (delayMs < 10_000) return delayMs * 6;
  if (delayMs < 60_000) return 60_000;
  return delayMs;
}

interface Pending {
  first: number;
  last: number;
}

const ROOT = ".";
const utf8 = new TextDecoder("utf-8", { fatal: true });
const parentOf = (rel: string) => {
  const i = rel.lastIndexOf("/");
  return i < 0 ? ROOT : rel.slice(0, i);
};
const isUnder = (rel: string, dir: string) => dir === ROOT || rel === dir || rel.startsWith(dir + "/");

export class WatchLimitError extends Error {
  constructor(cause: Error) {
    super(
      "the inotify watch limit is reached (ENOSPC); raise fs.inotify.max_user_watches (sysctl) to watch this folder, " +
        "periodic rescans still find changes",
    );
    this.name = "WatchLimitError";
    this.cause = cause;
  }
}

export class FolderWatcher {
  private readonly root: string;
  private readonly delayMs: number;
  private readonly timeoutMs: number;
  private matcher?: IgnoreMatcher;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Map<string, Pending>();
  /** Pending paths per parent directory, to collapse busy directories. */
  private readonly perDir = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Resolves once the initial watches are in place (or the watcher failed). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly options: FolderWatcherOptions) {
    this.root = path.resolve(options.root);
    this.delayMs = Math.max(1, options.delayMs);
    this.timeoutMs = notifyTimeoutMs(this.delayMs);
    this.matcher = options.matcher;
  }

  start(): Promise<void> {
    if (this.running) return this.ready;
    this.running = true;
    this.ready = this.addTree(ROOT);
    return this.ready;
  }

  stop(): void {
    this.running = false;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.pending.clear();
    this.perDir.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** New ignore patterns (the caller reloads `.stignore` before scans). */
  setMatcher(matcher: IgnoreMatcher | undefined): void {
    this.matcher = matcher;
  }

  /** Directories currently watched (folder-relative, "." for the root). */
  get watchedDirectories(): number {
    return this.watchers.size;
  }

  // ------------------------------------------------------------------ watches

  private skipped(rel: string): boolean {
    return isTemporaryName(rel) || isInternalName(rel) || (this.matcher?.match(rel).ignored ?? false);
  }

  private abs(rel: string): string {
    return rel === ROOT ? this.root : path.join(this.root, rel);
  }

  private fail(err: Error): void {
    if (!this.running) return;
    this.stop();
    try {
      this.options.onError?.(err);
    } catch {
      // the caller's problem; the watcher is down either way
    }
  }

  /** Watches `rel` and every directory below it that is not skipped, breadth first. */
  private async addTree(rel: string): Promise<void> {
    const queue = [rel];
    while (queue.length > 0 && this.running) {
      const dir = queue.shift()!;
      if (this.watchers.has(dir)) continue;
      if (!this.watchDir(dir)) continue;
      try {
        const handle = await opendir(this.abs(dir), { bufferSize: 256 });
        for await (const entry of handle) {
          // Dirent types come from lstat-like data: a symlink to a directory is not descended.
          if (!entry.isDirectory()) continue;
          const child = dir === ROOT ? entry.name : `${dir}/${entry.name}`;
          if (!this.skipped(child)) queue.push(child);
        }
      } catch (err) {
        if (dir === ROOT) return this.fail(new Error(`cannot read folder root ${this.root}: ${(err as Error).message}`));
        // Vanished or unreadable: its parent's watch reports what happened.
      }
    }
  }

  private watchDir(dir: string): boolean {
    if (!this.running) return false;
    let w: FSWatcher;
    try {
      w = watch(this.abs(dir), { persistent: false, encoding: "buffer" });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EMFILE") this.fail(new WatchLimitError(err as Error));
      else if (dir === ROOT) this.fail(new Error(`cannot watch folder root ${this.root}: ${(err as Error).message}`));
      return false;
    }
    this.watchers.set(dir, w);
    w.on("change", (eventType, filename) => this.onEvent(dir, eventType, filename as unknown as Buffer | null));
    w.on("error", (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EMFILE") return this.fail(new WatchLimitError(err));
      if (dir === ROOT) return this.fail(new Error(`watching folder root ${this.root} failed: ${err.message}`));
      this.removeTree(dir);
      this.record(dir);
    });
    return true;
  }

  private removeTree(dir: string): void {
    for (const [rel, w] of this.watchers) {
      if (rel !== ROOT && isUnder(rel, dir)) {
        w.close();
        this.watchers.delete(rel);
      }
    }
  }

  private onEvent(dir: string, eventType: string, filename: Buffer | null): void {
    if (!this.running) return;
    let rel = dir;
    if (filename && filename.length > 0) {
      let base: string;
      try {
        base = utf8.decode(filename);
      } catch {
        base = ""; // not UTF-8: the scan of the directory reports it
      }
      if (base !== "") rel = dir === ROOT ? base : `${dir}/${base}`;
    }
    if (rel !== ROOT && this.skipped(rel)) return;
    if (eventType !== "rename" || rel === dir) {
      this.record(rel);
      return;
    }
    // Created or removed: a new directory needs watches of its own, a removed one loses its.
    // The watched directory itself going away also arrives here, under its own base name.
    void this.settleRename(dir, rel);
  }

  private async settleRename(dir: string, rel: string): Promise<void> {
    let isDir = false;
    let exists = true;
    try {
      isDir = (await lstat(this.abs(rel))).isDirectory();
    } catch {
      exists = false;
    }
    if (!this.running) return;
    if (!exists && dir !== ROOT) {
      const dirGone = await lstat(this.abs(dir)).then(
        (s) => !s.isDirectory(),
        () => true,
      );
      if (dirGone) {
        this.removeTree(dir);
        this.record(dir);
        return;
      }
    }
    if (!exists) this.removeTree(rel);
    this.record(rel);
    if (isDir && !this.watchers.has(rel)) await this.addTree(rel);
  }

  // ------------------------------------------------------------- aggregation

  private record(rel: string): void {
    const now = Date.now();
    const all = this.pending.get(ROOT);
    if (all) {
      all.last = now;
      return;
    }
    // Already covered by a pending parent?
    for (let p = parentOf(rel); p !== ROOT; p = parentOf(p)) {
      const ev = this.pending.get(p);
      if (ev) {
        ev.last = now;
        return;
      }
    }
    const existing = this.pending.get(rel);
    if (existing) {
      existing.last = now;
      return;
    }
    const parent = parentOf(rel);
    const limit = parent === ROOT ? MAX_PATHS : MAX_PATHS_PER_DIR;
    if (rel === ROOT || this.pending.size >= MAX_PATHS || (this.perDir.get(parent) ?? 0) >= limit) {
      this.collapseInto(rel === ROOT || this.pending.size >= MAX_PATHS ? ROOT : parent, now);
      return;
    }
    // Pending paths below rel fold into it.
    let first = now;
    for (const [name, ev] of this.pending) {
      if (name !== rel && isUnder(name, rel)) {
        first = Math.min(first, ev.first);
        this.forget(name);
      }
    }
    this.pending.set(rel, { first, last: now });
    this.perDir.set(parent, (this.perDir.get(parent) ?? 0) + 1);
    this.arm();
  }

  private collapseInto(dir: string, now: number): void {
    let first = now;
    for (const [name, ev] of this.pending) {
      if (isUnder(name, dir)) {
        first = Math.min(first, ev.first);
        this.forget(name);
      }
    }
    if (dir === ROOT) {
      this.pending.set(ROOT, { first, last: now });
      this.arm();
      return;
    }
    this.record(dir);
    const ev = this.pending.get(dir);
    if (ev) ev.first = Math.min(ev.first, first);
  }

  private forget(name: string): void {
    this.pending.delete(name);
    if (name === ROOT) return;
    const parent = parentOf(name);
    const n = (this.perDir.get(parent) ?? 1) - 1;
    if (n <= 0) this.perDir.delete(parent);
    else this.perDir.set(parent, n);
  }

  private arm(): void {
    if (this.timer || !this.running) return;
    this.timer = setTimeout(() => this.tick(), this.delayMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    if (!this.running) return;
    const now = Date.now();
    const due: string[] = [];
    for (const [name, ev] of this.pending) {
      // Quiet for half the delay, or held back long enough (Syncthing's isOld).
      if (2 * (now - ev.last) > this.delayMs || now - ev.first > this.timeoutMs) due.push(name);
    }
    for (const name of due) this.forget(name);
    if (this.pending.size > 0) this.arm();
    if (due.length === 0) return;
    due.sort();
    try {
      this.options.onChanges(due);
    } catch {
      // A throwing callback must not kill the watcher.
    }
  }
}
