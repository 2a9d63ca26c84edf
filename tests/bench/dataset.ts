// Benchmark data: random (incompressible) files generated once into a seed directory with their
// SHA-256, copied into each source folder, and checked on each target. Completion is watched
// on disk: both Ferry and Syncthing write a temp name and rename it into place after fsync, so
// a file present under its real name with the right size is a finished file.
import { createHash, randomFillSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface DataFile {
  name: string; // folder-relative, "/" separators
  size: number;
  sha256: string;
}

export interface DataSet {
  label: string;
  seedDir: string;
  files: DataFile[];
  totalBytes: number;
}

const CHUNK = 4 * 1024 * 1024;

function writeRandomFile(abs: string, size: number): string {
  const hash = createHash("sha256");
  const fd = fs.openSync(abs, "w");
  try {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    for (let done = 0; done < size; ) {
      const n = Math.min(buf.length, size - done);
      randomFillSync(buf, 0, n);
      fs.writeSync(fd, buf, 0, n);
      hash.update(buf.subarray(0, n));
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/** `count` random files of `size` bytes, spread over `dirs` subdirectories (0 = all at the top). */
export function generate(seedDir: string, label: string, count: number, size: number, dirs = 0): DataSet {
  fs.mkdirSync(seedDir, { recursive: true });
  const files: DataFile[] = [];
  for (let i = 0; i < count; i++) {
    const dir = dirs > 0 ? `d${String(i % dirs).padStart(3, "0")}` : "";
    if (dir) fs.mkdirSync(path.join(seedDir, dir), { recursive: true });
    const name = (dir ? dir + "/" : "") + `f${String(i).padStart(5, "0")}.bin`;
    files.push({ name, size, sha256: writeRandomFile(path.join(seedDir, name), size) });
  }
  return { label, seedDir, files, totalBytes: count * size };
}

/** Copies the data set into a folder (before the source is told to scan; not timed). */
export function place(set: DataSet, folder: string): void {
  for (const f of set.files) {
    const dst = path.join(folder, f.name);
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(path.join(set.seedDir, f.name), dst);
  }
}

/**
 * Watches a target folder for the data set: one readdir per directory that still lacks files,
 * then a stat of newly present names, so a poll of 20,000 files costs a few milliseconds.
 */
export class Arrival {
  private readonly missing = new Map<string, Map<string, number>>(); // dir → base name → size
  private left: number;

  constructor(
    private readonly folder: string,
    set: DataSet,
  ) {
    for (const f of set.files) {
      const dir = path.posix.dirname(f.name);
      let m = this.missing.get(dir);
      if (!m) this.missing.set(dir, (m = new Map()));
      m.set(path.posix.basename(f.name), f.size);
    }
    this.left = set.files.length;
  }

  /** True once every file is present under its name with its size. */
  poll(): boolean {
    for (const [dir, names] of this.missing) {
      const abs = path.join(this.folder, dir);
      let entries: string[];
      try {
        entries = fs.readdirSync(abs);
      } catch {
        continue;
      }
      for (const e of entries) {
        const size = names.get(e);
        if (size === undefined) continue;
        const st = fs.statSync(path.join(abs, e), { throwIfNoEntry: false });
        if (st?.isFile() && st.size === size) {
          names.delete(e);
          this.left--;
        }
      }
      if (names.size === 0) this.missing.delete(dir);
    }
    return this.left === 0;
  }
}

/** Every byte arrived: size and SHA-256 of each file; throws naming the first bad one. */
export function verify(set: DataSet, folder: string): void {
  for (const f of set.files) {
    const abs = path.join(folder, f.name);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new Error(`${set.label}: ${f.name} is missing on the target`);
    if (st.size !== f.size) throw new Error(`${set.label}: ${f.name} has ${st.size} bytes on the target, expected ${f.size}`);
    const hash = createHash("sha256");
    const fd = fs.openSync(abs, "r");
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
    if (hash.digest("hex") !== f.sha256) throw new Error(`${set.label}: ${f.name} differs on the target (SHA-256 mismatch)`);
  }
}
