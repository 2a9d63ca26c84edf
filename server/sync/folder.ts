import fs from "node:fs/promises";
import { setMaxListeners } from "node:events";
import path from "node:path";
import type { EventBus } from "../events/bus";
import type { FolderState } from "../events/types";
import type { FolderConfig } from "./config";
import type { IndexStore, NeedItem } from "./index-store";
import { loadIgnoreFile, type IgnoreMatcher } from "./ignore";
import { FileInfoType, type BlockInfo } from "./protocol/fileinfo";
import { shortIdToString } from "./protocol/deviceid";
import { fileInfoFromRecord, type FileRecord } from "./records";
import { conflictCopyFor, pruneConflictCopies } from "./conflict-copies";
import { scanFolder, type KnownFile } from "./scanner";
import { recordsForScan } from "./scan-records";
import { FolderWatcher } from "./watcher";
import { applyDelete, applyDirectory, applySymlink, pullFile, LocalChangedError, type BlockSource } from "./puller";
import { isSymlinkType } from "./puller-items";
import { PulledRows } from "./pulled-rows";
import type { ConflictLog } from "./conflicts";
import { ConflictScan } from "./conflict-scan";
import { Versioner } from "./versioner";
import { promoteLocalChanges } from "./receive-only";
import { mergeEquivalent } from "./send-only";

/** What a folder runner needs from the engine around it. */
export interface FolderHost {
  store: IndexStore;
  events: EventBus;
  shortId: bigint;
  conflicts: ConflictLog;
  /** Fetches a block from one of the devices that have the needed version (as it arrived: pieces in order). */
  fetchBlock(folderId: string, name: string, block: BlockInfo, devices: string[], signal: AbortSignal): Promise<readonly Uint8Array[]>;
  /** Devices whose index counts for this folder now (shared, not paused). */
  activeDevices(folderId: string): Set<string>;
  /** Our index changed: tell the peers. */
  localIndexChanged(folderId: string): void;
  /** The first scan since start moved our sequence: the ClusterConfig peers hold announces an older one. */
  firstScanChanged(folderId: string): void;
  log(line: string): void;
}

export interface FailedItem {
  name: string;
  reason: string;
  at: number;
}

const TYPE_NAMES: Record<number, string> = { 0: "file", 1: "dir", 2: "symlink", 3: "symlink", 4: "symlink" };
const DELETION_GRACE_MS = 1_000;
const RETRY_MS = [2_000, 5_000, 15_000, 60_000];
/** Files up to this size (one block) are pulled SMALL_PULL_CONCURRENCY at a time. */
const SMALL_PULL_BYTES = 128 * 1024;
const SMALL_PULL_CONCURRENCY = 32;

/**
 * One folder's life: scan (full or the watcher's paths) → commit local changes with new versions →
 * pull what the global state has that we lack. Work is serial per folder: a scan never races a pull.
 */
export class FolderRunner {
  state: FolderState = "stopped";
  private firstScan = true;
  error: string | null = null;
  progress: { doneBytes: number; totalBytes: number; currentFile?: string } | null = null;
  failed = new Map<string, FailedItem>();
  lastScanAt: number | null = null;
  lastPullAt: number | null = null;
  /** Bytes the scanner hashed since start: a type change must not add to it for unchanged files. */
  bytesHashed = 0;

  private scanAll = false;
  private scanPaths = new Set<string>();
  private pullWanted = false;
  private running: Promise<void> | null = null;
  private stopped = true;
  private abort = new AbortController();
  private watcher: FolderWatcher | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryStep = 0;
  private deletionGrace: NodeJS.Timeout | null = null;
  private matcher: IgnoreMatcher | null = null;
  /** An operation (revert, override, type change) holds the folder: no scan or pull runs meanwhile. */
  private held = 0;
  /** Pulled items on disk whose index rows are not written yet. */
  private readonly pulledRows: PulledRows;

  /** Keeps what a peer replaces or deletes, per the folder's versioning (versioner.ts). */
  readonly versioner: Versioner;
  private readonly conflictScan: ConflictScan;

  constructor(
    public cfg: FolderConfig,
    private readonly host: FolderHost,
  ) {
    this.versioner = new Versioner({
      root: () => this.cfg.path,
      config: () => this.cfg.versioning,
      onCleaned: (versions) => host.events.emit("versioning.cleaned", { folderId: this.id, removed: versions.length, versions: versions.slice(0, 100) }),
      log: (line) => host.log(`folder ${this.id}: ${line}`),
    });
    this.conflictScan = new ConflictScan(cfg.id, host.store, host.conflicts, host.events);
    this.pulledRows = new PulledRows(host.store, cfg.id, host.log);
  }

  get id(): string {
    return this.cfg.id;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    // Each file being pulled listens for the stop (up to SMALL_PULL_CONCURRENCY + 4 at once).
    setMaxListeners(SMALL_PULL_CONCURRENCY + 16, this.abort.signal);
    this.firstScan = true;
    if (this.cfg.paused) return this.setState("paused");
    this.setState("idle");
    this.versioner.start();
    this.requestScan();
    if (this.cfg.fsWatcherEnabled) this.startWatcher();
    this.scheduleRescan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.versioner.stop();
    this.watcher?.stop();
    this.watcher = null;
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.deletionGrace) clearTimeout(this.deletionGrace);
    this.deletionGrace = null;
    await this.running?.catch(() => {});
    await this.pulledRows.settled();
    this.setState("stopped");
  }

  /** Applies a changed configuration (type, paused, intervals) without a restart or a rescan of unchanged files. */
  async reconfigure(cfg: FolderConfig): Promise<void> {
    const wasPaused = this.cfg.paused;
    const oldType = this.cfg.type;
    this.promoted = 0;
    if (oldType === "receiveonly" && cfg.type !== "receiveonly") {
      // Local changes stop being local: they get new versions and go out valid. No rescan needed.
      await this.exclusive(async () => {
        this.cfg = cfg;
        this.promoted = promoteLocalChanges(this.host.store, this.id, this.host.shortId);
        if (this.promoted) this.host.localIndexChanged(this.id);
      });
    }
    const watcherChanged = cfg.fsWatcherEnabled !== this.cfg.fsWatcherEnabled || cfg.fsWatcherDelayS !== this.cfg.fsWatcherDelayS;
    this.cfg = cfg;
    if (cfg.paused && !wasPaused) {
      await this.stop();
      this.stopped = true;
      this.setState("paused");
      return;
    }
    if (!cfg.paused && wasPaused) {
      this.stopped = true;
      return this.start();
    }
    if (watcherChanged) {
      this.watcher?.stop();
      this.watcher = null;
      if (cfg.fsWatcherEnabled) this.startWatcher();
    }
    this.scheduleRescan();
    this.requestPull();
  }

  /** How many receive-only changes the last type change turned into ordinary ones. */
  promoted = 0;

  /**
   * Runs fn while no scan or pull is running and none starts; queued work resumes afterwards.
   * Revert, Override and type changes use it so they never interleave with the puller.
   */
  async exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    this.held++;
    try {
      await this.idle();
      return await fn();
    } finally {
      this.held--;
      this.kick();
    }
  }

  /** A full scan right now; only inside exclusive(), where nothing else runs. */
  async scanNow(): Promise<void> {
    if (this.stopped || !this.held) return;
    await this.scan();
    this.setState("idle");
  }

  requestScan(subPaths?: string[]): void {
    if (subPaths) for (const p of subPaths) this.scanPaths.add(p);
    else this.scanAll = true;
    this.kick();
  }

  requestPull(): void {
    this.pullWanted = true;
    this.kick();
  }

  /** Resolves when no work is queued or running (tests and the CLI's rescan wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => {});
  }

  private kick() {
    if (this.stopped || this.running || this.held) return;
    this.running = this.loop().finally(() => {
      this.running = null;
      if (!this.stopped && (this.scanAll || this.scanPaths.size || this.pullWanted)) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped && (this.scanAll || this.scanPaths.size || this.pullWanted)) {
      try {
        if (this.scanAll || this.scanPaths.size) {
          const all = this.scanAll;
          const paths = [...this.scanPaths];
          this.scanAll = false;
          this.scanPaths.clear();
          await this.scan(all ? undefined : paths);
          continue;
        }
        this.pullWanted = false;
        await this.pull();
        this.error = null;
      } catch (err) {
        if (this.stopped) return;
        this.error = (err as Error).message;
        this.host.log(`folder ${this.id}: ${this.error}`);
        this.setState("error");
        this.scheduleRetry();
        return;
      }
    }
    if (!this.stopped) this.setState("idle");
  }

  private setState(state: FolderState) {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    if (state !== "scanning" && state !== "syncing") this.progress = null;
    this.host.events.emit("folder.state", { folderId: this.id, state, previous, ...(state === "error" && this.error ? { error: this.error } : {}) });
  }

  private startWatcher() {
    try {
      this.watcher = new FolderWatcher({
        root: this.cfg.path,
        delayMs: Math.max(50, this.cfg.fsWatcherDelayS * 1000),
        onChanges: (paths) => this.requestScan(paths),
        onError: (err) => this.host.log(`folder ${this.id}: watcher stopped (${err.message}); relying on periodic rescans`),
      });
      this.watcher.start();
    } catch (err) {
      this.host.log(`folder ${this.id}: cannot watch (${(err as Error).message})`);
    }
  }

  private scheduleRescan() {
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    if (this.cfg.rescanIntervalS <= 0 || this.stopped) return;
    // Syncthing spreads rescans by ±25% so many folders don't scan at once.
    const ms = this.cfg.rescanIntervalS * 1000 * (0.75 + Math.random() * 0.5);
    this.rescanTimer = setTimeout(() => {
      this.requestScan();
      this.scheduleRescan();
    }, ms);
    this.rescanTimer.unref();
  }

  private scheduleRetry() {
    if (this.retryTimer || this.stopped) return;
    const ms = RETRY_MS[Math.min(this.retryStep++, RETRY_MS.length - 1)];
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.requestScan();
      this.requestPull();
    }, ms);
    this.retryTimer.unref();
  }

  // ---------------------------------------------------------------- scanning

  private async checkRoot(): Promise<void> {
    try {
      await fs.access(path.join(this.cfg.path, ".stfolder"));
    } catch {
      // Syncthing's rule: a missing marker means the folder's storage is gone (unmounted disk);
      // scanning would look like "everything deleted" and propagate it. Refuse instead.
      throw new Error(`folder marker ${path.join(this.cfg.path, ".stfolder")} is missing; is the folder's disk mounted?`);
    }
  }

  private async scan(subPaths?: string[]): Promise<void> {
    await this.checkRoot();
    this.setState("scanning");
    this.matcher = await loadIgnoreFile(this.cfg.path);
    const { store } = this.host;
    const known = (name: string): KnownFile | undefined => {
      const r = store.getLocal(this.id, name);
      return r && { ...r, blockHashes: r.blockHashes };
    };
    let changedCount = 0;
    let hashedThisScan = 0;
    for await (const batch of scanFolder({
      root: this.cfg.path,
      matcher: this.matcher,
      known,
      knownNames: (prefix) => store.localNames(this.id, prefix),
      subPaths,
      ignorePerms: this.cfg.ignorePerms,
      // Committed a quarter of Syncthing's batch at a time: a 1,000-record commit held the event
      // loop ~30 ms, long enough to be felt by every request of a page load during a big scan.
      batchSize: 250,
      signal: this.abort.signal,
      onProgress: (p) => {
        this.bytesHashed += p.bytesHashed - hashedThisScan;
        hashedThisScan = p.bytesHashed;
        this.progress = { doneBytes: p.bytesHashed, totalBytes: p.bytesToHash, currentFile: p.currentFile };
        this.host.events.emit("folder.progress", { folderId: this.id, state: "scanning", ...this.progress });
      },
    })) {
      const { records, errors } = recordsForScan(batch, { store, folderId: this.id, cfg: this.cfg, shortId: this.host.shortId, activeDevices: this.host.activeDevices(this.id) });
      for (const e of errors) this.failed.set(e.name, { ...e, at: Date.now() });
      if (!records.length) continue;
      store.commitLocal(this.id, records);
      changedCount += records.length;
      this.host.events.emit("local.changed", {
        folderId: this.id,
        items: records.slice(0, 100).map((r) => ({ name: r.name, type: TYPE_NAMES[r.type] ?? "file", action: r.deleted ? "deleted" : "modified" })),
      });
      this.host.localIndexChanged(this.id);
    }
    this.lastScanAt = Date.now();
    if (changedCount) this.host.log(`folder ${this.id}: scan found ${changedCount} changes`);
    if (this.firstScan && changedCount) this.host.firstScanChanged(this.id);
    if (!subPaths) this.firstScan = false;
    this.retryStep = 0;
    this.pullWanted = true;
    // Conflict copies made elsewhere (by a Syncthing peer, or while we were down) join the list.
    await this.conflictScan.run();
  }

  // ---------------------------------------------------------------- pulling

  private async pull(): Promise<void> {
    const active = this.host.activeDevices(this.id);
    const need = await this.host.store.needAsync(this.id, (d) => active.has(d));
    if (this.cfg.type === "sendonly") {
      // Nothing remote reaches the disk; identical content elsewhere is merged, the rest is out of sync.
      if (mergeEquivalent(this.host.store, this.id, need)) this.host.localIndexChanged(this.id);
      return this.updateSummary(await this.host.store.needAsync(this.id, (d) => active.has(d)));
    }
    this.updateSummary(need);
    if (!need.length) {
      this.failed.clear();
      return;
    }
    // A rename reaches us as a deletion and an addition, sometimes in two index updates. Deleting
    // first would throw away the blocks the new name needs, so a pull with only file deletions
    // waits a moment once for the other half (Syncthing's watcher delays removals likewise).
    if (!this.deletionGrace && need.every((i) => i.global.deleted && i.global.type === FileInfoType.File)) {
      this.deletionGrace = setTimeout(() => this.requestPull(), DELETION_GRACE_MS);
      this.deletionGrace.unref();
      return;
    }
    if (this.deletionGrace) clearTimeout(this.deletionGrace);
    this.deletionGrace = null;
    await this.checkRoot();
    this.setState("syncing");
    const totalBytes = need.reduce((n, i) => n + (i.global.deleted ? 0 : i.global.size), 0);
    let doneBytes = 0;
    const dirs = need.filter((i) => !i.global.deleted && i.global.type === FileInfoType.Directory).sort((a, b) => a.name.localeCompare(b.name));
    // Symlinks come right after directories and before any file, one at a time, as in Syncthing's
    // first pass: a file under a name that a link of the same pull takes is then refused by the
    // parent check, never raced against the link's creation.
    const links = need.filter((i) => !i.global.deleted && isSymlinkType(i.global.type)).sort((a, b) => a.name.localeCompare(b.name));
    const files = need.filter((i) => !i.global.deleted && i.global.type !== FileInfoType.Directory && !isSymlinkType(i.global.type));
    // Deletions last and deepest first, so a directory is empty when its turn comes.
    const deletions = need.filter((i) => i.global.deleted).sort((a, b) => b.name.length - a.name.length || b.name.localeCompare(a.name));
    let failures = 0;
    const runOne = async (item: NeedItem) => {
      if (this.stopped) return;
      try {
        const pulled = await this.pullItem(item, (d) => {
          this.progress = { doneBytes: doneBytes + d, totalBytes, currentFile: item.name };
        });
        doneBytes += item.global.deleted ? 0 : item.global.size;
        this.failed.delete(item.name);
        this.host.events.emit("item.finished", {
          folderId: this.id,
          name: item.name,
          type: TYPE_NAMES[item.global.type] ?? "file",
          action: item.global.deleted ? "delete" : pulled,
          device: shortIdToString(item.global.modifiedBy),
          error: null,
        });
      } catch (err) {
        if (this.stopped) return;
        failures++;
        const reason = err instanceof LocalChangedError ? "changed locally while syncing; rescanning" : (err as Error).message;
        if (err instanceof LocalChangedError) this.scanPaths.add(item.name);
        this.failed.set(item.name, { name: item.name, reason, at: Date.now() });
        this.host.events.emit("item.finished", {
          folderId: this.id,
          name: item.name,
          type: TYPE_NAMES[item.global.type] ?? "file",
          action: item.global.deleted ? "delete" : "update",
          device: shortIdToString(item.global.modifiedBy),
          error: reason,
        });
      }
    };
    for (const d of dirs) await runOne(d);
    for (const l of links) await runOne(l);
    // A small file's pull is mostly waiting on its fsync, so many run at
    // once; big files stay at 4, each already holding up to 16 blocks in flight.
    const small = files.filter((i) => i.global.size <= SMALL_PULL_BYTES);
    const large = files.filter((i) => i.global.size > SMALL_PULL_BYTES);
    try {
      await Promise.all([runLimited(large, 4, runOne), runLimited(small, SMALL_PULL_CONCURRENCY, runOne)]);
      for (const d of deletions) await runOne(d);
    } finally {
      await this.pulledRows.write();
    }
    this.lastPullAt = Date.now();
    await this.conflictScan.run();
    this.host.localIndexChanged(this.id);
    const remaining = await this.host.store.needAsync(this.id, (d) => active.has(d));
    this.updateSummary(remaining);
    if (failures) this.scheduleRetry();
    else this.retryStep = 0;
  }

  private updateSummary(need: NeedItem[]) {
    this.host.events.emit("folder.summary", {
      folderId: this.id,
      needItems: need.length,
      needBytes: need.reduce((n, i) => n + (i.global.deleted ? 0 : i.global.size), 0),
      localFiles: 0,
      globalFiles: 0,
      failedItems: this.failed.size,
    });
  }

  private expected(local: FileRecord | undefined) {
    return local && !local.deleted ? { size: local.size, modifiedS: local.modifiedS, modifiedNs: local.modifiedNs, inode: local.inode } : null;
  }

  /** Applies one needed item to disk and records the global version as ours. */
  private async pullItem(item: NeedItem, onProgress: (done: number) => void): Promise<"update" | "metadata"> {
    const { global, local } = item;
    const root = this.cfg.path;
    let inode: number | null = null;
    const replacesContent = !!local && !local.deleted && local.type === FileInfoType.File && !(global.blockHashes && local.blockHashes?.equals(global.blockHashes));
    if (global.deleted) {
      if (replacesContent) await this.versioner.archive(item.name);
      const res = await applyDelete(root, item.name, local?.type ?? global.type, this.expected(local));
      if (res === "kept-not-empty") throw new Error("directory not empty (it holds files that are ignored or not yet synced)");
    } else if (global.type === FileInfoType.Directory) {
      await applyDirectory(root, fileInfoFromRecord(global), this.cfg.ignorePerms);
    } else if (global.type === FileInfoType.Symlink || global.type === 2 || global.type === 3) {
      await applySymlink(root, fileInfoFromRecord(global), this.expected(local));
    } else {
      const conflictCopy = conflictCopyFor(item, this.host.shortId, this.cfg.maxConflicts);
      // A conflict keeps the old content as the copy; otherwise the folder's versioning keeps it.
      if (!conflictCopy && replacesContent) await this.versioner.archive(item.name);
      const source: BlockSource = {
        findLocal: async (hash) => {
          for (const hit of this.host.store.findBlock(hash)) if (hit.folderId === this.id) return { name: hit.name, offset: hit.offset };
          return null;
        },
        fetch: (block, signal) => this.host.fetchBlock(this.id, item.name, block, item.availability, signal),
      };
      const result = await pullFile({
        root,
        file: fileInfoFromRecord(global),
        expectedLocal: this.expected(local),
        conflictCopy,
        ignorePerms: this.cfg.ignorePerms,
        source,
        signal: this.abort.signal,
        onProgress: (done) => onProgress(done),
        deferDirSync: (dir) => this.pulledRows.renamedInto(dir, item.name),
      });
      inode = result.inode;
      if (conflictCopy && local) {
        this.host.conflicts.record(this.id, item.name, conflictCopy, { device: item.globalDevice, rec: global }, { device: "", rec: local });
        this.host.events.emit("conflict.created", { folderId: this.id, name: item.name, conflictName: conflictCopy, winnerDevice: item.globalDevice });
        // The copy is a new local file, and the copies pruned beyond maxConflicts are deletions:
        // scan them so they reach the peers (and leave the conflict list) like any other change,
        // with or without a watcher.
        for (const pruned of await pruneConflictCopies(this.cfg.path, item.name, this.cfg.maxConflicts)) this.scanPaths.add(pruned);
        this.scanPaths.add(conflictCopy);
      }
    }
    this.pulledRows.add({ ...global, localFlags: 0, inode, invalid: false });
    return local && !local.deleted && global.type === FileInfoType.File && local.blockHashes && global.blockHashes && local.blockHashes.equals(global.blockHashes) ? "metadata" : "update";
  }
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}
