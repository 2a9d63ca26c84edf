import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { resticCommand, resticEnv, ZResticRepo } from "../drivers/restic";
import { markVerified } from "../rpo";
import { defineTask, TaskFailure } from "./types";

/**
 * Checks a repository's structure and a sample of its data (`restic check --read-data-subset`),
 * then restores the snapshot into a scratch directory with --verify. A failure marks the
 * snapshot's recovery point unusable, so RPO stops counting it.
 */
export default defineTask({
  kind: "verify.restic",
  with: z.strictObject({
    ...ZResticRepo,
    snapshot: z.string().default("latest"),
    folder: z.string().optional(),
    /** Share of pack files read back, e.g. "5%" or "1/10". */
    readData: z.string().regex(/^(\d{1,3}(\.\d+)?%|\d+\/\d+)$/, 'expected "5%" or "1/10"').default("5%"),
    restoreSample: z.boolean().default(true),
  }),
  async run(ctx, w) {
    const env = resticEnv(ctx, w);
    let snapshot = w.snapshot;
    const fromUpstream = Object.values(ctx.upstream).find((o): o is { snapshotId: string } => !!o && typeof o === "object" && "snapshotId" in o);
    if (snapshot === "upstream") {
      if (!fromUpstream) throw new TaskFailure(`snapshot "upstream" needs a backup.restic or restore.restic task in needs`);
      snapshot = fromUpstream.snapshotId;
    }
    try {
      await ctx.spawn([...resticCommand(w), "check", `--read-data-subset=${w.readData}`], { env });
      let files = 0;
      if (w.restoreSample) {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-verify-"));
        try {
          const filter = snapshot === "latest" && w.folder ? ["--tag", `folder:${w.folder}`] : [];
          await ctx.spawn([...resticCommand(w), "restore", snapshot, ...filter, "--target", scratch, "--verify"], { env });
          files = fs.readdirSync(scratch, { recursive: true }).length;
        } finally {
          fs.rmSync(scratch, { recursive: true, force: true });
        }
      }
      if (snapshot !== "latest") markVerified(ctx.deps.db, w.repository, snapshot, true);
      ctx.log(`repository ${w.repository} checked${w.restoreSample ? `, ${files} entries restored and verified` : ""}`);
      return { snapshot, verified: true, entries: files };
    } catch (err) {
      if (snapshot !== "latest") markVerified(ctx.deps.db, w.repository, snapshot, false);
      throw err;
    }
  },
});
