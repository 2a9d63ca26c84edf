import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { resticCommand, resticEnv, ZResticRepo } from "../drivers/restic";
import { compareTrees, hashTree } from "../drivers/tree-hash";
import { defineTask, TaskFailure } from "./types";

/**
 * Restores a snapshot into a target directory and verifies it: restic's own --verify re-reads
 * every restored file against the snapshot's hashes, and with `compare` the restored tree is
 * hashed against a directory (the live folder) as well. Its duration is the measured RTO.
 */
export default defineTask({
  kind: "restore.restic",
  with: z.strictObject({
    ...ZResticRepo,
    /** "latest" (optionally narrowed by folder), a snapshot ID, or "upstream" for the snapshot a needed backup made. */
    snapshot: z.string().default("latest"),
    folder: z.string().optional(),
    target: z.string().min(1),
    /** Refuse to restore into a non-empty directory unless this is set. */
    overwrite: z.boolean().default(false),
    compare: z.string().optional(),
  }),
  async run(ctx, w) {
    const started = Date.now();
    const env = resticEnv(ctx, w);
    let snapshot = w.snapshot;
    let subject = w.folder ?? w.target;
    if (snapshot === "upstream") {
      const from = Object.values(ctx.upstream).find((o): o is { snapshotId: string; subject: string } => !!o && typeof o === "object" && "snapshotId" in o);
      if (!from) throw new TaskFailure('snapshot "upstream" needs a backup.restic task in needs');
      snapshot = from.snapshotId;
      subject = from.subject;
    }
    const target = path.resolve(w.target);
    fs.mkdirSync(target, { recursive: true });
    if (!w.overwrite && fs.readdirSync(target).length) throw new TaskFailure(`${target} is not empty (set overwrite: true to restore over it)`);
    const filter = snapshot === "latest" && w.folder ? ["--tag", `folder:${w.folder}`] : [];
    await ctx.spawn([...resticCommand(w), "restore", snapshot, ...filter, "--target", target, "--verify"], { env });
    const restored = await hashTree(target, ctx.signal);
    let differences: string[] = [];
    if (w.compare) {
      differences = compareTrees(await hashTree(path.resolve(w.compare), ctx.signal), restored);
      for (const d of differences.slice(0, 50)) ctx.log(d, "warn");
      if (differences.length) throw new TaskFailure(`restored tree differs from ${w.compare} in ${differences.length} place(s)`);
      ctx.log(`restored ${restored.size} files, identical to ${w.compare}`);
    } else ctx.log(`restored and verified ${restored.size} files into ${target}`);
    return { snapshotId: snapshot, subject, target, files: restored.size, restoreMs: Date.now() - started };
  },
});
