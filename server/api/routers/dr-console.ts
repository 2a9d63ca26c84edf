import { asc, inArray } from "drizzle-orm";
import { z } from "zod";
import { taskAttempts } from "../../db/schema";
import { parsePlan } from "../../dr/plans/parse";
import { PlanError } from "../../dr/plans/types";
import { taskKinds } from "../../dr/tasks";
import { recordAudit } from "../../db/audit";
import { getSmtp, sendMail } from "../../dr/drivers/smtp";
import { ConfigError } from "../../sync/config";
import type { SettingsStore } from "../../db/settings";
import { service } from "../errors";
import { authedProcedure, router } from "../trpc";

const WEBHOOKS_KEY = "dr.webhooks";
const ZWebhook = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1–64 letters, digits, '.', '_' or '-'"),
  url: z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }),
  /** Name of a secret sent as "Authorization: Bearer …". */
  token: z.string().max(64).optional(),
});
type Webhook = z.infer<typeof ZWebhook>;
const webhooks = (s: SettingsStore): Webhook[] => z.array(ZWebhook).catch([]).parse(s.getRaw(WEBHOOKS_KEY) ?? []);

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

  /** Sends a test mail through the saved SMTP settings; the answer says what the server said. */
  testSmtp: authedProcedure.input(z.object({ to: z.email() })).mutation(({ ctx, input }) =>
    service(async () => {
      const smtp = getSmtp(ctx.rt.settings);
      if (!smtp) throw new ConfigError("save the SMTP settings first");
      const password = smtp.passwordSecret ? ctx.rt.dr.secrets.get(smtp.passwordSecret) : null;
      if (smtp.passwordSecret && password === null) throw new ConfigError(`no secret named "${smtp.passwordSecret}"`);
      try {
        const id = await sendMail(smtp, password, { to: [input.to], subject: "[ferry] test mail", text: `A test from the Ferry node ${ctx.rt.identity.deviceId}, sent by ${ctx.caller.actor}.` });
        recordAudit(ctx.rt.db, ctx.caller.actor, "smtp.test", { to: input.to });
        return { messageId: id };
      } catch (err) {
        throw new ConfigError(`the SMTP server refused or could not be reached: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  ),

  /** Saved webhook endpoints (alert targets); tokens are secret names, never values. */
  webhooks: authedProcedure.query(({ ctx }) => webhooks(ctx.rt.settings)),

  saveWebhook: authedProcedure.input(ZWebhook).mutation(({ ctx, input }) => {
    const list = webhooks(ctx.rt.settings).filter((w) => w.name !== input.name);
    ctx.rt.settings.setRaw(WEBHOOKS_KEY, [...list, input].sort((a, b) => a.name.localeCompare(b.name)));
    recordAudit(ctx.rt.db, ctx.caller.actor, "webhook.save", { name: input.name, url: input.url });
    return webhooks(ctx.rt.settings);
  }),

  removeWebhook: authedProcedure.input(z.object({ name: z.string().max(64) })).mutation(({ ctx, input }) => {
    ctx.rt.settings.setRaw(WEBHOOKS_KEY, webhooks(ctx.rt.settings).filter((w) => w.name !== input.name));
    recordAudit(ctx.rt.db, ctx.caller.actor, "webhook.remove", { name: input.name });
    return webhooks(ctx.rt.settings);
  }),

  /** POSTs a test payload (the shape notify.webhook sends) and reports the status code. */
  testWebhook: authedProcedure.input(z.object({ name: z.string().max(64) })).mutation(({ ctx, input }) =>
    service(async () => {
      const hook = webhooks(ctx.rt.settings).find((w) => w.name === input.name);
      if (!hook) throw new ConfigError(`no webhook named "${input.name}"`);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (hook.token) {
        const token = ctx.rt.dr.secrets.get(hook.token);
        if (token === null) throw new ConfigError(`no secret named "${hook.token}"`);
        headers.authorization = `Bearer ${token}`;
      }
      const title = "[ferry] test webhook";
      let status: number;
      try {
        const res = await fetch(hook.url, { method: "POST", headers, body: JSON.stringify({ title, text: title, test: true, planId: "", runId: 0, tasks: [] }), signal: AbortSignal.timeout(10_000) });
        status = res.status;
      } catch (err) {
        throw new ConfigError(`${hook.url} could not be reached: ${err instanceof Error ? err.message : String(err)}`);
      }
      recordAudit(ctx.rt.db, ctx.caller.actor, "webhook.test", { name: hook.name, status });
      if (status < 200 || status >= 300) throw new ConfigError(`${hook.url} answered ${status}`);
      return { status };
    }),
  ),

  /** Known task kinds, for the editor's kind picker. */
  taskKinds: authedProcedure.query(() => [...taskKinds.keys()].sort()),
});
