import type Database from "better-sqlite3";
import { TimeSlicer } from "./time-slice";
import { blocksOf, type FileRecord } from "./records";
import { vectorFromJson, vectorToJson } from "./vectors";
import { globalOf, needs, type Candidate } from "./global";

export const LOCAL = ""; // device_id of this node's own rows

interface Row {
  folder_id: string;
  device_id: string;
  name: string;
  type: number;
  size: number;
  permissions: number;
  modified_s: number;
  modified_ns: number;
  modified_by: string;
  deleted: number;
  invalid: number;
  no_permissions: number;
  version: string;
  sequence: number;
  block_size: number;
  block_hashes: Buffer | null;
  symlink_target: string;
  local_flags: number;
  inode: number | null;
}

const fromRow = (r: Row): FileRecord => ({
  name: r.name,
  type: r.type,
  size: r.size,
  permissions: r.permissions,
  modifiedS: r.modified_s,
  modifiedNs: r.modified_ns,
  modifiedBy: BigInt(r.modified_by),
  deleted: !!r.deleted,
  invalid: !!r.invalid,
  noPermissions: !!r.no_permissions,
  version: vectorFromJson(r.version),
  sequence: r.sequence,
  blockSize: r.block_size,
  blockHashes: r.block_hashes,
  symlinkTarget: r.symlink_target,
  localFlags: r.local_flags,
  inode: r.inode,
});

const toParams = (folder: string, device: string, f: FileRecord) => ({
  folder_id: folder,
  device_id: device,
  name: f.name,
  type: f.type,
  size: f.size,
  permissions: f.permissions,
  modified_s: f.modifiedS,
  modified_ns: f.modifiedNs,
  modified_by: f.modifiedBy.toString(),
  deleted: f.deleted ? 1 : 0,
  invalid: f.invalid ? 1 : 0,
  no_permissions: f.noPermissions ? 1 : 0,
  version: vectorToJson(f.version),
  sequence: f.sequence,
  block_size: f.blockSize,
  block_hashes: f.blockHashes,
  symlink_target: f.symlinkTarget,
  local_flags: f.localFlags,
  inode: f.inode,
});

export interface NeedItem {
  name: string;
  global: FileRecord;
  globalDevice: string;
  /** Devices whose entry equals the global version: where blocks can be fetched. */
  availability: string[];
  local: FileRecord | undefined;
}

export interface Counts {
  files: number;
  directories: number;
  symlinks: number;
  deleted: number;
  bytes: number;
}

const zero = (): Counts => ({ files: 0, directories: 0, symlinks: 0, deleted: 0, bytes: 0 });
function add(c: Counts, r: FileRecord) {
  if (r.deleted) c.deleted++;
  else if (r.type === 1) c.directories++;
  else if (r.type === 4 || r.type === 2 || r.type === 3) c.symlinks++;
  else {
    c.files++;
    c.bytes += r.size;
  }
}

/**
 * The file index of every folder: our own entries (device "") and each peer's, in one table with
 * prepared statements, written in transactions of at most a batch (bep.md: 1000 files).
 */
export class IndexStore {
  private readonly s;
  private readonly generations = new Map<string, number>();

  constructor(private readonly sqlite: Database.Database) {
    const cols =
      "folder_id, device_id, name, type, size, permissions, modified_s, modified_ns, modified_by, deleted, invalid, no_permissions, version, sequence, block_size, block_hashes, symlink_target, local_flags, inode";
    this.s = {
      upsert: sqlite.prepare(
        `INSERT INTO files (${cols}) VALUES (${cols
          .split(", ")
          .map((c) => "@" + c)
          .join(", ")}) ON CONFLICT(folder_id, device_id, name) DO UPDATE SET ${cols
          .split(", ")
          .slice(3)
          .map((c) => `${c}=excluded.${c}`)
          .join(", ")}`,
      ),
      get: sqlite.prepare("SELECT * FROM files WHERE folder_id=? AND device_id=? AND name=?"),
      since: sqlite.prepare("SELECT * FROM files WHERE folder_id=? AND device_id=? AND sequence>? ORDER BY sequence LIMIT ?"),
      allOf: sqlite.prepare("SELECT * FROM files WHERE folder_id=? AND device_id=?"),
      anyOf: sqlite.prepare("SELECT 1 FROM files WHERE folder_id=? AND device_id=? LIMIT 1"),
      byName: sqlite.prepare("SELECT * FROM files WHERE folder_id=? AND name=?"),
      allFolder: sqlite.prepare("SELECT * FROM files WHERE folder_id=? ORDER BY name, device_id"),
      pageFirst: sqlite.prepare("SELECT * FROM files WHERE folder_id=? ORDER BY name, device_id LIMIT ?"),
      pageAfter: sqlite.prepare("SELECT * FROM files WHERE folder_id=? AND name>? ORDER BY name, device_id LIMIT ?"),
      namesUnder: sqlite.prepare(
        "SELECT name FROM files WHERE folder_id=? AND device_id='' AND deleted=0 AND name>? AND (name=? OR (name>? AND name<?)) ORDER BY name LIMIT ?",
      ),
      allNames: sqlite.prepare("SELECT name FROM files WHERE folder_id=? AND device_id='' AND deleted=0 AND name>? ORDER BY name LIMIT ?"),
      dropDevice: sqlite.prepare("DELETE FROM files WHERE folder_id=? AND device_id=?"),
      dropFolder: sqlite.prepare("DELETE FROM files WHERE folder_id=?"),
      delBlocks: sqlite.prepare("DELETE FROM blocks WHERE folder_id=? AND name=?"),
      addBlock: sqlite.prepare("INSERT INTO blocks (hash, folder_id, name, block_index, offset, size) VALUES (?, ?, ?, ?, ?, ?)"),
      findBlock: sqlite.prepare("SELECT folder_id, name, offset, size FROM blocks WHERE hash=? LIMIT 8"),
      dropFolderBlocks: sqlite.prepare("DELETE FROM blocks WHERE folder_id=?"),
      maxSeq: sqlite.prepare("SELECT max_sequence FROM folders WHERE id=?"),
      setMaxSeq: sqlite.prepare("UPDATE folders SET max_sequence=? WHERE id=?"),
    };
  }

  /** Whether a device has announced anything of this folder (one index seek). */
  hasEntriesFrom(folder: string, device: string): boolean {
    return this.s.anyOf.get(folder, device) !== undefined;
  }

  getLocal(folder: string, name: string): FileRecord | undefined {
    const row = this.s.get.get(folder, LOCAL, name) as Row | undefined;
    return row && fromRow(row);
  }

  get(folder: string, device: string, name: string): FileRecord | undefined {
    const row = this.s.get.get(folder, device, name) as Row | undefined;
    return row && fromRow(row);
  }

  /**
   * Non-deleted local names equal to or below prefix ("" = all), in name order. Read in pages, so no
   * statement stays open while the caller works: the scanner commits between the names it takes,
   * and better-sqlite3 refuses a write while an iterator is open ("connection is busy"), which
   * failed any scan with more deletions than one commit batch.
   */
  *localNames(folder: string, prefix: string): Iterable<string> {
    let after = ""; // every name is longer than this
    for (;;) {
      const rows = (prefix === "" ? this.s.allNames.all(folder, after, NAMES_PAGE) : this.s.namesUnder.all(folder, after, prefix, prefix + "/", prefix + "0", NAMES_PAGE)) as { name: string }[];
      for (const r of rows) yield r.name;
      if (rows.length < NAMES_PAGE) return;
      after = rows[rows.length - 1].name;
    }
  }

  localMaxSequence(folder: string): number {
    return (this.s.maxSeq.get(folder) as { max_sequence: number } | undefined)?.max_sequence ?? 0;
  }

  /**
   * Records local changes, giving each the next sequence number, and keeps the block locations in
   * step. One transaction: a crash leaves either all of the batch or none of it.
   */
  /**
   * A counter per folder that moves on every index write, so status can keep its counts (a walk of
   * the whole folder) until something changed instead of walking on every page load.
   */
  generation(folder: string): number {
    return this.generations.get(folder) ?? 0;
  }

  private changed(folder: string): void {
    this.generations.set(folder, this.generation(folder) + 1);
  }

  commitLocal(folder: string, changes: FileRecord[]): FileRecord[] {
    this.changed(folder);
    return this.sqlite.transaction(() => {
      let seq = this.localMaxSequence(folder);
      const out: FileRecord[] = [];
      for (const change of changes) {
        const rec = { ...change, sequence: ++seq };
        this.s.upsert.run(toParams(folder, LOCAL, rec));
        this.s.delBlocks.run(folder, rec.name);
        if (rec.blockHashes && !rec.deleted && rec.localFlags === 0) {
          blocksOf(rec).forEach((b, i) => this.s.addBlock.run(Buffer.from(b.hash), folder, rec.name, i, b.offset, b.size));
        }
        out.push(rec);
      }
      this.s.setMaxSeq.run(seq, folder);
      return out;
    })();
  }

  /** Local entries with sequence > after, in sequence order (what a peer has not seen yet). */
  localSince(folder: string, after: number, limit: number): FileRecord[] {
    return (this.s.since.all(folder, LOCAL, after, limit) as Row[]).map(fromRow);
  }

  /** Stores a peer's announced entries; a full Index replaces everything we held of that peer. */
  putRemote(folder: string, device: string, recs: FileRecord[], replace: boolean): void {
    this.changed(folder);
    this.sqlite.transaction(() => {
      if (replace) this.s.dropDevice.run(folder, device);
      for (const r of recs) this.s.upsert.run(toParams(folder, device, { ...r, localFlags: 0, inode: null }));
    })();
  }

  dropRemote(folder: string, device: string): void {
    this.changed(folder);
    this.s.dropDevice.run(folder, device);
  }

  dropFolder(folder: string): void {
    this.changed(folder);
    this.sqlite.transaction(() => {
      this.s.dropFolder.run(folder);
      this.s.dropFolderBlocks.run(folder);
    })();
  }

  /** Where a block with this hash exists in a local file. */
  findBlock(hash: Uint8Array): { folderId: string; name: string; offset: number; size: number }[] {
    return (this.s.findBlock.all(Buffer.from(hash)) as { folder_id: string; name: string; offset: number; size: number }[]).map((r) => ({
      folderId: r.folder_id,
      name: r.name,
      offset: r.offset,
      size: r.size,
    }));
  }

  /** All devices' entries for one name. */
  candidates(folder: string, name: string): Candidate[] {
    return (this.s.byName.all(folder, name) as Row[]).map((r) => ({ device: r.device_id, rec: fromRow(r) }));
  }

  /**
   * Walks the folder name by name with every device's entry, computing the global version; the
   * callback sees each name once. Devices in `exclude` (paused, removed) are left out.
   */
  forEachName(folder: string, fn: (name: string, candidates: Candidate[]) => void, include?: (device: string) => boolean): void {
    eachName(this.s.allFolder.iterate(folder) as Iterable<Row>, fn, include);
  }

  /**
   * forEachName for big folders: pages of WALK_PAGE rows in name order (the files_name index), with
   * a turn for the event loop between pages, so a walk of 100,000 names never blocks requests for
   * a whole second. The index may change between pages; each name is still seen once.
   */
  async forEachNameAsync(folder: string, fn: (name: string, candidates: Candidate[]) => void, include?: (device: string) => boolean): Promise<void> {
    const slicer = new TimeSlicer();
    let after: string | null = null;
    for (;;) {
      const rows = (after === null ? this.s.pageFirst.all(folder, WALK_PAGE) : this.s.pageAfter.all(folder, after, WALK_PAGE)) as Row[];
      let end = rows.length;
      if (rows.length === WALK_PAGE) {
        // The last name may continue on the next page: leave it for that page.
        const last = rows[end - 1].name;
        while (end > 0 && rows[end - 1].name === last) end--;
        if (end === 0) end = rows.length; // one name on more rows than a page holds: cannot happen (one row per device)
      }
      eachName(end === rows.length ? rows : rows.slice(0, end), fn, include);
      if (rows.length < WALK_PAGE) return;
      after = rows[end - 1].name;
      await slicer.yieldIfDue();
    }
  }

  /** What the local side lacks of the global state, directories first then by name. */
  need(folder: string, include?: (device: string) => boolean): NeedItem[] {
    const out: NeedItem[] = [];
    this.forEachName(folder, needCollector(out), include);
    return out;
  }

  async needAsync(folder: string, include?: (device: string) => boolean): Promise<NeedItem[]> {
    const out: NeedItem[] = [];
    await this.forEachNameAsync(folder, needCollector(out), include);
    return out;
  }

  /** Local and global totals and what is still needed, for status. */
  counts(folder: string, include?: (device: string) => boolean): FolderCounts {
    const c = { local: zero(), global: zero(), need: zero() };
    this.forEachName(folder, countsCollector(c), include);
    return c;
  }

  async countsAsync(folder: string, include?: (device: string) => boolean): Promise<FolderCounts> {
    const c = { local: zero(), global: zero(), need: zero() };
    await this.forEachNameAsync(folder, countsCollector(c), include);
    return c;
  }

  /** A peer's completion of a folder (percent of global bytes it holds in the global version). */
  completion(folder: string, device: string): Completion {
    const c = { globalBytes: 0, needBytes: 0, needItems: 0 };
    this.forEachName(folder, completionCollector(c, device));
    return completionOf(c);
  }

  async completionAsync(folder: string, device: string): Promise<Completion> {
    const c = { globalBytes: 0, needBytes: 0, needItems: 0 };
    await this.forEachNameAsync(folder, completionCollector(c, device));
    return completionOf(c);
  }
}

/** Calls fn once per name of rows (in name order) with the entries of the included devices and our own. */
function eachName(rows: Iterable<Row>, fn: (name: string, candidates: Candidate[]) => void, include?: (device: string) => boolean): void {
  let current: string | null = null;
  let group: Candidate[] = [];
  for (const row of rows) {
    if (row.name !== current) {
      if (current !== null) fn(current, group);
      current = row.name;
      group = [];
    }
    if (row.device_id === LOCAL || !include || include(row.device_id)) group.push({ device: row.device_id, rec: fromRow(row) });
  }
  if (current !== null) fn(current, group);
}

/** Names per page of localNames. */
const NAMES_PAGE = 1000;

/** Rows per page of forEachNameAsync. */
const WALK_PAGE = 2000;

export interface FolderCounts {
  local: Counts;
  global: Counts;
  need: Counts;
}

export interface Completion {
  percent: number;
  needBytes: number;
  needItems: number;
}

function needCollector(out: NeedItem[]) {
  return (name: string, cands: Candidate[]) => {
    const g = globalOf(cands);
    if (!g || g.device === LOCAL) return;
    const local = cands.find((c) => c.device === LOCAL)?.rec;
    if (!needs(local, g.rec)) return;
    const availability = cands.filter((c) => c.device !== LOCAL && !c.rec.invalid && sameVersion(c.rec, g.rec)).map((c) => c.device);
    out.push({ name, global: g.rec, globalDevice: g.device, availability, local });
  };
}

function countsCollector(c: FolderCounts) {
  return (_name: string, cands: Candidate[]) => {
    const l = cands.find((x) => x.device === LOCAL)?.rec;
    if (l && !l.deleted) add(c.local, l);
    const g = globalOf(cands);
    if (g && !g.rec.deleted) add(c.global, g.rec);
    if (g && g.device !== LOCAL && needs(l, g.rec)) add(c.need, g.rec);
  };
}

function completionCollector(c: { globalBytes: number; needBytes: number; needItems: number }, device: string) {
  return (_name: string, cands: Candidate[]) => {
    const g = globalOf(cands);
    if (!g) return;
    if (!g.rec.deleted) c.globalBytes += g.rec.size;
    const theirs = cands.find((x) => x.device === device)?.rec;
    if (needs(theirs, g.rec)) {
      c.needItems++;
      if (!g.rec.deleted) c.needBytes += g.rec.size;
    }
  };
}

function completionOf(c: { globalBytes: number; needBytes: number; needItems: number }): Completion {
  const percent = c.globalBytes === 0 ? (c.needItems ? 95 : 100) : Math.floor((100 * (c.globalBytes - c.needBytes)) / c.globalBytes);
  return { percent, needBytes: c.needBytes, needItems: c.needItems };
}

function sameVersion(a: FileRecord, b: FileRecord): boolean {
  const va = vectorToJson(a.version);
  return va === vectorToJson(b.version);
}
