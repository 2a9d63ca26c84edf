import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/connection";
import { runs, taskAttempts } from "../db/schema";

/** A plain-text summary of a run's tasks so far, for mail and webhooks. */
export function runSummary(db: Db, runId: number): { title: string; text: string; planId: string; runId: number; tasks: { id: string; state: string; error: string | null }[] } {
  const run = db.select().from(runs).where(eq(runs.id, runId)).get();
  const rows = db.select().from(taskAttempts).where(eq(taskAttempts.runId, runId)).orderBy(asc(taskAttempts.id)).all();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) latest.set(r.taskId, r);
  const tasks = [...latest.values()].filter((r) => r.state !== "running" && r.state !== "queued").map((r) => ({ id: r.taskId, state: r.state, error: r.error }));
  const failed = tasks.filter((t) => ["failed", "timeout", "interrupted", "upstream_failed"].includes(t.state));
  const title = `[ferry] plan ${run?.planId} run #${runId}: ${failed.length ? `${failed.length} task(s) failed` : "all tasks so far succeeded"}`;
  const text = [title, "", ...tasks.map((t) => `${t.id}: ${t.state}${t.error ? ` — ${t.error}` : ""}`)].join("\n");
  return { title, text, planId: run?.planId ?? "", runId, tasks };
}
