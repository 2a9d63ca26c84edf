// File versioning as Syncthing does it: copies of files a peer replaced or deleted, kept under
// `.stversions/` with the folder's layout, so a Syncthing user finds them where they expect.
import fs from "node:fs/promises";
import type { Stats } from "node:fs";
import path from "node:path";
import { ConfigError } from "./config";
import { goExt, resolveInFolder, tempName, validateRemoteName } from "./names";
import { makeParents } from "./puller-disk";

export const VERSIONS_DIR = ".stversions";
export const VERSIONING_TYPES = ["none", "trashcan", "simple", "staggered"] as const;
export type VersioningType = (typeof VERSIONING_TYPES)[number];
export interface VersioningConfig {
  type: string;
  params: Record<string, string>;
}

/** Time source; tests inject a simulated one to run days of cleanup in milliseconds. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** Bad versioning input (config or restore request); the API turns it into a 400. */
export class VersioningError extends ConfigError {}

// ---------------------------------------------------------------- settings

export interface VersioningSettings {
  type: VersioningType;
  /** simple: versions kept per file. */
  keep: number;
  /** trashcan and simple: delete versions older than this many days; 0 = never. */
  cleanoutDays: number;
  /** staggered: versions older than this are deleted; 0 = kept forever. */
  maxAgeS: number;
  cleanupIntervalS: number;
}

const intParam = (params: Record<string, string>, key: string, fallback: number, min: number): number => {
  const raw = params[key];
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw) || +raw < min) throw new VersioningError(`versioning parameter ${key} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return +raw;
};

/** Syncthing's defaults: keep 5, cleanoutDays 0, maxAge one year, cleanup hourly. */
export function parseVersioning(cfg: VersioningConfig): VersioningSettings {
  if (!VERSIONING_TYPES.includes(cfg.type as VersioningType)) throw new VersioningError(`unknown versioning type ${JSON.stringify(cfg.type)}: use ${VERSIONING_TYPES.join(", ")}`);
  const p = cfg.params ?? {};
  return {
    type: cfg.type as VersioningType,
    keep: intParam(p, "keep", 5, 1),
    cleanoutDays: intParam(p, "cleanoutDays", 0, 0),
    maxAgeS: intParam(p, "maxAge", 365 * 86400, 0),
    cleanupIntervalS: intParam(p, "cleanupIntervalS", 3600, 0),
  };
}

// ---------------------------------------------------------------- names

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Syncthing's TimeFormat "20060102-150405", in local time. */
export function formatTag(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

export function parseTag(tag: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(tag);
  if (!m) return null;
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  // Date rolls impossible values over (month 13, Feb 30); such a tag is not one of ours.
  return d.getMonth() === +m[2] - 1 && d.getDate() === +m[3] && d.getHours() === +m[4] ? d.getTime() : null;
}

/** `dir/name~TAG.ext` (the tag goes before the last extension, as Syncthing's TagFilename). */
export function tagFilename(name: string, tag: string): string {
  const ext = goExt(name);
  return `${name.slice(0, name.length - ext.length)}~${tag}${ext}`;
}

/** The original name and time of a tagged version name, or null for an untagged (trash can) one. */
export function untagFilename(versionName: string): { name: string; time: number } | null {
  const slash = versionName.lastIndexOf("/");
  const base = versionName.slice(slash + 1);
  const m = /^(.*)~(\d{8}-\d{6})(\.[^.~]*)?$/s.exec(base);
  if (!m) return null;
  const time = parseTag(m[2]);
  if (time === null) return null;
  return { name: versionName.slice(0, slash + 1) + m[1] + (m[3] ?? ""), time };
}

// ---------------------------------------------------------------- cleanup rules

interface Interval {
  stepS: number;
  endS: number;
}

/** Syncthing's staggered intervals: 30 s for an hour, 1 h for a day, 1 d for 30 days, 1 week until maxAge. */
export function staggeredIntervals(maxAgeS: number): Interval[] {
  return [
    { stepS: 30, endS: 3600 },
    { stepS: 3600, endS: 86400 },
    { stepS: 86400, endS: 30 * 86400 },
    { stepS: 7 * 86400, endS: maxAgeS },
  ];
}

/**
 * Which of one file's version times the staggered rule drops at `now` (Syncthing's toRemove):
 * walking oldest to newest, a version closer than its interval's step to the last one kept goes.
 */
export function staggeredToRemove(times: number[], now: number, maxAgeS: number): number[] {
  const intervals = staggeredIntervals(maxAgeS);
  const last = intervals[intervals.length - 1];
  const remove: number[] = [];
  let prevAge = 0;
  let first = true;
  for (const t of [...times].sort((a, b) => a - b)) {
    const age = Math.floor((now - t) / 1000);
    if (last.endS > 0 && age > last.endS) {
      remove.push(t);
      continue;
    }
    if (first) {
      prevAge = age;
      first = false;
      continue;
    }
    const used = intervals.find((i) => age < i.endS) ?? last;
    if (prevAge - age < used.stepS) {
      remove.push(t);
      continue;
    }
    prevAge = age;
  }
  return remove;
}

// ---------------------------------------------------------------- the versioner

export interface FileVersion {
  /** Path of the version below `.stversions/`; what restore takes. */
  version: string;
  /** When it was archived (ms). */
  versionTime: number;
  /** The file's own mtime (ms). */
  modTime: number;
  size: number;
}

export interface VersionedFile {
  path: string;
  /** Newest first. */
  versions: FileVersion[];
}

export interface VersionerOptions {
  root: () => string;
  config: () => VersioningConfig;
  clock?: Clock;
  onCleaned?: (removed: string[]) => void;
  log?: (line: string) => void;
}

interface FoundVersion extends FileVersion {
  name: string;
  ino: number;
}

/**
 * One folder's versions. archive() is called by the puller just before a peer's change replaces
 * or deletes a file; it hard-links the file into `.stversions` (free, and the puller's rename
 * then leaves the old inode to the version), copying only where links are not allowed.
 */
export class Versioner {
  private timer: NodeJS.Timeout | null = null;
  private readonly clock: Clock;

  constructor(private readonly opts: VersionerOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  settings(): VersioningSettings {
    try {
      return parseVersioning(this.opts.config());
    } catch (err) {
      // A bad stored config must not stop syncing; it is refused when set, so this is a hand edit.
      this.opts.log?.(`versioning config ignored: ${(err as Error).message}`);
      return parseVersioning({ type: "none", params: {} });
    }
  }

  private get versionsRoot() {
    return path.join(this.opts.root(), VERSIONS_DIR);
  }

  /** Keeps the current file at `name` as a version; returns the version's path, or null if nothing was kept. */
  async archive(name: string, opts: { force?: boolean } = {}): Promise<string | null> {
    let s = this.settings();
    if (s.type === "none") {
      if (!opts.force) return null;
      s = { ...s, type: "simple", keep: Number.MAX_SAFE_INTEGER };
    }
    const src = resolveInFolder(this.opts.root(), name);
    let st: Stats;
    try {
      st = await fs.lstat(src);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const siblings = await this.versionsOf(name);
    // A retried pull would archive the same inode again; one version of it is enough.
    if (siblings.some((v) => v.ino === st.ino && v.ino !== 0)) return null;
    let version = s.type === "trashcan" ? name : tagFilename(name, formatTag(this.clock.now()));
    // Tags have one-second resolution: a second version within the same second takes the next
    // free second instead of overwriting the first (the trash can keeps only the latest by design).
    for (let t = this.clock.now(); s.type !== "trashcan" && siblings.some((v) => v.version === version); ) {
      t += 1000;
      version = tagFilename(name, formatTag(t));
    }
    const dst = resolveInFolder(this.versionsRoot, version);
    await fs.mkdir(this.versionsRoot, { recursive: true });
    await makeParents(this.versionsRoot, version);
    await fs.rm(dst, { force: true });
    try {
      await fs.link(src, dst);
    } catch (err) {
      // Only a filesystem without hard links gets a copy; a vanished source is a real error.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw err;
      await fs.copyFile(src, dst, fs.constants.COPYFILE_FICLONE);
      await fs.utimes(dst, st.atime, st.mtime);
    }
    if (s.type === "simple" || s.type === "staggered") await this.removeVersions(this.expired([...siblings, await this.found(version)], s));
    return version;
  }

  /** Every versioned file (optionally only `prefix` and below) with its versions, newest first. */
  async list(prefix?: string): Promise<VersionedFile[]> {
    const byName = new Map<string, FileVersion[]>();
    for (const v of await this.walk(prefix ? prefix.replace(/\/+$/, "") : "")) {
      if (prefix && v.name !== prefix && !v.name.startsWith(prefix.replace(/\/+$/, "") + "/")) continue;
      const list = byName.get(v.name) ?? [];
      list.push({ version: v.version, versionTime: v.versionTime, modTime: v.modTime, size: v.size });
      byName.set(v.name, list);
    }
    return [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([p, versions]) => ({ path: p, versions: versions.sort((a, b) => b.versionTime - a.versionTime) }));
  }

  /**
   * Puts a version back as the current file (the version stays). The file it replaces becomes a
   * version itself, so a restore never loses anything. The caller rescans `name` afterwards.
   */
  async restore(name: string, version: string): Promise<void> {
    const check = validateRemoteName(name);
    if (!check.ok) throw new VersioningError(`cannot restore ${JSON.stringify(name)}: ${check.reason}`);
    const owner = untagFilename(version)?.name ?? version;
    if (owner !== name) throw new VersioningError(`${JSON.stringify(version)} is not a version of ${JSON.stringify(name)}`);
    let src: string;
    try {
      src = resolveInFolder(this.versionsRoot, version);
    } catch (err) {
      throw new VersioningError((err as Error).message);
    }
    const st = await fs.lstat(src).catch(() => null);
    if (!st?.isFile()) throw new VersioningError(`no version ${JSON.stringify(version)} of ${JSON.stringify(name)} in ${VERSIONS_DIR}`);
    const root = this.opts.root();
    const target = resolveInFolder(root, name);
    const current = await fs.lstat(target).catch(() => null);
    if (current && !current.isFile()) throw new VersioningError(`${JSON.stringify(name)} is a ${current.isDirectory() ? "directory" : "symlink"} now; move it away first`);
    await makeParents(root, name);
    // Copy to a temp name first: archiving the current file may reuse the version's own path (trash can).
    const tmp = resolveInFolder(root, tempName(name));
    await fs.copyFile(src, tmp);
    try {
      await fs.utimes(tmp, st.atime, st.mtime);
      if (current) await this.archive(name, { force: true });
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  /** Applies the folder's rule to every versioned file; returns the versions removed. */
  async cleanup(): Promise<string[]> {
    const s = this.settings();
    if (s.type === "none") return [];
    const groups = new Map<string, FoundVersion[]>();
    for (const v of await this.walk("")) groups.set(v.name, [...(groups.get(v.name) ?? []), v]);
    const removed: string[] = [];
    for (const versions of groups.values()) removed.push(...(await this.removeVersions(this.expired(versions, s))));
    await this.removeEmptyDirs(this.versionsRoot);
    if (removed.length) this.opts.onCleaned?.(removed);
    return removed;
  }

  /** Cleans on the folder's cleanupIntervalS (a timer that does not keep the process alive). */
  start(): void {
    this.stop();
    const every = this.settings().cleanupIntervalS;
    if (every <= 0) return;
    this.timer = setInterval(() => {
      this.cleanup().catch((err: Error) => this.opts.log?.(`versions cleanup failed: ${err.message}`));
    }, every * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private expired(versions: FoundVersion[], s: VersioningSettings): FoundVersion[] {
    const now = this.clock.now();
    const out = new Set<FoundVersion>();
    if (s.cleanoutDays > 0 && s.type !== "staggered") for (const v of versions) if (now - v.versionTime > s.cleanoutDays * 86_400_000) out.add(v);
    if (s.type === "simple") {
      const newestFirst = [...versions].sort((a, b) => b.versionTime - a.versionTime);
      for (const v of newestFirst.slice(s.keep)) out.add(v);
    }
    if (s.type === "staggered") {
      const tagged = versions.filter((v) => untagFilename(v.version));
      const drop = new Set(staggeredToRemove(tagged.map((v) => v.versionTime), now, s.maxAgeS));
      for (const v of tagged) if (drop.has(v.versionTime)) out.add(v);
    }
    return [...out];
  }

  private async removeVersions(versions: FoundVersion[]): Promise<string[]> {
    for (const v of versions) await fs.rm(resolveInFolder(this.versionsRoot, v.version), { force: true });
    return versions.map((v) => v.version);
  }

  private async found(version: string): Promise<FoundVersion> {
    const st = await fs.lstat(resolveInFolder(this.versionsRoot, version));
    const tagged = untagFilename(version);
    return {
      version,
      name: tagged?.name ?? version,
      // Untagged (trash can) versions date from when they were linked in: the inode's ctime.
      versionTime: tagged?.time ?? st.ctimeMs,
      modTime: st.mtimeMs,
      size: st.size,
      ino: st.ino,
    };
  }

  /** The versions of one file, from its directory in `.stversions`. */
  private async versionsOf(name: string): Promise<FoundVersion[]> {
    const dir = path.posix.dirname(name);
    const entries = await fs.readdir(resolveInFolder(this.versionsRoot, dir === "." ? "" : dir), { withFileTypes: true }).catch(() => []);
    const out: FoundVersion[] = [];
    for (const e of entries) {
      const version = dir === "." ? e.name : `${dir}/${e.name}`;
      if (!e.isFile() || (untagFilename(version)?.name ?? version) !== name) continue;
      const v = await this.found(version).catch(() => null);
      if (v) out.push(v);
    }
    return out;
  }

  private async walk(under: string): Promise<FoundVersion[]> {
    const out: FoundVersion[] = [];
    const visit = async (rel: string) => {
      const entries = await fs.readdir(resolveInFolder(this.versionsRoot, rel), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await visit(child);
        else if (e.isFile()) out.push(await this.found(child));
      }
    };
    // Start at the deepest existing directory of the prefix, so listing one file does not walk everything.
    let start = under;
    while (start && !(await fs.stat(resolveInFolder(this.versionsRoot, start)).then((s) => s.isDirectory(), () => false))) start = start.includes("/") ? start.slice(0, start.lastIndexOf("/")) : "";
    await visit(start);
    return out;
  }

  private async removeEmptyDirs(dir: string, isRoot = true): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isDirectory()) await this.removeEmptyDirs(path.join(dir, e.name), false);
    if (!isRoot) await fs.rmdir(dir).catch(() => {});
  }
}
