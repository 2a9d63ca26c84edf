import type { Plan } from "./plans/types";
import { decide, type TaskState } from "./triggers";

/**
 * Airflow's "clear task + downstream" for a finished run. The retried task and everything that
 * needs it (transitively) get a "queued" row (attempt 0) each; the executor reads such a row as
 * "run this again", with the task's retry policy counted afresh, while the attempts before it and
 * their logs stay. Upstream tasks that succeeded keep their results and are not run again.
 */

/** States a task can be retried from: it ended without success, and not by its trigger rule's choice. */
const RETRYABLE: ReadonlySet<string> = new Set(["failed", "timeout", "interrupted", "upstream_failed", "cancelled"]);

/** Attempts made before the task's last manual retry (its "queued" row); 0 when it was never retried. */
export function attemptsBeforeRetry(rows: { attempt: number; state: string }[]): number {
  const mark = rows.findLastIndex((r) => r.state === "queued");
  return mark < 0 ? 0 : rows.slice(0, mark).filter((r) => r.attempt > 0).length;
}

/** The task and every task that needs it, directly or through others, in plan order. */
export function downstreamOf(plan: Plan, taskId: string): string[] {
  const set = new Set([taskId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of plan.tasks)
      if (!set.has(t.id) && t.needs.some((n) => set.has(n))) {
        set.add(t.id);
        grew = true;
      }
  }
  return plan.tasks.filter((t) => set.has(t.id)).map((t) => t.id);
}

/**
 * The tasks a retry of `taskId` runs again, or the reason it cannot be retried (as the user reads
 * it). `stateOf` gives each task's latest state in the run ("pending" when it has no row).
 */
export function retryScope(plan: Plan, stateOf: (id: string) => string, taskId: string): { tasks: string[] } | { refused: string } {
  const task = plan.tasks.find((t) => t.id === taskId);
  if (!task) return { refused: `the plan has no task "${taskId}" (its tasks: ${plan.tasks.map((t) => t.id).join(", ")})` };
  const state = stateOf(taskId);
  if (state === "success") return { refused: `task "${taskId}" succeeded; only a task that failed, timed out, was interrupted or cancelled, or was blocked by a failed upstream task can be retried` };
  if (state === "skipped") return { refused: `task "${taskId}" was skipped by its trigger rule (${task.trigger}); retry the upstream task that decided it instead` };
  if (!RETRYABLE.has(state)) return { refused: `task "${taskId}" is ${state}; only a task that failed, timed out, was interrupted or cancelled, or was blocked by a failed upstream task can be retried` };
  const tasks = downstreamOf(plan, taskId);
  // Its needs are never in the scope (the graph has no cycles), so this is what it would meet.
  const again = new Set(tasks);
  const verdict = decide(task, (id) => (again.has(id) ? "pending" : (stateOf(id) as TaskState)));
  if (verdict === "upstream_failed" || verdict === "skipped") {
    const blocker = task.needs.find((n) => stateOf(n) !== "success") ?? task.needs[0];
    return { refused: `task "${taskId}" would be ${verdict === "skipped" ? "skipped" : "blocked"} again: its upstream task "${blocker}" ended ${stateOf(blocker)}; retry "${blocker}" instead` };
  }
  return { tasks };
}
