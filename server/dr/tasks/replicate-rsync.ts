import path from "node:path";
import { z } from "zod";
import { sourcePath } from "../drivers/restic";
import { defineTask } from "./types";

/**
 * Copies a folder (or a path) to a local path or an ssh target with rsync. Exit 24 (files vanished
 * while copying) is a warning, not a failure; 23 (partial transfer) fails (rsync's errcode.h).
 */
export default defineTask({
  kind: "replicate.rsync",
  with: z
    .strictObject({
      folder: z.string().optional(),
      path: z.string().optional(),
      /** "/srv/replica/docs" or "user@host:/srv/replica/docs". */
      target: z.string().min(1),
      delete: z.boolean().default(false),
      sshKey: z.string().optional(),
      args: z.array(z.string()).default([]),
    })
    .refine((w) => !!w.folder !== !!w.path, { message: "give exactly one of folder or path" }),
  async run(ctx, w) {
    const { dir, subject } = sourcePath(ctx, w);
    const remote = /^[^/]*:/.test(w.target);
    const ssh = remote ? ["-e", `ssh -o BatchMode=yes${w.sshKey ? ` -i ${w.sshKey}` : ""}`] : [];
    const argv = ["rsync", "-a", "--stats", "--exclude=.stfolder", "--exclude=.stversions", ...(w.delete ? ["--delete"] : []), ...ssh, ...w.args, dir + path.sep, w.target];
    const { code } = await ctx.spawn(argv, { okCodes: [24] });
    if (code === 24) ctx.log("rsync: some source files vanished during the copy (exit 24); the copy is otherwise complete", "warn");
    ctx.recoveryPoint({ subject, kind: "rsync", location: w.target });
    return { target: w.target, subject, warning: code === 24 ? "vanished source files" : null };
  },
});
