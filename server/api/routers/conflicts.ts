import { z } from "zod";
import { authedProcedure, router } from "../trpc";
import { service } from "../errors";
import { previewConflict } from "../../sync/conflict-preview";
import { BULK_RESOLUTIONS, RESOLUTIONS, ResolveError, resolveConflict, resolveMany } from "../../sync/resolve";

/** A merged upload is held in memory and written once; 64 MiB of base64 is plenty for a hand merge. */
const MAX_CONTENT_BASE64 = 64 * 1024 * 1024;

export const conflictsRouter = router({
  /** Open conflicts across folders, newest first, with both versions' size, mtime, modifier and hash. */
  list: authedProcedure
    .input(z.object({ folderId: z.string().min(1).max(64).optional(), search: z.string().max(4096).optional() }).optional())
    .query(({ ctx, input }) => ctx.rt.sync.conflicts.list(input ?? {})),

  /** One conflict with a preview of both sides as they are on disk now. */
  show: authedProcedure.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) =>
    service(async () => {
      const row = ctx.rt.sync.conflicts.get(input.id);
      if (!row) throw new ResolveError(`no conflict ${input.id}`);
      const folder = ctx.rt.sync.config.folder(row.folderId);
      if (!folder) throw new ResolveError(`conflict ${input.id} belongs to folder ${row.folderId}, which no longer exists`);
      return { ...row, preview: await previewConflict(folder.path, row.name, row.conflictName) };
    }),
  ),

  resolve: authedProcedure
    .input(
      z.object({
        id: z.number().int().positive(),
        choice: z.enum(RESOLUTIONS),
        newName: z.string().min(1).max(4096).optional(),
        contentBase64: z.base64().max(MAX_CONTENT_BASE64).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      service(() =>
        resolveConflict(
          ctx.rt.sync,
          { id: input.id, choice: input.choice, newName: input.newName, content: input.contentBase64 === undefined ? undefined : Buffer.from(input.contentBase64, "base64") },
          ctx.caller.actor,
        ),
      ),
    ),

  /** Many conflicts, one choice; returns which were resolved and why the others were not. */
  resolveMany: authedProcedure
    .input(z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000), choice: z.enum(BULK_RESOLUTIONS) }))
    .mutation(({ ctx, input }) => service(() => resolveMany(ctx.rt.sync, input.ids, input.choice, ctx.caller.actor))),
});
