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
