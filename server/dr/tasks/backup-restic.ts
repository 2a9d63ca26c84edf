import { z } from "zod";
import { ensureRepository, INTERNAL_NAMES, jsonMessages, resticCommand, resticEnv, sourcePath, ZResticRepo } from "../drivers/restic";
import { defineTask, TaskFailure } from "./types";

/** Backs up a synced folder (or a path) into a restic repository; the snapshot becomes a recovery point. */
export default defineTask({
  kind: "backup.restic",
  with: z
    .strictObject({
      ...ZResticRepo,
      folder: z.string().optional(),
      path: z.string().optional(),
      tags: z.array(z.string()).default([]),
      exclude: z.array(z.string()).default([]),
      init: z.boolean().default(true),
    })
    .refine((w) => !!w.folder !== !!w.path, { message: "give exactly one of folder or path" }),
  async run(ctx, w) {
    const env = resticEnv(ctx, w);
    await ensureRepository(ctx, resticCommand(w), env, w.init);
    const { dir, subject } = sourcePath(ctx, w);
    const json = jsonMessages(ctx, "summary");
    const tags = ["ferry", `plan:${ctx.planId}`, ...(w.folder ? [`folder:${w.folder}`] : []), ...w.tags];
    const excludes = [...INTERNAL_NAMES, ...w.exclude].flatMap((e) => ["--exclude", e]);
    // Backing up "." from inside the folder keeps the snapshot's tree relative, so a restore
    // lands the folder's content straight in the target directory.
    await ctx.spawn([...resticCommand(w), "backup", "--json", "--host", ctx.deps.deviceId.slice(0, 7), ...tags.flatMap((t) => ["--tag", t]), ...excludes, "."], {
      env,
      cwd: dir,
      onStdout: json.onStdout,
    });
    const summary = json.last;
    if (!summary?.snapshot_id) throw new TaskFailure("restic finished without reporting a snapshot");
    const snapshotId = String(summary.snapshot_id);
    ctx.log(`snapshot ${snapshotId}: ${summary.files_new} new, ${summary.files_changed} changed files, ${summary.data_added} bytes added`);
    ctx.recoveryPoint({ subject, kind: "restic", location: w.repository, ref: snapshotId });
    return { snapshotId, subject, path: dir, filesNew: summary.files_new, filesChanged: summary.files_changed, bytesAdded: summary.data_added };
  },
});
