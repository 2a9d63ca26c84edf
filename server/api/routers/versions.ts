import { z } from "zod";
import { authedProcedure, router } from "../trpc";
import { service } from "../errors";
import { VERSIONING_TYPES } from "../../sync/versioner";
import { listVersions, restoreVersion, setVersioning } from "../../sync/versioning";

const ZFolderId = z.string().min(1).max(64);
const ZPath = z.string().min(1).max(4096);

export const versionsRouter = router({
  /** Versioned files (optionally one path or directory) with their versions, newest first. */
  list: authedProcedure
    .input(z.object({ folderId: ZFolderId, path: ZPath.optional() }))
    .query(({ ctx, input }) => service(() => listVersions(ctx.rt.sync, input.folderId, input.path))),

  /** Puts a version back as the current file; it becomes a new local change. */
  restore: authedProcedure
    .input(z.object({ folderId: ZFolderId, path: ZPath, version: ZPath }))
    .mutation(({ ctx, input }) => service(() => restoreVersion(ctx.rt.sync, input.folderId, input.path, input.version, ctx.caller.actor))),

  /** A folder's versioning: none, trashcan {cleanoutDays}, simple {keep, cleanoutDays}, staggered {maxAge}; all take cleanupIntervalS. */
  setVersioning: authedProcedure
    .input(
      z.object({
        folderId: ZFolderId,
        type: z.enum(VERSIONING_TYPES),
        params: z.record(z.string().max(64), z.union([z.string().max(32), z.number().int()])).optional(),
      }),
    )
    .mutation(({ ctx, input }) => service(() => setVersioning(ctx.rt.sync, input.folderId, { type: input.type, params: input.params }, ctx.caller.actor))),
});
