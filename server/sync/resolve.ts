// Conflict resolution: a choice is carried out on disk, then the folder is rescanned, so the result
// is an ordinary local change with a new version that reaches every peer (Syncthing ones too), and
// the removed conflict copy is deleted everywhere. Everything is checked before the disk is touched.
import fs from "node:fs/promises";
import { recordAudit } from "../db/audit";
import { ConfigError } from "./config";
import type { SyncEngine } from "./engine";
import { assertNoSymlinkInParents, isConflictName, resolveInFolder, tempName, validateRemoteName } from "./names";
import { makeParents } from "./puller-disk";

export const RESOLUTIONS = ["keepCurrent", "keepConflict", "keepBoth", "useContent"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
/** Choices that need nothing per conflict, so many conflicts can take them at once. */
export const BULK_RESOLUTIONS = ["keepCurrent", "keepConflict"] as const;

/** A request that cannot be carried out; nothing was changed. The API turns it into a 400. */
export class ResolveError extends ConfigError {}

export interface ResolveRequest {
  id: number;
  choice: Resolution;
  /** keepBoth: the name the conflict copy gets. */
  newName?: string;
  /** useContent: the merged file. */
  content?: Buffer;
}

export interface ResolveResult {
  id: number;
  folderId: string;
  name: string;
  conflictName: string;
  choice: Resolution;
  /** Folder-relative paths that changed on disk. */
  changed: string[];
}

function checkName(root: string, name: string, what: string): string {
  const check = validateRemoteName(name);
  if (!check.ok) throw new ResolveError(`${what} ${JSON.stringify(name)} is not allowed: ${check.reason}`);
  try {
    return resolveInFolder(root, name);
  } catch (err) {
    throw new ResolveError(`${what} ${JSON.stringify(name)}: ${(err as Error).message}`);
  }
}

async function noSymlinkParents(root: string, name: string) {
  try {
    await assertNoSymlinkInParents(root, name);
  } catch (err) {
    throw new ResolveError((err as Error).message);
  }
}

/** Validates a request against the table and the disk; returns what the disk step needs. */
async function plan(engine: SyncEngine, req: ResolveRequest) {
  const row = engine.conflicts.get(req.id);
  if (!row) throw new ResolveError(`no conflict ${req.id}`);
  if (row.resolvedAt !== null) throw new ResolveError(`conflict ${req.id} (${row.name}) is already resolved (${row.resolution})`);
  const folder = engine.config.folder(row.folderId);
  if (!folder) throw new ResolveError(`conflict ${req.id} belongs to folder ${row.folderId}, which no longer exists`);
  if (folder.paused) throw new ResolveError(`folder ${folder.id} is paused; resume it to resolve its conflicts`);
  if (!RESOLUTIONS.includes(req.choice)) throw new ResolveError(`unknown choice ${JSON.stringify(req.choice)}: use ${RESOLUTIONS.join(", ")}`);
  const root = folder.path;
  const current = checkName(root, row.name, "file");
  const copy = checkName(root, row.conflictName, "conflict copy");
  await noSymlinkParents(root, row.name);
  await noSymlinkParents(root, row.conflictName);
  const copyStat = await fs.lstat(copy).catch(() => null);
  if (!copyStat?.isFile()) throw new ResolveError(`the conflict copy ${row.conflictName} is gone; nothing to resolve`);
  let target: string | null = null;
  if (req.choice === "keepBoth") {
    if (!req.newName) throw new ResolveError("keep both needs the name the conflict copy should get");
    if (isConflictName(req.newName)) throw new ResolveError(`${JSON.stringify(req.newName)} looks like a conflict copy; choose another name`);
    target = checkName(root, req.newName, "new name");
    await noSymlinkParents(root, req.newName);
    if (await fs.lstat(target).catch(() => null)) throw new ResolveError(`${req.newName} already exists in folder ${folder.id}`);
  }
  if (req.choice === "useContent") {
    if (!req.content) throw new ResolveError("use this content needs the merged file's content");
    // A receive-only folder never sends local changes: the merged file would stay here alone.
    if (folder.type === "receiveonly") throw new ResolveError(`folder ${folder.id} is receive-only: a merged version would not be sent to the other devices`);
  }
  return { row, folder, root, current, copy, target };
}

type Plan = Awaited<ReturnType<typeof plan>>;

/** The disk step; the table row is claimed first so two resolutions of one conflict cannot both run. */
async function carryOut(engine: SyncEngine, req: ResolveRequest, p: Plan): Promise<string[]> {
  if (!engine.conflicts.markResolved(p.row.id, req.choice)) throw new ResolveError(`conflict ${req.id} was resolved meanwhile`);
  const { row, root } = p;
  try {
    switch (req.choice) {
      case "keepCurrent":
        await fs.rm(p.copy);
        return [row.conflictName];
      case "keepConflict":
        await makeParents(root, row.name);
        await fs.rename(p.copy, p.current);
        return [row.name, row.conflictName];
      case "keepBoth":
        // link + unlink instead of rename: never replaces a file that appeared meanwhile.
        await makeParents(root, req.newName!);
        await fs.link(p.copy, p.target!);
        await fs.rm(p.copy);
        return [req.newName!, row.conflictName];
      case "useContent": {
        await makeParents(root, row.name);
        const tmp = resolveInFolder(root, tempName(row.name));
        await fs.writeFile(tmp, req.content!);
        await fs.rename(tmp, p.current);
        await fs.rm(p.copy);
        return [row.name, row.conflictName];
      }
    }
  } catch (err) {
    engine.conflicts.reopen(row.id);
    throw err;
  }
}

function report(engine: SyncEngine, r: ResolveResult, by: string) {
  engine.events.emit("conflict.resolved", { folderId: r.folderId, id: r.id, name: r.name, conflictName: r.conflictName, choice: r.choice, by });
  recordAudit(engine.opts.db, by, "conflict.resolve", { id: r.id, folderId: r.folderId, name: r.name, conflictName: r.conflictName, choice: r.choice, changed: r.changed });
}

/** Resolves one conflict and waits until the rescan has made it a new local version. */
export async function resolveConflict(engine: SyncEngine, req: ResolveRequest, by: string): Promise<ResolveResult> {
  const p = await plan(engine, req);
  const changed = await carryOut(engine, req, p);
  await engine.rescan(p.folder.id, { paths: changed, wait: true });
  const result: ResolveResult = { id: p.row.id, folderId: p.folder.id, name: p.row.name, conflictName: p.row.conflictName, choice: req.choice, changed };
  report(engine, result, by);
  return result;
}

/** Resolves many conflicts with one choice; each succeeds or fails on its own, then one rescan per folder. */
export async function resolveMany(engine: SyncEngine, ids: number[], choice: (typeof BULK_RESOLUTIONS)[number], by: string) {
  if (!BULK_RESOLUTIONS.includes(choice)) throw new ResolveError(`${choice} needs input per conflict; resolve those one at a time`);
  const resolved: ResolveResult[] = [];
  const failed: { id: number; error: string }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      const p = await plan(engine, { id, choice });
      const changed = await carryOut(engine, { id, choice }, p);
      resolved.push({ id, folderId: p.folder.id, name: p.row.name, conflictName: p.row.conflictName, choice, changed });
    } catch (err) {
      failed.push({ id, error: (err as Error).message });
    }
  }
  const byFolder = new Map<string, string[]>();
  for (const r of resolved) byFolder.set(r.folderId, [...(byFolder.get(r.folderId) ?? []), ...r.changed]);
  for (const [folderId, paths] of byFolder) await engine.rescan(folderId, { paths, wait: true });
  for (const r of resolved) report(engine, r, by);
  return { resolved, failed };
}
