// The index rows of pulled items, written in batches. One SQLite transaction per small file was
// the biggest single cost of pulling 20,000 files (bench (b)); rows are now written BATCH at a time
// or BATCH_MS after the first is held. A crash before a batch is written leaves files on disk
// exactly as the cluster has them; the next scan takes the cluster's version for those
// (scan-records.ts), so they are neither new versions nor conflicts.
//
// The directories files were renamed into are fsynced once per batch, right before its rows are
// written (as Syncthing's database updater does), so the index never claims a rename that a crash
// could undo. A row whose directory cannot be synced is not written: its file is on disk as the
// cluster has it, and the next scan takes it over or the next pull does it again.
import type { IndexStore } from "./index-store";
import { syncDir } from "./puller-disk";
import type { FileRecord } from "./records";

const BATCH = 250;
const BATCH_MS = 200;

export class PulledRows {
  private held: FileRecord[] = [];
  /** Directories whose fsync waits for the next batch, each with the names renamed into it. */
  private dirs = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | null = null;
  /** Batches, one after another (each first fsyncs its directories). */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: IndexStore,
    private readonly folderId: string,
    private readonly log: (line: string) => void,
  ) {}

  /** `name` was renamed into `dir`: fsync `dir` before its row is written (PullFileInput.deferDirSync). */
  renamedInto(dir: string, name: string): void {
    let names = this.dirs.get(dir);
    if (!names) this.dirs.set(dir, (names = new Set()));
    names.add(name);
  }

  /** Holds a pulled item's row until its batch is written. */
  add(rec: FileRecord): void {
    this.held.push(rec);
    if (this.held.length >= BATCH) this.writeInBackground();
    else this.timer ??= setTimeout(() => this.writeInBackground(), BATCH_MS);
  }

  /** Writes what is held; resolves once it and every earlier batch are written. */
  write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.held.length) return this.chain;
    const recs = this.held;
    const dirs = this.dirs;
    this.held = [];
    this.dirs = new Map();
    const run = this.chain.then(async () => {
      const unsynced = new Set<string>();
      await Promise.all(
        [...dirs].map(([dir, names]) =>
          syncDir(dir).catch((err: NodeJS.ErrnoException) => {
            if (err.code === "ENOENT") return; // removed meanwhile: nothing of it can come back
            this.log(`folder ${this.folderId}: fsync of ${dir} failed (${err.message}); its ${names.size} pulled item(s) are not recorded yet`);
            for (const n of names) unsynced.add(n);
          }),
        ),
      );
      // Peers hear of them when the pull ends (localIndexChanged): an index update per batch
      // would have each peer walk its whole need list again for every batch.
      this.store.commitLocal(this.folderId, unsynced.size ? recs.filter((r) => !unsynced.has(r.name)) : recs);
    });
    this.chain = run.catch(() => {});
    return run;
  }

  /** Resolves once every batch started so far is written (or failed). */
  settled(): Promise<void> {
    return this.chain;
  }

  private writeInBackground(): void {
    this.write().catch((err: Error) => this.log(`folder ${this.folderId}: recording pulled items failed: ${err.message}`));
  }
}
