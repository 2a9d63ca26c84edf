import fs from "node:fs";
import path from "node:path";
import { and, desc, inArray, lt } from "drizzle-orm";
import { z } from "zod";
import { events } from "../../db/schema";
import type { EventMap } from "../../events/types";
import type { Runtime } from "../../runtime";
import { ConfigError } from "../../sync/config";
import { DeviceId } from "../../sync/protocol/deviceid";
import { IGNORE_FILE_NAME, IgnoreParseError, parseIgnore } from "../../sync/ignore";
import { service } from "../errors";
import { authedProcedure, router } from "../trpc";

const ZFolderId = z.string().min(1).max(64);
const PREVIEW_SHOWN = 200;
// A preview of a folder that is not added yet walks the disk; past this many entries it stops and says so.
const WALK_LIMIT = 50_000;

export interface ChangeRow {
  id: number;
  time: number;
  folderId: string;
  name: string;
  type: string;
  action: string;
  /** Short ID of the device that made the change; "" = this device. */
  device: string;
  deviceName: string | null;
  error: string | null;
}

/** Short ID (first group) → configured device's name, so the feed says who, not a code. */
function deviceNames(rt: Runtime): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of rt.sync.config.listDevices()) names.set(DeviceId.parse(d.deviceId).shortIdString(), d.name || d.deviceId.slice(0, 7));
  return names;
}

/** Rows of the Recent changes screen from the event log: pulled items and local changes, newest first. */
function recentChanges(rt: Runtime, input: { folderId?: string; beforeId?: number; limit: number }): ChangeRow[] {
  const own = rt.identity.id.shortIdString();
  const names = deviceNames(rt);
  const where = inArray(events.type, ["item.finished", "local.changed"]);
  const rows: ChangeRow[] = [];
  // Read in pages: a folder filter can skip many rows, and one local.changed of a scan carries up
  // to 250 items, so a first page of 500 such rows was megabytes of JSON for 100 lines on screen
  // (the slowest console page during a big scan). Pages start small and grow while they yield little.
  rt.events.flush();
  let cursor = input.beforeId;
  let pageSize = 16;
  while (rows.length < input.limit) {
    const page = rt.db
      .select()
      .from(events)
      .where(cursor ? and(where, lt(events.id, cursor)) : where)
      .orderBy(desc(events.id))
      .limit(pageSize)
      .all();
    pageSize = Math.min(pageSize * 4, 1024);
    if (!page.length) break;
    for (const e of page) {
      cursor = e.id;
      if (e.type === "item.finished") {
        const d = JSON.parse(e.data) as EventMap["item.finished"];
        if (input.folderId && d.folderId !== input.folderId) continue;
        const device = d.device === own ? "" : d.device;
        rows.push({ id: e.id, time: e.time, folderId: d.folderId, name: d.name, type: d.type, action: d.action, device, deviceName: names.get(d.device) ?? null, error: d.error });
      } else {
        const d = JSON.parse(e.data) as EventMap["local.changed"];
        if (input.folderId && d.folderId !== input.folderId) continue;
        for (const item of d.items)
          rows.push({ id: e.id, time: e.time, folderId: d.folderId, name: item.name, type: item.type, action: item.action, device: "", deviceName: null, error: null });
      }
      if (rows.length >= input.limit) break;
    }
  }
  return rows.slice(0, input.limit);
}

/** Names (files and directories, relative, "/"-separated) under a directory not in the index yet. */
function walkNames(root: string): { names: string[]; truncated: boolean } {
  const names: string[] = [];
  const stack = [""];
  while (stack.length) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      names.push(name);
      if (names.length >= WALK_LIMIT) return { names, truncated: true };
      if (e.isDirectory()) stack.push(name);
    }
  }
  return { names, truncated: false };
}

/**
 * Which existing names a set of ignore patterns would exclude: the folder's index when the folder
 * exists, else the files at `path` (the add-folder form). A bad line is reported, not thrown.
 */
function previewIgnore(rt: Runtime, input: { id?: string; path?: string; patterns: string }) {
  let matcher;
  try {
    matcher = parseIgnore(input.patterns, { readInclude: () => "" });
  } catch (err) {
    if (err instanceof IgnoreParseError) return { ok: false as const, error: err.message, lineNumber: err.lineNumber, ignored: [], total: 0, scanned: 0, truncated: false };
    throw err;
  }
  const folder = input.id ? rt.sync.config.folder(input.id) : undefined;
  let names: Iterable<string>;
  let truncated = false;
  if (folder) names = rt.sync.store.localNames(folder.id, "");
  else if (input.path) ({ names, truncated } = walkNames(input.path));
  else names = [];
  const ignored: string[] = [];
  let total = 0;
  let scanned = 0;
  for (const name of names) {
    scanned++;
    if (name === IGNORE_FILE_NAME || name.startsWith(".stfolder")) continue;
    const r = matcher.explain(name);
    if (r.ignored && r.reason === "pattern") {
      total++;
      if (ignored.length < PREVIEW_SHOWN) ignored.push(name);
    }
  }
  return { ok: true as const, error: null, lineNumber: null, ignored, total, scanned, truncated };
}

function readIgnores(rt: Runtime, id: string): string {
  const folder = rt.sync.config.folder(id);
  if (!folder) return "";
  try {
    return fs.readFileSync(path.join(folder.path, IGNORE_FILE_NAME), "utf8");
  } catch {
    return "";
  }
}

/** Small read-mostly procedures the console needs that belong to no other domain router. */
export const consoleRouter = router({
  recentChanges: authedProcedure
    .input(z.object({ folderId: ZFolderId.optional(), beforeId: z.number().int().min(1).optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => recentChanges(ctx.rt, input)),

  previewIgnore: authedProcedure
    .input(z.object({ id: ZFolderId.optional(), path: z.string().max(4096).optional(), patterns: z.string().max(100_000) }))
    .query(({ ctx, input }) => previewIgnore(ctx.rt, input)),

  ignores: authedProcedure.input(z.object({ id: ZFolderId })).query(({ ctx, input }) => ({ patterns: readIgnores(ctx.rt, input.id) })),

  /**
   * Writes a folder's .stignore (checked first) and rescans, so the new rules apply at once. With
   * `path` instead of `id` it writes into a directory about to become a folder, so the first scan
   * already honours the patterns.
   */
  saveIgnores: authedProcedure
    .input(z.object({ id: ZFolderId.optional(), path: z.string().min(1).max(4096).optional(), patterns: z.string().max(100_000) }))
    .mutation(({ ctx, input }) =>
      service(async () => {
        const folder = input.id ? ctx.rt.sync.config.folder(input.id) : undefined;
        if (input.id && !folder) throw new ConfigError(`no folder ${input.id}`);
        const root = folder?.path ?? input.path;
        if (!root || !path.isAbsolute(root)) throw new ConfigError("give a folder id or an absolute path");
        try {
          parseIgnore(input.patterns, { readInclude: (rel) => fs.readFileSync(path.join(root, rel), "utf8") });
        } catch (err) {
          throw new ConfigError((err as Error).message);
        }
        const text = input.patterns.endsWith("\n") || input.patterns === "" ? input.patterns : `${input.patterns}\n`;
        fs.mkdirSync(root, { recursive: true });
        const file = path.join(root, IGNORE_FILE_NAME);
        fs.writeFileSync(`${file}.tmp`, text);
        fs.renameSync(`${file}.tmp`, file);
        if (folder) ctx.rt.sync.runner(folder.id).requestScan();
        return { ok: true };
      }),
    ),

  /** Unresolved conflicts, for the navigation badge and the dashboard. */
  openConflicts: authedProcedure.query(({ ctx }) => ({ count: ctx.rt.sync.conflicts.open().length })),
});
