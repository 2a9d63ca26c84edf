import type { TaskSpec } from "./plans/types";

export type TaskState = "pending" | "running" | "success" | "failed" | "timeout" | "cancelled" | "interrupted" | "skipped" | "upstream_failed";

const FAILED: ReadonlySet<TaskState> = new Set(["failed", "timeout", "interrupted", "upstream_failed", "cancelled"]);
const DONE = (s: TaskState) => s !== "pending" && s !== "running";

/**
 * Airflow's trigger rules over a task's needs. all_success: every need succeeded (a skipped need
 * skips this one too); all_done: every need finished, however; one_failed: runs as soon as one need
 * failed, skipped when all finished without failure; none_failed: every need finished and none
 * failed (skipped is fine).
 */
export function decide(t: TaskSpec, stateOf: (id: string) => TaskState): "wait" | "run" | "skipped" | "upstream_failed" {
  const states = t.needs.map(stateOf);
  const allDone = states.every(DONE);
  const anyFailed = states.some((s) => FAILED.has(s));
  switch (t.trigger) {
    case "all_success":
      if (anyFailed) return "upstream_failed";
      if (!allDone) return "wait";
      return states.every((s) => s === "success") ? "run" : "skipped";
    case "all_done":
      return allDone ? "run" : "wait";
    case "one_failed":
      if (anyFailed) return "run";
      return allDone ? "skipped" : "wait";
    case "none_failed":
      if (anyFailed) return "upstream_failed";
      return allDone ? "run" : "wait";
  }
}

/** A run succeeded when no task failed, timed out, was interrupted for good or was blocked by a failure. */
export function runOutcome(states: TaskState[]): "success" | "failed" {
  return states.some((s) => FAILED.has(s) && s !== "cancelled") ? "failed" : "success";
}
