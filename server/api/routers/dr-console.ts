import { asc, inArray } from "drizzle-orm";
import { z } from "zod";
import { taskAttempts } from "../../db/schema";
import { parsePlan } from "../../dr/plans/parse";
import { PlanError } from "../../dr/plans/types";
import { taskKinds } from "../../dr/tasks";
import { service } from "../errors";
import { authedProcedure, router } from "../trpc";

/** What the DR console needs beyond the plans/runs/secrets routers: validation without saving, a plan as a run saw it. */
export const drConsoleRouter = router({
  /**
   * Checks a draft as `plans.apply` would and returns the problems instead of throwing, so the
   * editor can mark them on their lines while the user types; nothing is stored.
   */
  validate: authedProcedure.input(z.object({ source: z.string().max(256 * 1024) })).query(({ input }) => {
    try {
      const plan = parsePlan(input.source);
      return { ok: true as const, issues: [], plan: { id: plan.id, schedule: plan.schedule, tasks: plan.tasks.map((t) => ({ id: t.id, kind: t.kind, needs: t.needs })) } };
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      return { ok: false as const, issues: err.issues, plan: null };
    }
  }),

  /** The plan as it was at a version (a run's page draws the graph it ran, with each task's retries). */
  planAt: authedProcedure
    .input(z.object({ id: z.string().min(1).max(64), version: z.number().int().min(1) }))
    .query(({ ctx, input }) => service(() => ctx.rt.dr.plans.version(input.id, input.version))),

  /**
   * Airflow's grid: recent runs (oldest first) and, per run, the state of each task's latest
   * attempt and its attempt count. Tasks are the union over the runs, in plan order.
   */
  grid: authedProcedure
    .input(z.object({ planId: z.string().max(64).optional(), states: z.array(z.string().max(32)).max(10).optional(), limit: z.number().int().min(1).max(100).optional() }).optional())
    .query(({ ctx, input }) => {
      const list = ctx.rt.dr.listRuns({ planId: input?.planId || undefined, states: input?.states, limit: input?.limit ?? 25 }).reverse();
      const rows = list.length ? ctx.rt.db.select().from(taskAttempts).where(inArray(taskAttempts.runId, list.map((r) => r.id))).orderBy(asc(taskAttempts.id)).all() : [];
      const tasks: { planId: string; taskId: string }[] = [];
      const seen = new Set<string>();
      const planTasks = new Map<string, string[]>();
      for (const r of list) {
        const key = `${r.planId}@${r.planVersion}`;
        if (!planTasks.has(key)) planTasks.set(key, ctx.rt.dr.plans.version(r.planId, r.planVersion)?.tasks.map((t) => t.id) ?? []);
        for (const taskId of planTasks.get(key)!)
          if (!seen.has(`${r.planId}/${taskId}`)) {
            seen.add(`${r.planId}/${taskId}`);
            tasks.push({ planId: r.planId, taskId });
          }
      }
      const cells: Record<number, Record<string, { state: string; attempts: number }>> = {};
      for (const a of rows) {
        const c = ((cells[a.runId] ??= {})[a.taskId] ??= { state: a.state, attempts: 0 });
        c.state = a.state;
        if (a.attempt > 0) c.attempts++;
      }
      return { runs: list.map((r) => ({ id: r.id, planId: r.planId, state: r.state, trigger: r.trigger, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt, cells: cells[r.id] ?? {} })), tasks };
    }),

  /** Known task kinds, for the editor's kind picker. */
  taskKinds: authedProcedure.query(() => [...taskKinds.keys()].sort()),
});
