import { z } from "zod";
import { drTestTemplate } from "../../dr/template";
import { service } from "../errors";
import { authedProcedure, router } from "../trpc";

const ZPlanId = z.string().min(1).max(64);

export const plansRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.rt.dr.listPlans()),

  get: authedProcedure.input(z.object({ id: ZPlanId })).query(({ ctx, input }) => service(() => ({ ...ctx.rt.dr.planView(input.id), history: ctx.rt.dr.plans.history(input.id) }))),

  /** YAML or JSON text; refused with every problem listed by line and field. */
  applyPlan: authedProcedure
    .input(z.object({ source: z.string().min(1).max(256 * 1024), name: z.string().max(256).optional() }))
    .mutation(({ ctx, input }) => service(() => ctx.rt.dr.applyPlan(input.source, ctx.caller.actor, input.name))),

  pause: authedProcedure.input(z.object({ id: ZPlanId })).mutation(({ ctx, input }) => service(() => ctx.rt.dr.setPaused(input.id, true, ctx.caller.actor))),
  resume: authedProcedure.input(z.object({ id: ZPlanId })).mutation(({ ctx, input }) => service(() => ctx.rt.dr.setPaused(input.id, false, ctx.caller.actor))),
  remove: authedProcedure.input(z.object({ id: ZPlanId })).mutation(({ ctx, input }) => service(() => ctx.rt.dr.removePlan(input.id, ctx.caller.actor))),

  /** RPO per plan and per folder against the targets, RTO from the last restores and failovers. */
  objectives: authedProcedure.query(({ ctx }) => ctx.rt.dr.objectives()),

  /** The built-in DR test plan (backup → replicate → restore into scratch → verify → report), to edit and apply. */
  template: authedProcedure.input(z.object({ folder: z.string().min(1).max(64) }).optional()).query(({ input }) => ({ source: drTestTemplate(input?.folder ?? "docs") })),
});
