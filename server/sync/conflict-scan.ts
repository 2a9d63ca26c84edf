// Conflict copies this node did not make itself (made while Ferry was not running, or made by a
// Syncthing peer and synced here as an ordinary file) still belong in the conflict list; and a
// copy deleted by hand or by a peer is no longer a conflict. Both are read from the local index.
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { EventBus } from "../events/bus";
import type { ConflictLog } from "./conflicts";
import type { IndexStore } from "./index-store";
import { isConflictName, parseConflictName } from "./names";
import { FileInfoType } from "./protocol/fileinfo";
import type { FileRecord } from "./records";

const PAGE = 1000;

/**
 * Follows one folder's local index by sequence number, so each run looks only at entries that
 * changed since the last one (the first run after start reads the whole index once).
 */
export class ConflictScan {
  private after = 0;

  constructor(
    private readonly folderId: string,
    private readonly store: IndexStore,
    private readonly log: ConflictLog,
    private readonly events: EventBus,
  ) {}

  async run(): Promise<void> {
    // A reset index starts its sequence numbers over.
    if (this.store.localMaxSequence(this.folderId) < this.after) this.after = 0;
    for (;;) {
      const page = this.store.localSince(this.folderId, this.after, PAGE);
      for (const rec of page) if (isConflictName(rec.name)) this.note(rec);
      if (page.length) this.after = page[page.length - 1].sequence;
      if (page.length < PAGE) return;
      await yieldToLoop();
    }
  }

  private note(copy: FileRecord) {
    const row = this.log.byCopy(this.folderId, copy.name);
    if (copy.deleted || copy.type !== FileInfoType.File) {
      if (row && row.resolvedAt === null && this.log.markResolved(row.id, "copyRemoved")) {
        this.events.emit("conflict.resolved", { folderId: this.folderId, id: row.id, name: row.name, conflictName: row.conflictName, choice: "copyRemoved", by: "scanner" });
      }
      return;
    }
    if (row) return;
    const parsed = parseConflictName(copy.name);
    if (!parsed) return;
    const original = this.store.getLocal(this.folderId, parsed.original);
    // The original may be gone too; the copy is still worth reviewing, against "no file".
    const current: FileRecord = original ?? { ...copy, name: parsed.original, deleted: true, size: 0, blockHashes: null, version: [] };
    this.log.record(this.folderId, parsed.original, copy.name, { device: "", rec: current }, { device: "", rec: copy });
    this.events.emit("conflict.created", { folderId: this.folderId, name: parsed.original, conflictName: copy.name, winnerDevice: parsed.shortId });
  }
}
