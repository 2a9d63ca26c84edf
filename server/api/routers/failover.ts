import { z } from "zod";
import { service } from "../errors";
import { authedProcedure, router } from "../trpc";

const ZFolderId = z.string().min(1).max(64);

export const failoverRouter = router({
  /** How far this node's replica is behind what it last saw of the primary. */
  readiness: authedProcedure.input(z.object({ folder: ZFolderId })).query(({ ctx, input }) => service(() => ctx.rt.dr.readiness(input.folder))),

  /** Promote this node's replica to primary (an emergency: goes ahead without the old primary); recorded as a run with its RTO. */
  promote: authedProcedure
    .input(z.object({ folder: ZFolderId, maxBehindItems: z.number().int().min(0).optional() }))
    .mutation(({ ctx, input }) => service(() => ctx.rt.dr.failover(input.folder, ctx.caller.actor, { maxBehindItems: input.maxBehindItems }))),

  /** Whether this node, the primary before the current one, may fail back now, and what stands in the way. */
  failbackCheck: authedProcedure.input(z.object({ folder: ZFolderId })).query(({ ctx, input }) => service(() => ctx.rt.dr.failbackCheck(input.folder))),

  /** The planned return to this node as primary, refused unless nothing would be lost; a run with its RTO. */
  failback: authedProcedure.input(z.object({ folder: ZFolderId })).mutation(({ ctx, input }) => service(() => ctx.rt.dr.failback(input.folder, ctx.caller.actor))),
});
