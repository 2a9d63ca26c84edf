import { z } from "zod";
import { service } from "../errors";
import { authedProcedure, router } from "../trpc";

const ZRunId = z.number().int().min(1);

export const runsRouter = router({
  list: authedProcedure
    .input(z.object({ planId: z.string().max(64).optional(), limit: z.number().int().min(1).max(500).optional(), states: z.array(z.string().max(32)).max(10).optional() }).optional())
    .query(({ ctx, input }) => ctx.rt.dr.listRuns(input ?? {})),

  /** "Run now": starts a run of the plan with optional params (the plan's overlap policy applies). */
  start: authedProcedure
    .input(z.object({ planId: z.string().min(1).max(64), params: z.record(z.string().max(64), z.string().max(4096)).optional() }))
    .mutation(({ ctx, input }) => service(() => ctx.rt.dr.startRun(input.planId, { params: input.params, actor: ctx.caller.actor, trigger: "manual" }))),

  show: authedProcedure
    .input(z.object({ id: ZRunId, logsAfter: z.number().int().min(0).optional(), logLimit: z.number().int().min(1).max(10_000).optional() }))
    .query(({ ctx, input }) => service(() => ctx.rt.dr.showRun(input.id, input))),

  /** Airflow's "clear task + downstream": a finished run's task and everything that needs it run again. */
  retryTask: authedProcedure
    .input(z.object({ runId: ZRunId, taskId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => service(() => ctx.rt.dr.retryTask(input.runId, input.taskId, ctx.caller.actor))),

  cancel: authedProcedure.input(z.object({ id: ZRunId })).mutation(({ ctx, input }) => service(() => ctx.rt.dr.cancelRun(input.id, ctx.caller.actor))),
});
