import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import { recordAudit } from "../db/audit";
import { runLogs, runs, taskAttempts } from "../db/schema";
import { ConfigError } from "../sync/config";
import type { DrDeps } from "./deps";
import { markInterrupted, RunController } from "./executor";
import { PlanStore } from "./plans/store";
import type { Plan } from "./plans/types";
import { describeBlocker, failbackCheck } from "./failback";
import { attemptsBeforeRetry, retryScope } from "./retry";
import { rpo, rto } from "./rpo";
import { Scheduler } from "./schedule/scheduler";
import { SecretStore } from "./secrets";

export interface StartRunOptions {
  params?: Record<string, string>;
  trigger?: "manual" | "schedule" | "catchup" | "failover" | "failback";
  actor?: string;
  scheduledFor?: number | null;
}

type RunRow = typeof runs.$inferSelect;

/**
 * The DR executor as the node sees it: plans, schedules, runs and secrets. Started after the sync
 * engine (tasks use it) and stopped before it; a stop leaves running attempts "interrupted" so the
 * next start retries them per their policy.
 */
export class DrService {
  readonly plans: PlanStore;
  readonly secrets: SecretStore;
  readonly scheduler: Scheduler;
  private readonly active = new Map<number, RunController>();
  private started = false;
  /** Set by stop(): a run announced just before must not start against a closing database. */
  private stopping = false;
  private readonly log: (line: string) => void;

  constructor(
    readonly deps: DrDeps,
    opts: { log?: (line: string) => void } = {},
  ) {
    this.log = opts.log ?? ((l) => console.log(`[dr] ${l}`));
    this.plans = new PlanStore(deps.db);
    this.secrets = new SecretStore(deps.db);
    this.scheduler = new Scheduler({
      plans: () => this.plans.list(),
      due: (planId, tick, trigger) => void this.startRun(planId, { trigger, scheduledFor: tick, actor: "scheduler" }),
      setLastTick: (planId, tick) => this.plans.setLastTick(planId, tick),
      log: this.log,
      batch: (fn) => this.deps.db.transaction(() => fn()),
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    const interrupted = await markInterrupted(this.deps);
    if (interrupted) this.log(`${interrupted} task attempt(s) were cut short by the last stop; retrying per their policy`);
    for (const r of this.deps.db.select().from(runs).where(eq(runs.state, "running")).orderBy(asc(runs.id)).all()) this.launch(r);
    for (const planId of new Set(this.deps.db.select({ planId: runs.planId }).from(runs).where(eq(runs.state, "queued")).all().map((r) => r.planId)))
      this.startQueued(planId);
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.started) return;
    this.started = false;
    this.scheduler.stop();
    await Promise.all([...this.active.values()].map((c) => c.halt()));
    this.active.clear();
  }

  // ---------------------------------------------------------------- plans

  applyPlan(source: string, by: string, name?: string) {
    const { stored, changed } = this.plans.apply(source, by, name);
    if (changed) {
      this.deps.events.emit("plan.applied", { planId: stored.plan.id, version: stored.version, by });
      recordAudit(this.deps.db, by, "plan.apply", { planId: stored.plan.id, version: stored.version });
      this.scheduler.refresh();
    }
    return { ...this.planView(stored.plan.id), changed };
  }

  planView(id: string) {
    const s = this.plans.require(id);
    const last = this.deps.db.select().from(runs).where(eq(runs.planId, id)).orderBy(desc(runs.id)).limit(1).get() ?? null;
    return { ...s, next: s.paused ? [] : this.scheduler.upcoming(id, 5), lastRun: last };
  }

  listPlans() {
    return this.plans.list().map((p) => this.planView(p.plan.id));
  }

  setPaused(id: string, paused: boolean, by: string) {
    this.plans.setPaused(id, paused);
    this.deps.events.emit("plan.changed", { planId: id, paused, by });
    recordAudit(this.deps.db, by, paused ? "plan.pause" : "plan.resume", { planId: id });
    this.scheduler.refresh();
    return this.planView(id);
  }

  removePlan(id: string, by: string) {
    this.plans.remove(id);
    this.deps.events.emit("plan.removed", { planId: id, by });
    recordAudit(this.deps.db, by, "plan.remove", { planId: id });
    this.scheduler.refresh();
  }

  // ---------------------------------------------------------------- runs

  /** The run of this plan in progress, from memory: every running run has a controller after start(). */
  private activeRunOf(planId: string): RunRow | undefined {
    for (const c of this.active.values()) if (c.run.planId === planId) return c.run;
    return undefined;
  }

  /**
   * Starts a run now, or applies the overlap policy when one is still going: skip refuses (and a
   * scheduled tick is recorded as skipped), queue starts it when the current one ends. The path
   * from a due tick to "run.started" is one insert and one event, so runs start on time.
   */
  startRun(planId: string, o: StartRunOptions = {}): RunRow | null {
    const stored = this.plans.require(planId);
    const trigger = o.trigger ?? "manual";
    const actor = o.actor ?? "scheduler";
    const busy = this.activeRunOf(planId);
    if (busy && stored.plan.overlap === "skip") {
      if (trigger === "schedule" || trigger === "catchup") {
        this.deps.events.emit("run.skipped", { planId, scheduledFor: o.scheduledFor ?? Date.now(), reason: `run #${busy.id} is still running` });
        this.log(`plan ${planId}: tick skipped, run #${busy.id} is still running`);
        return null;
      }
      throw new ConfigError(`plan ${planId} is already running (run #${busy.id}); its overlap policy is skip`);
    }
    const now = Date.now();
    const run = this.deps.db
      .insert(runs)
      .values({
        planId,
        planVersion: stored.version,
        trigger,
        params: JSON.stringify(o.params ?? {}),
        state: busy ? "queued" : "running",
        startedAt: busy ? null : now,
        scheduledFor: o.scheduledFor ?? null,
        createdAt: now,
        actor,
      })
      .returning()
      .get();
    if (busy) this.deps.events.emit("run.queued", { runId: run.id, planId, trigger });
    else {
      this.deps.events.emit("run.started", { runId: run.id, planId, trigger, scheduledFor: run.scheduledFor, startedAt: now });
      this.launch(run, stored.plan, true);
    }
    if (actor !== "scheduler") recordAudit(this.deps.db, actor, "run.start", { planId, runId: run.id, params: o.params ?? {} });
    return run;
  }

  private launch(run: RunRow, current?: Plan, announced = false): void {
    if (this.active.has(run.id)) return;
    const plan = current ?? this.plans.version(run.planId, run.planVersion) ?? this.plans.get(run.planId)?.plan;
    if (!plan) {
      this.deps.db.update(runs).set({ state: "failed", finishedAt: Date.now(), error: "its plan no longer exists" }).where(eq(runs.id, run.id)).run();
      return;
    }
    const c = new RunController(this.deps, this.secrets, run, plan);
    this.active.set(run.id, c);
    void c.done.then(() => {
      this.active.delete(run.id);
      if (this.started) this.startQueued(run.planId);
    });
    // A fresh run is already announced; its first tasks start on the next turn, so several plans
    // due at the same tick all start on time rather than one after another's spawns.
    // A stop in between (node shutting down) must not start it against a closed database.
    if (announced) setImmediate(() => !this.stopping && this.active.get(run.id) === c && c.start(true));
    else c.start();
  }

  private startQueued(planId: string): void {
    if (this.activeRunOf(planId)) return;
    const next = this.deps.db.select().from(runs).where(and(eq(runs.planId, planId), eq(runs.state, "queued"))).orderBy(asc(runs.id)).limit(1).get();
    if (next) this.launch(next);
  }

  cancelRun(id: number, by: string): RunRow {
    const run = this.deps.db.select().from(runs).where(eq(runs.id, id)).get();
    if (!run) throw new ConfigError(`no run #${id}`);
    if (run.state === "queued") {
      this.deps.db.update(runs).set({ state: "cancelled", finishedAt: Date.now() }).where(eq(runs.id, id)).run();
      this.deps.events.emit("run.finished", { runId: id, planId: run.planId, state: "cancelled", error: null, durationMs: 0 });
    } else if (run.state === "running") this.active.get(id)?.cancel();
    else throw new ConfigError(`run #${id} has already finished (${run.state})`);
    recordAudit(this.deps.db, by, "run.cancel", { runId: id, planId: run.planId });
    return this.deps.db.select().from(runs).where(eq(runs.id, id)).get()!;
  }

  /**
   * Runs a task of a finished run again, with every task downstream of it (retry.ts); the run is
   * running again until they are done, and ends with the state they reach. Refused while the run
   * (or another run of its plan) is in progress, and for a task that cannot be retried.
   */
  retryTask(runId: number, taskId: string, by: string): { run: RunRow; tasks: string[] } {
    const { db, events } = this.deps;
    const run = db.select().from(runs).where(eq(runs.id, runId)).get();
    if (!run) throw new ConfigError(`no run #${runId}`);
    if (run.state === "queued" || run.state === "running" || this.active.has(runId))
      throw new ConfigError(`run #${runId} is still ${run.state === "queued" ? "queued" : "running"}; wait for it to finish (or cancel it) before retrying a task`);
    if (!this.started || this.stopping) throw new ConfigError("the DR executor is not running on this node");
    const plan = this.plans.version(run.planId, run.planVersion);
    if (!plan) throw new ConfigError(`run #${runId} ran version ${run.planVersion} of plan ${run.planId}, which is no longer stored`);
    const busy = this.activeRunOf(run.planId);
    if (busy) throw new ConfigError(`plan ${run.planId} has run #${busy.id} in progress; retry when it has finished`);
    const rows = db.select({ taskId: taskAttempts.taskId, state: taskAttempts.state }).from(taskAttempts).where(eq(taskAttempts.runId, runId)).orderBy(asc(taskAttempts.id)).all();
    const stateOf = (id: string) => rows.filter((r) => r.taskId === id).at(-1)?.state ?? "pending";
    const scope = retryScope(plan, stateOf, taskId);
    if ("refused" in scope) throw new ConfigError(`run #${runId}: ${scope.refused}`);
    const now = Date.now();
    const kinds = new Map(plan.tasks.map((t) => [t.id, t.kind]));
    const again = db.transaction((tx) => {
      for (const id of scope.tasks)
        tx.insert(taskAttempts)
          .values({ runId, taskId: id, kind: kinds.get(id)!, attempt: 0, state: "queued", startedAt: now, finishedAt: now, error: `queued again by ${by} (retry of ${taskId})` })
          .run();
      // The run keeps its start; its finish (and so its place in RPO/RTO figures) comes when the retry ends.
      return tx.update(runs).set({ state: "running", finishedAt: null, error: null }).where(eq(runs.id, runId)).returning().get();
    });
    events.emit("run.retried", { runId, planId: run.planId, taskId, tasks: scope.tasks, by });
    recordAudit(db, by, "run.retry", { runId, planId: run.planId, taskId, tasks: scope.tasks });
    this.launch(again, plan);
    return { run: again, tasks: scope.tasks };
  }

  /** Resolves when the run reaches a final state (tests, the CLI's --wait). */
  async waitRun(id: number): Promise<string> {
    const c = this.active.get(id);
    if (c) return c.done;
    return this.deps.db.select({ state: runs.state }).from(runs).where(eq(runs.id, id)).get()?.state ?? "unknown";
  }

  showRun(id: number, opts: { logsAfter?: number; logLimit?: number } = {}) {
    const run = this.deps.db.select().from(runs).where(eq(runs.id, id)).get();
    if (!run) throw new ConfigError(`no run #${id}`);
    const attempts = this.deps.db.select().from(taskAttempts).where(eq(taskAttempts.runId, id)).orderBy(asc(taskAttempts.id)).all();
    const logs = this.deps.db
      .select()
      .from(runLogs)
      .where(and(eq(runLogs.runId, id), gt(runLogs.id, opts.logsAfter ?? 0)))
      .orderBy(asc(runLogs.id))
      .limit(opts.logLimit ?? 2000)
      .all();
    const plan: Plan | null = this.plans.version(run.planId, run.planVersion);
    const stateOf = (id: string) => attempts.filter((a) => a.taskId === id).at(-1)?.state ?? "pending";
    const finished = !["queued", "running"].includes(run.state) && !this.active.has(id);
    const tasks = (plan?.tasks ?? []).map((t) => {
      const mine = attempts.filter((a) => a.taskId === t.id);
      const last = mine.at(-1);
      const scope = finished && plan ? retryScope(plan, stateOf, t.id) : null;
      return {
        id: t.id,
        kind: t.kind,
        needs: t.needs,
        trigger: t.trigger,
        state: last?.state ?? "pending",
        attempts: mine.filter((a) => a.attempt > 0).length,
        /** Attempts before the last manual retry; the retry policy counts after them. */
        earlierAttempts: attemptsBeforeRetry(mine),
        /** What "Retry with downstream" would run again; null when this task cannot be retried now. */
        retryScope: scope && "tasks" in scope ? scope.tasks : null,
        error: last?.error ?? null,
        result: last?.result ? JSON.parse(last.result) : null,
      };
    });
    return { run: { ...run, params: JSON.parse(run.params) as Record<string, string> }, tasks, attempts, logs };
  }

  listRuns(opts: { planId?: string; limit?: number; states?: string[] } = {}) {
    const where = and(opts.planId ? eq(runs.planId, opts.planId) : undefined, opts.states?.length ? inArray(runs.state, opts.states) : undefined);
    return this.deps.db.select().from(runs).where(where).orderBy(desc(runs.id)).limit(opts.limit ?? 50).all();
  }

  // ---------------------------------------------------------------- failover

  /**
   * Promotes this node's replica of a folder, recorded as a run of a generated plan
   * "failover-FOLDER" (one failover.promote task), so each failover has its log and its RTO.
   * An emergency: it goes ahead even when the old primary is gone (see failback for the planned return).
   */
  async failover(folderId: string, by: string, opts: { maxBehindItems?: number } = {}) {
    if (!this.deps.sync?.config.folder(folderId)) throw new ConfigError(`no folder "${folderId}" on this node`);
    const w = { folder: folderId, ...(opts.maxBehindItems !== undefined ? { maxBehindItems: opts.maxBehindItems } : {}) };
    return this.switchover(folderId, "failover", `Failover of folder ${folderId} to this node`, { id: "promote", kind: "failover.promote", with: w }, by);
  }

  /** Whether this node may fail back a folder now, and what stands in the way (failback.ts). */
  failbackCheck(folderId: string) {
    if (!this.deps.sync) throw new ConfigError("the sync engine is not running on this node");
    if (!this.deps.sync.config.folder(folderId)) throw new ConfigError(`no folder "${folderId}" on this node`);
    return failbackCheck(this.deps.sync, folderId);
  }

  /**
   * The planned return of the primary role to this node, which held it before a failover: refused
   * unless nothing would be lost (failback.ts), then a run of "failback-FOLDER" that promotes it
   * through the same epoch mechanism, with its measured RTO.
   */
  async failback(folderId: string, by: string) {
    const check = this.failbackCheck(folderId);
    if (!check.ready) throw new ConfigError(`cannot fail back ${folderId}: ${check.blockers.map(describeBlocker).join("; ")}`);
    return this.switchover(folderId, "failback", `Planned failback of folder ${folderId} to this node`, { id: "failback", kind: "failover.failback", with: { folder: folderId } }, by);
  }

  /** A one-task plan generated per folder and kind of switchover, run now; resolves when it is over. */
  private async switchover(folderId: string, trigger: "failover" | "failback", description: string, task: { id: string; kind: string; with: Record<string, unknown> }, by: string) {
    const id = `${trigger}-${folderId}`.slice(0, 64);
    this.applyPlan(`id: ${JSON.stringify(id)}\ndescription: ${JSON.stringify(description)}\ntasks:\n  - { id: ${task.id}, kind: ${task.kind}, timeout: 5m, with: ${JSON.stringify(task.with)} }\n`, by);
    const run = this.startRun(id, { trigger, actor: by, params: { folder: folderId } })!;
    const state = await this.waitRun(run.id);
    return { ...this.showRun(run.id), state };
  }

  readiness(folderId: string) {
    if (!this.deps.sync) throw new ConfigError("the sync engine is not running on this node");
    return this.deps.sync.epochs.readiness(folderId);
  }

  objectives() {
    const plans = this.plans.list().map((p) => ({ id: p.plan.id, rpoTargetMs: p.plan.rpoTargetMs }));
    return { rpo: rpo(this.deps.db, plans), rto: rto(this.deps.db) };
  }
}
