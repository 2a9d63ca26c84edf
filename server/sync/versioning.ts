// The versioning operations the API and the CLI offer: configure a folder's versioning, list and
// restore versions. Each is an event on the bus and a row in the audit table.
import { eq } from "drizzle-orm";
import { recordAudit } from "../db/audit";
import { folders } from "../db/schema";
import type { SyncEngine } from "./engine";
import { parseVersioning, VersioningError, type VersionedFile, type VersioningConfig } from "./versioner";

const PARAM_KEYS: Record<string, string[]> = {
  none: [],
  trashcan: ["cleanoutDays", "cleanupIntervalS"],
  simple: ["keep", "cleanoutDays", "cleanupIntervalS"],
  staggered: ["maxAge", "cleanupIntervalS"],
};

function folderOf(engine: SyncEngine, folderId: string) {
  const folder = engine.config.folder(folderId);
  if (!folder) throw new VersioningError(`no folder ${folderId}`);
  return { folder, runner: engine.runner(folderId) };
}

/** Sets a folder's versioning; parameters are checked and kept as strings, as Syncthing stores them. */
export async function setVersioning(engine: SyncEngine, folderId: string, input: { type: string; params?: Record<string, string | number> }, by: string) {
  const { runner } = folderOf(engine, folderId);
  const allowed = PARAM_KEYS[input.type];
  if (!allowed) throw new VersioningError(`unknown versioning type ${JSON.stringify(input.type)}: use ${Object.keys(PARAM_KEYS).join(", ")}`);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.params ?? {})) {
    if (!allowed.includes(k)) throw new VersioningError(`${input.type} versioning has no parameter ${k} (it takes ${allowed.join(", ") || "none"})`);
    params[k] = String(v);
  }
  const cfg: VersioningConfig = { type: input.type, params };
  parseVersioning(cfg);
  engine.opts.db.update(folders).set({ versioning: JSON.stringify(cfg) }).where(eq(folders.id, folderId)).run();
  engine.config.invalidate();
  await runner.reconfigure(engine.config.folder(folderId)!);
  // The cleanup timer follows the new interval; a paused folder starts it when resumed.
  if (runner.state !== "paused" && runner.state !== "stopped") runner.versioner.start();
  engine.events.emit("versioning.changed", { folderId, type: cfg.type, params, by });
  recordAudit(engine.opts.db, by, "folder.versioning", { folderId, ...cfg });
  return cfg;
}

export async function listVersions(engine: SyncEngine, folderId: string, path?: string): Promise<{ versioning: VersioningConfig; files: VersionedFile[] }> {
  const { folder, runner } = folderOf(engine, folderId);
  return { versioning: folder.versioning, files: await runner.versioner.list(path) };
}

/** Copies a version back as the current file and rescans it, so it goes out as a new local change. */
export async function restoreVersion(engine: SyncEngine, folderId: string, path: string, version: string, by: string) {
  const { folder, runner } = folderOf(engine, folderId);
  if (folder.paused) throw new VersioningError(`folder ${folderId} is paused; resume it to restore versions`);
  if (folder.type === "receiveonly") throw new VersioningError(`folder ${folderId} is receive-only: a restored file would not be sent to the other devices`);
  await runner.versioner.restore(path, version);
  await engine.rescan(folderId, { paths: [path], wait: true });
  engine.events.emit("version.restored", { folderId, path, version, by });
  recordAudit(engine.opts.db, by, "version.restore", { folderId, path, version });
  return { folderId, path, version };
}
