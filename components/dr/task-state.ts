import type { MessageKey } from "@/components/i18n/catalog";

/**
 * What a task box shows. The executor's attempt states, plus two the console derives: "queued"
 * (no attempt yet in a live run) and "retrying" (an attempt failed and another will start).
 */
export type TaskView = "queued" | "running" | "retrying" | "success" | "failed" | "skipped" | "upstream_failed" | "cancelled";

const FAILED = new Set(["failed", "timeout", "interrupted"]);

/** The box state from the task's latest attempt, its attempt count (since the last manual retry) and the run's state. */
export function taskView(t: { state: string; attempts: number; retries?: number }, runState: string): TaskView {
  const live = runState === "running" || runState === "queued";
  // "queued" is a row a manual retry writes (server/dr/retry.ts): the task will run again.
  if (t.state === "pending" || t.state === "queued") return live ? "queued" : "cancelled";
  if (t.state === "running") return t.attempts > 1 ? "retrying" : "running";
  if (FAILED.has(t.state)) return live && t.retries !== undefined && t.attempts <= t.retries ? "retrying" : "failed";
  if (t.state === "success" || t.state === "skipped" || t.state === "upstream_failed" || t.state === "cancelled") return t.state;
  return "failed";
}

/** Fill, stroke and text colours of a box (SVG) and a grid cell, by state. */
export const viewColours: Record<TaskView, { fill: string; stroke: string; text: string; cell: string }> = {
  queued: { fill: "#f8fafc", stroke: "#94a3b8", text: "#334155", cell: "bg-slate-200" },
  running: { fill: "#e0f2fe", stroke: "#0284c7", text: "#075985", cell: "bg-sky-500" },
  retrying: { fill: "#fef3c7", stroke: "#d97706", text: "#92400e", cell: "bg-amber-400" },
  success: { fill: "#d1fae5", stroke: "#059669", text: "#065f46", cell: "bg-emerald-500" },
  failed: { fill: "#fee2e2", stroke: "#dc2626", text: "#991b1b", cell: "bg-red-600" },
  skipped: { fill: "#fce7f3", stroke: "#db2777", text: "#9d174d", cell: "bg-pink-300" },
  upstream_failed: { fill: "#ffedd5", stroke: "#ea580c", text: "#9a3412", cell: "bg-orange-400" },
  cancelled: { fill: "#f1f5f9", stroke: "#64748b", text: "#475569", cell: "bg-slate-400" },
};

export const viewLabel = (v: TaskView): MessageKey => `dr.task.${v}`;

/** A run's state as a pill tone. */
export function runTone(state: string): "good" | "busy" | "warn" | "bad" | "muted" {
  if (state === "success") return "good";
  if (state === "running" || state === "queued") return "busy";
  if (state === "failed") return "bad";
  return "muted";
}

export const runLabel = (state: string): MessageKey =>
  (["queued", "running", "success", "failed", "cancelled"].includes(state) ? `dr.run.${state}` : "dr.run.unknown") as MessageKey;
