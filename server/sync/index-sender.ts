import type { BepConnection } from "./connection";
import type { IndexStore } from "./index-store";
import { fileInfoFromRecord } from "./records";
import type { FileInfo } from "./protocol/fileinfo";

const MAX_FILES = 1000; // Syncthing's batch limits (bep.md §6)
const MAX_BYTES = 250 * 1024;

/** Rough encoded size of a FileInfo, to keep a batch near Syncthing's 250 KiB. */
const estimate = (f: FileInfo) => 64 + f.name.length * 2 + f.version.length * 20 + f.blocks.length * 48 + f.symlinkTarget.length;

/**
 * Sends one folder's local index to one peer: first everything after the sequence the peer said it
 * has (a full Index when it has nothing valid of ours), then each later change as an IndexUpdate.
 */
export class IndexSender {
  private sentUpTo: number;
  private needFull: boolean;
  private sending = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly conn: BepConnection,
    private readonly folderId: string,
    private readonly store: IndexStore,
    startAfter: number,
    full: boolean,
    private readonly log: (line: string) => void,
  ) {
    this.sentUpTo = startAfter;
    this.needFull = full;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Local index changed (or we just started): send whatever the peer has not seen. */
  notify(): void {
    if (this.stopped) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.drain().finally(() => {
      this.sending = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.notify();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped || this.conn.closed) return;
        const recs = this.store.localSince(this.folderId, this.sentUpTo, MAX_FILES);
        if (!recs.length) return;
        const files: FileInfo[] = [];
        let bytes = 0;
        for (const r of recs) {
          const f = fileInfoFromRecord(r);
          const size = estimate(f);
          if (files.length && bytes + size > MAX_BYTES) break;
          files.push(f);
          bytes += size;
        }
        const last = files[files.length - 1].sequence;
        const type = this.needFull ? "index" : "indexUpdate";
        await this.conn.send({ type, message: { folder: this.folderId, files, lastSequence: last, prevSequence: this.needFull ? 0 : this.sentUpTo } });
        this.needFull = false;
        this.sentUpTo = last;
        // Let other connections and the console breathe between batches of a big index.
        await new Promise((r) => setImmediate(r));
      }
    } catch (err) {
      if (!this.conn.closed) this.log(`index to ${this.conn.deviceId.shortIdString()} for ${this.folderId} failed: ${(err as Error).message}`);
    }
  }
}
