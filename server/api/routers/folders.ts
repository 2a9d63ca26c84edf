import { z } from "zod";
import { authedProcedure, router } from "../trpc";
import { service } from "../errors";

const ZFolderId = z.string().min(1).max(64);
const ZType = z.enum(["sendreceive", "sendonly", "receiveonly"]);

export const foldersRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.rt.sync.status().folders),

  add: authedProcedure
    .input(
      z.object({
        id: ZFolderId,
        path: z.string().min(1).max(4096),
        label: z.string().max(128).optional(),
        type: ZType.optional(),
        devices: z.array(z.string().min(52).max(80)).max(256).optional(),
        rescanIntervalS: z.number().int().min(0).max(86400 * 7).optional(),
        fsWatcherEnabled: z.boolean().optional(),
        fsWatcherDelayS: z.number().min(0).max(3600).optional(),
      }),
    )
    .mutation(({ ctx, input }) => service(() => ctx.rt.sync.addFolder(input, ctx.caller.actor))),

  update: authedProcedure
    .input(
      z.object({
        id: ZFolderId,
        label: z.string().max(128).optional(),
        type: ZType.optional(),
        paused: z.boolean().optional(),
        rescanIntervalS: z.number().int().min(0).optional(),
        fsWatcherEnabled: z.boolean().optional(),
        fsWatcherDelayS: z.number().min(0).max(3600).optional(),
        ignorePerms: z.boolean().optional(),
        maxConflicts: z.number().int().min(-1).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { id, ...patch } = input;
      return service(() => ctx.rt.sync.updateFolder(id, patch, ctx.caller.actor));
    }),

  share: authedProcedure
    .input(z.object({ id: ZFolderId, deviceId: z.string().min(52).max(80) }))
    .mutation(({ ctx, input }) => service(() => ctx.rt.sync.shareFolder(input.id, input.deviceId, ctx.caller.actor))),

  remove: authedProcedure.input(z.object({ id: ZFolderId })).mutation(({ ctx, input }) => service(() => ctx.rt.sync.removeFolder(input.id, ctx.caller.actor))),

  rescan: authedProcedure
    .input(z.object({ id: ZFolderId, paths: z.array(z.string().max(4096)).max(1000).optional(), wait: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      await service(() => ctx.rt.sync.rescan(input.id, { paths: input.paths, wait: input.wait }));
      return { ok: true };
    }),

  acceptPending: authedProcedure
    .input(z.object({ id: ZFolderId, deviceId: z.string().min(52).max(80), path: z.string().min(1).max(4096), type: ZType.optional() }))
    .mutation(({ ctx, input }) => service(() => ctx.rt.sync.acceptFolder(input.id, input.deviceId, input.path, ctx.caller.actor, input.type))),

  ignorePending: authedProcedure
    .input(z.object({ id: ZFolderId, deviceId: z.string().min(52).max(80) }))
    .mutation(({ ctx, input }) => service(() => ctx.rt.sync.ignoreFolder(input.id, input.deviceId, ctx.caller.actor))),

  /** Receive-only: the items changed here, which stay local until reverted. */
  localChanges: authedProcedure.input(z.object({ id: ZFolderId })).query(({ ctx, input }) => service(() => ctx.rt.sync.localChanges(input.id))),

  /** Send-only: what the cluster has that differs from ours. */
  outOfSync: authedProcedure.input(z.object({ id: ZFolderId })).query(({ ctx, input }) => service(() => ctx.rt.sync.outOfSync(input.id))),

  /** Receive-only: Revert Local Changes. */
  revert: authedProcedure.input(z.object({ id: ZFolderId })).mutation(({ ctx, input }) => service(() => ctx.rt.sync.revert(input.id, ctx.caller.actor))),

  /** Send-only: Override Changes. */
  override: authedProcedure.input(z.object({ id: ZFolderId })).mutation(({ ctx, input }) => service(() => ctx.rt.sync.override(input.id, ctx.caller.actor))),

  conflicts: authedProcedure.input(z.object({ id: ZFolderId.optional() }).optional()).query(({ ctx, input }) => ctx.rt.sync.conflicts.open(input?.id)),
});
