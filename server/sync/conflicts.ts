import { createHash } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/connection";
import { conflicts } from "../db/schema";
import { shortIdToString } from "./protocol/deviceid";
import type { FileRecord } from "./records";
import { vectorToString } from "./vectors";

export interface ConflictSide {
  device: string; // "" = this node; else the device whose index held that version
  modifiedBy: string; // short ID of the last modifier
  version: string;
  size: number;
  modifiedS: number;
  modifiedNs: number;
  /** SHA-256 over the block hashes: equal content gives equal hash. */
  hash: string;
}

function side(s: { device: string; rec: FileRecord }): ConflictSide {
  return {
    device: s.device,
    modifiedBy: shortIdToString(s.rec.modifiedBy),
    version: vectorToString(s.rec.version),
    size: s.rec.size,
    modifiedS: s.rec.modifiedS,
    modifiedNs: s.rec.modifiedNs,
    hash: createHash("sha256").update(s.rec.blockHashes ?? Buffer.alloc(0)).digest("hex"),
  };
}

/** The conflict table: every conflict copy made here, with both versions, for the review screen. */
export class ConflictLog {
  constructor(private readonly db: Db) {}

  record(folderId: string, name: string, conflictName: string, winner: { device: string; rec: FileRecord }, loser: { device: string; rec: FileRecord }): void {
    this.db
      .insert(conflicts)
      .values({ folderId, name, conflictName, detectedAt: Date.now(), winner: JSON.stringify(side(winner)), loser: JSON.stringify(side(loser)) })
      .onConflictDoNothing()
      .run();
  }

  /** One conflict by id, resolved or not. */
  get(id: number) {
    const c = this.db.select().from(conflicts).where(eq(conflicts.id, id)).get();
    return c && parseRow(c);
  }

  /** The row of a conflict copy, resolved or not. */
  byCopy(folderId: string, conflictName: string) {
    const c = this.db.select().from(conflicts).where(and(eq(conflicts.folderId, folderId), eq(conflicts.conflictName, conflictName))).get();
    return c && parseRow(c);
  }

  /** Marks a conflict resolved; false if it was already (so two resolutions cannot both win). */
  markResolved(id: number, resolution: string, at = Date.now()): boolean {
    const res = this.db.update(conflicts).set({ resolvedAt: at, resolution }).where(and(eq(conflicts.id, id), isNull(conflicts.resolvedAt))).run();
    return res.changes > 0;
  }

  /** Undoes markResolved when the resolution could not be carried out on disk. */
  reopen(id: number): void {
    this.db.update(conflicts).set({ resolvedAt: null, resolution: null }).where(eq(conflicts.id, id)).run();
  }

  /** Open conflicts, newest first, optionally of one folder and with a name containing `search` (any case). */
  list(filter: { folderId?: string; search?: string } = {}) {
    const needle = filter.search?.toLowerCase();
    return this.open(filter.folderId).filter((c) => !needle || c.name.toLowerCase().includes(needle) || c.conflictName.toLowerCase().includes(needle));
  }

  open(folderId?: string) {
    const where = folderId ? and(isNull(conflicts.resolvedAt), eq(conflicts.folderId, folderId)) : isNull(conflicts.resolvedAt);
    return this.db
      .select()
      .from(conflicts)
      .where(where)
      .orderBy(desc(conflicts.detectedAt))
      .all()
      .map((c) => ({ ...c, winner: JSON.parse(c.winner) as ConflictSide, loser: JSON.parse(c.loser) as ConflictSide }));
  }
}

function parseRow(c: typeof conflicts.$inferSelect) {
  return { ...c, winner: JSON.parse(c.winner) as ConflictSide, loser: JSON.parse(c.loser) as ConflictSide };
}
