import { compareVectors } from "./vectors";
import type { FileRecord } from "./records";

/** An index entry of some device ("" = this node) for one name. */
export interface Candidate {
  device: string;
  rec: FileRecord;
}

const mtime = (r: FileRecord) => r.modifiedS * 1e9 + r.modifiedNs;

/**
 * Does a win over b as the global version? Syncthing 1.19's order (bep.md §7): a valid entry beats
 * an invalid one; then the greater vector; for concurrent vectors a modification beats a deletion,
 * then the newer mtime, then the vector that compares ConcurrentGreater.
 */
export function beats(a: FileRecord, b: FileRecord): boolean {
  const aInvalid = a.invalid || a.localFlags !== 0;
  const bInvalid = b.invalid || b.localFlags !== 0;
  if (aInvalid !== bInvalid) return !aInvalid;
  const ord = compareVectors(a.version, b.version);
  if (ord === "greater") return true;
  if (ord === "lesser" || ord === "equal") return false;
  return winsConflict(a, b, ord === "concurrentGreater");
}

/** The conflict rule for concurrent versions (1.19 WinsConflict). */
export function winsConflict(a: FileRecord, b: FileRecord, aConcurrentGreater: boolean): boolean {
  if (a.deleted !== b.deleted) return !a.deleted;
  const ma = mtime(a);
  const mb = mtime(b);
  if (ma !== mb) return ma > mb;
  return aConcurrentGreater;
}

/** The global version among all devices' entries for one name. */
export function globalOf(candidates: Candidate[]): Candidate | null {
  let best: Candidate | null = null;
  for (const c of candidates) if (!best || beats(c.rec, best.rec)) best = c;
  return best;
}

/**
 * Does the local entry need the global one? Not if the global is invalid (nobody has it valid), nor
 * if both are deleted/absent, nor if ours is equal or newer (1.19 Need: GreaterEqual). Ours can be
 * newer and still lose the global selection only when it is invalid: a receive-only local change,
 * which must stay on disk until Revert.
 */
export function needs(local: FileRecord | undefined, global: FileRecord): boolean {
  if (global.invalid || global.localFlags !== 0) return false;
  if (!local) return !global.deleted;
  if (local.deleted && global.deleted) return false;
  const ord = compareVectors(local.version, global.version);
  return ord !== "equal" && ord !== "greater";
}
