import { and, asc, eq, inArray } from "drizzle-orm";
import { runs, taskAttempts } from "../db/schema";
import type { DrDeps } from "./deps";
import { AttemptLog } from "./logs";
import { substituteParams } from "./plans/params";
import type { Plan, TaskSpec } from "./plans/types";
import { runTool, signalGroup } from "./process";
import { recordRecoveryPoint } from "./rpo";
import type { SecretStore } from "./secrets";
import { taskKinds } from "./tasks";
import { TaskFailure, type TaskContext } from "./tasks/types";
import { attemptsBeforeRetry } from "./retry";
import { decide, runOutcome, type TaskState } from "./triggers";

export class TimeoutError extends Error {}
const KILL_WAIT_MS = 5000;
class CancelError extends Error {}
/** The node is stopping: attempts end as "interrupted" and the run stays running for the next start. */
class HaltError extends Error {}

type RunRow = typeof runs.$inferSelect;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Runs the tasks of one run in dependency order, in parallel up to the plan's bound, with trigger
 * rules, retries (the delay doubles each time), timeouts and cancel. Every state change is a row
 * first and an event second, so a node killed at any point can pick the run up from its rows.
 */
export class RunController {
  readonly abort = new AbortController();
  private readonly states = new Map<string, TaskState>();
  private readonly attempts = new Map<string, number>(); // attempts already made
  /** Attempts made before the task's last manual retry: its retry policy counts from there. */
  private readonly base = new Map<string, number>();
  private readonly outputs: Record<string, unknown> = {};
  private running = 0;
  readonly done: Promise<string>;
  private finish!: (state: string) => void;

  constructor(
    private readonly deps: DrDeps,
    private readonly secrets: SecretStore,
    readonly run: RunRow,
    private readonly plan: Plan,
  ) {
    this.done = new Promise((r) => (this.finish = r));
  }

  private get params(): Record<string, string> {
    return { ...this.plan.params, ...(JSON.parse(this.run.params) as Record<string, string>) };
  }

  /** Starts (or, after a restart, resumes) the run from what its rows say. */
  start(announced = false): void {
    const { db, events } = this.deps;
    const now = Date.now();
    if (!announced && this.run.state !== "running") {
      db.update(runs).set({ state: "running", startedAt: now }).where(eq(runs.id, this.run.id)).run();
      events.emit("run.started", { runId: this.run.id, planId: this.run.planId, trigger: this.run.trigger, scheduledFor: this.run.scheduledFor, startedAt: now });
    }
    this.loadState();
    this.pump();
  }

  private halted = false;

  /** Stops without deciding anything: the rows stay as they are, and the next start resumes the run. */
  async halt(): Promise<void> {
    this.halted = true;
    if (!this.abort.signal.aborted) this.abort.abort(new HaltError("the node is stopping"));
    while (this.running > 0) await new Promise((r) => setTimeout(r, 20));
    this.finish("halted");
  }

  cancel(): void {
    if (!this.abort.signal.aborted) this.abort.abort(new CancelError("cancelled"));
    if (this.loaded) this.pump();
  }

  /**
   * Rebuilds task states from attempt rows: finished tasks stay finished, the rest go on. A "queued"
   * row (attempt 0) is a manual retry (retry.ts): the task runs again, with its full retry policy.
   */
  private loaded = false;

  private loadState(): void {
    this.loaded = true;
    const rows = this.deps.db.select().from(taskAttempts).where(eq(taskAttempts.runId, this.run.id)).orderBy(asc(taskAttempts.id)).all();
    for (const t of this.plan.tasks) {
      const mine = rows.filter((r) => r.taskId === t.id);
      const last = mine.at(-1);
      const made = mine.filter((r) => r.attempt > 0).length;
      const base = attemptsBeforeRetry(mine);
      this.attempts.set(t.id, made);
      this.base.set(t.id, base);
      if (!last || last.state === "queued") this.states.set(t.id, "pending");
      else if (["failed", "timeout", "interrupted"].includes(last.state) && last.attempt - base <= t.retries) this.states.set(t.id, "pending");
      else this.states.set(t.id, last.state as TaskState);
      if (last?.state === "success" && last.result) this.outputs[t.id] = JSON.parse(last.result);
    }
  }

  private pump(): void {
    if (this.halted) return;
    const cancelled = this.abort.signal.aborted;
    const stateOf = (id: string) => this.states.get(id) ?? "pending";
    // Settling one task (skipped, upstream_failed) may decide others, so repeat until nothing moves.
    for (let changed = true; changed; ) {
      changed = false;
      for (const t of this.plan.tasks) {
        if (this.states.get(t.id) !== "pending") continue;
        const verdict = cancelled ? "cancelled" : decide(t, stateOf);
        if (verdict === "wait") continue;
        if (verdict !== "run") {
          this.settle(t, verdict, null);
          changed = true;
          continue;
        }
        if (this.running >= this.plan.parallel) continue;
        this.states.set(t.id, "running");
        this.running++;
        void this.runTask(t).then((state) => {
          this.running--;
          this.states.set(t.id, state);
          this.pump();
        });
      }
    }
    if (this.running === 0 && this.plan.tasks.every((t) => !["pending", "running"].includes(stateOf(t.id)))) this.complete();
  }

  /** A task that ends without running: a row with attempt 0 says why. */
  private settle(t: TaskSpec, state: TaskState, error: string | null): void {
    this.states.set(t.id, state);
    const now = Date.now();
    const row = this.deps.db
      .insert(taskAttempts)
      .values({ runId: this.run.id, taskId: t.id, kind: t.kind, attempt: 0, state, startedAt: now, finishedAt: now, error })
      .returning({ id: taskAttempts.id })
      .get();
    this.deps.events.emit("task.finished", { runId: this.run.id, planId: this.run.planId, taskId: t.id, attempt: 0, attemptId: row.id, state, error, durationMs: 0 });
  }

  private complete(): void {
    const states = this.plan.tasks.map((t) => this.states.get(t.id)!);
    const state = this.abort.signal.aborted ? "cancelled" : runOutcome(states);
    const failed = this.plan.tasks.filter((t) => ["failed", "timeout", "interrupted", "upstream_failed"].includes(this.states.get(t.id)!)).map((t) => t.id);
    const error = state === "failed" ? `failed: ${failed.join(", ")}` : null;
    const now = Date.now();
    this.deps.db.update(runs).set({ state, finishedAt: now, error }).where(eq(runs.id, this.run.id)).run();
    const started = this.deps.db.select({ startedAt: runs.startedAt }).from(runs).where(eq(runs.id, this.run.id)).get()?.startedAt ?? now;
    this.deps.events.emit("run.finished", { runId: this.run.id, planId: this.run.planId, state, error, durationMs: now - started });
    this.finish(state);
  }

  /** All attempts of one task; resolves with its final state. */
  private async runTask(t: TaskSpec): Promise<TaskState> {
    let state: TaskState = "failed";
    const base = this.base.get(t.id) ?? 0;
    while (this.attempts.get(t.id)! - base <= t.retries) {
      const made = this.attempts.get(t.id)!;
      if (made > base) {
        // Backoff doubles each try: retryDelay, 2×, 4×…
        await sleep(t.retryDelayMs * 2 ** (made - base - 1), this.abort.signal);
      }
      if (this.halted) return "interrupted";
      if (this.abort.signal.aborted) return this.cancelledBeforeStart(t);
      this.attempts.set(t.id, made + 1);
      state = await this.attempt(t, made + 1);
      if (state === "success" || state === "cancelled" || this.halted) return state;
    }
    return state;
  }

  private cancelledBeforeStart(t: TaskSpec): TaskState {
    this.settle(t, "cancelled", "cancelled before the next attempt");
    return "cancelled";
  }

  private async attempt(t: TaskSpec, attempt: number): Promise<TaskState> {
    const { db, events } = this.deps;
    const startedAt = Date.now();
    const row = db
      .insert(taskAttempts)
      .values({ runId: this.run.id, taskId: t.id, kind: t.kind, attempt, state: "running", startedAt })
      .returning({ id: taskAttempts.id })
      .get();
    const ids = { runId: this.run.id, planId: this.run.planId, taskId: t.id, attempt, attemptId: row.id };
    events.emit("task.started", { ...ids, kind: t.kind });
    const log = new AttemptLog(db, events, { runId: this.run.id, attemptId: row.id, taskId: t.id });
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new TimeoutError(`timed out after ${t.timeoutMs} ms`)), t.timeoutMs);
    const signal = AbortSignal.any([this.abort.signal, timeout.signal]);
    let state: TaskState;
    let error: string | null = null;
    let result: unknown = null;
    try {
      const kind = taskKinds.get(t.kind);
      if (!kind) throw new TaskFailure(`unknown task kind "${t.kind}"`);
      const parsed = kind.with.safeParse(substituteParams(t.with, this.params));
      if (!parsed.success) throw new TaskFailure(`bad "with": ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      const base = this.base.get(t.id) ?? 0;
      log.write(base ? `attempt ${attempt} (${attempt - base} of ${t.retries + 1} since the manual retry): ${t.kind}` : `attempt ${attempt} of ${t.retries + 1}: ${t.kind}`);
      const ctx = this.context(t, row.id, signal, log);
      const abortable = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
      // A kind that ignores the signal still ends its attempt on time; any tool it spawned is killed by runTool.
      const work = kind.run(ctx, parsed.data);
      work.catch(() => {});
      try {
        result = await Promise.race([work, abortable]);
      } catch (err) {
        // Before a retry may start, the tools of this attempt must be gone: wait for the kind to
        // notice (runTool resolves once the process group has exited), within the kill grace.
        if (signal.aborted) await Promise.race([work.catch(() => {}), new Promise((r) => setTimeout(r, KILL_WAIT_MS))]);
        throw err;
      }
      state = "success";
    } catch (err) {
      const reason = signal.aborted ? signal.reason : err;
      state = reason instanceof TimeoutError ? "timeout" : reason instanceof CancelError ? "cancelled" : reason instanceof HaltError ? "interrupted" : "failed";
      // A tool's message may quote what it was given (a password in a URL): masked like the log.
      error = log.redact(reason instanceof Error ? reason.message : String(reason));
      log.write(`${state}: ${error}`, "warn");
    } finally {
      clearTimeout(timer);
    }
    log.flush();
    const finishedAt = Date.now();
    db.update(taskAttempts)
      .set({ state, finishedAt, error, result: result === null || result === undefined ? null : JSON.stringify(result), logBytes: log.bytes, pid: null })
      .where(eq(taskAttempts.id, row.id))
      .run();
    if (state === "success") this.outputs[t.id] = result;
    events.emit("task.finished", { ...ids, state, error, durationMs: finishedAt - startedAt });
    return state;
  }

  private context(t: TaskSpec, attemptId: number, signal: AbortSignal, log: AttemptLog): TaskContext {
    const { db } = this.deps;
    return {
      deps: this.deps,
      planId: this.run.planId,
      runId: this.run.id,
      attemptId,
      task: t,
      signal,
      upstream: Object.fromEntries(t.needs.map((n) => [n, this.outputs[n]])),
      log: (line, stream = "info") => log.write(line, stream),
      secret: (name) => {
        const value = this.secrets.get(name);
        if (value === null) throw new TaskFailure(`no secret named "${name}" (add it under Settings → Secrets or with the API)`);
        log.mask(value);
        return value;
      },
      spawn: (argv, options = {}) => {
        log.write(`$ ${argv.join(" ")}`);
        return runTool(argv, options, {
          signal,
          log: (line, stream) => log.write(line, stream),
          onPid: (pid) => db.update(taskAttempts).set({ pid }).where(eq(taskAttempts.id, attemptId)).run(),
        });
      },
      recoveryPoint: (p) => recordRecoveryPoint(db, { ...p, planId: this.run.planId, runId: this.run.id }),
    };
  }
}

/**
 * After a crash: attempts still marked running were cut short. Their tools may still be alive in
 * their own process groups, so they are killed first; only then may a retry start, and no task
 * ever runs twice at once.
 */
export async function markInterrupted(deps: DrDeps): Promise<number> {
  const { db } = deps;
  const stale = db.select().from(taskAttempts).where(eq(taskAttempts.state, "running")).all();
  for (const a of stale) {
    if (a.pid && signalGroup(a.pid, "SIGKILL"))
      for (let i = 0; i < 50 && signalGroup(a.pid, 0); i++) await new Promise((r) => setTimeout(r, 20));
  }
  if (stale.length)
    db.update(taskAttempts)
      .set({ state: "interrupted", finishedAt: Date.now(), error: "the node stopped during this attempt", pid: null })
      .where(and(eq(taskAttempts.state, "running"), inArray(taskAttempts.id, stale.map((a) => a.id))))
      .run();
  return stale.length;
}
