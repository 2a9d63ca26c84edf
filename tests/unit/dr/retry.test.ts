import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { audit, runLogs, runs } from "../../../server/db/schema";
import type { FerryEvent } from "../../../server/events/types";
import { startDr, yamlPlan, type DrHarness } from "../../support/dr";

let h: DrHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const sh = (script: string) => `{ argv: ["sh", "-c", ${JSON.stringify(script)}] }`;

/** prep counts its runs; work fails (twice, its retry policy) while `flag` is missing; after and alert hang off work. */
function plan(home: string, workSleep = 0) {
  const flag = path.join(home, "flag");
  return {
    flag,
    count: path.join(home, "prep-count"),
    out: path.join(home, "after.txt"),
    source: yamlPlan(
      "id: fragile",
      "tasks:",
      `  - { id: prep, kind: shell, with: ${sh(`echo ran >> ${path.join(home, "prep-count")}; echo prepared`)} }`,
      `  - { id: work, kind: shell, needs: [prep], retries: 1, retryDelay: 50ms, with: ${sh(`sleep ${workSleep}; cat ${flag}`)} }`,
      `  - { id: after, kind: shell, needs: [work], with: ${sh(`echo done > ${path.join(home, "after.txt")}`)} }`,
      `  - { id: alert, kind: shell, needs: [work], trigger: one_failed, with: ${sh("echo alerting")} }`,
      `  - { id: side, kind: shell, with: ${sh("true")} }`,
    ),
  };
}

async function failedRun() {
  const p = plan(h!.home);
  h!.dr.applyPlan(p.source, "test");
  const run = h!.dr.startRun("fragile", { actor: "test" })!;
  expect(await h!.dr.waitRun(run.id)).toBe("failed");
  return { ...p, run };
}

const states = (runId: number) => Object.fromEntries(h!.dr.showRun(runId).tasks.map((t) => [t.id, t.state]));

describe("retry a failed task and what depends on it", { timeout: 30_000 }, () => {
  it("runs the task and its downstream again with real processes, reusing the upstream that succeeded", async () => {
    h = await startDr();
    const { flag, count, out, run } = await failedRun();
    expect(states(run.id)).toEqual({ prep: "success", work: "failed", after: "upstream_failed", alert: "success", side: "success" });
    const failedAt = h.dr.showRun(run.id).run.finishedAt!;
    const events: FerryEvent[] = [];
    h.deps.events.subscribe((e) => void events.push(e));

    fs.writeFileSync(flag, "the file is here\n");
    const retried = h.dr.retryTask(run.id, "work", "alice");
    expect(retried.tasks).toEqual(["work", "after", "alert"]);
    expect(retried.run.state).toBe("running");
    expect(h.dr.showRun(run.id).tasks.find((t) => t.id === "after")!.state).toBe("queued");
    expect(await h.dr.waitRun(run.id)).toBe("success");

    const view = h.dr.showRun(run.id);
    expect(states(run.id)).toEqual({ prep: "success", work: "success", after: "success", alert: "skipped", side: "success" });
    expect(view.run).toMatchObject({ state: "success", error: null });
    expect(view.run.finishedAt!).toBeGreaterThanOrEqual(failedAt);
    // The upstream task ran once; the retried one continues its attempt numbers after the two failures.
    expect(fs.readFileSync(count, "utf8")).toBe("ran\n");
    expect(view.tasks.find((t) => t.id === "prep")!.attempts).toBe(1);
    expect(view.attempts.filter((a) => a.taskId === "work" && a.attempt > 0).map((a) => [a.attempt, a.state])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "success"],
    ]);
    expect(fs.readFileSync(out, "utf8")).toBe("done\n");
    // The earlier attempts' logs stay beside the new one.
    const lines = h.deps.db.select().from(runLogs).where(eq(runLogs.runId, run.id)).all().map((l) => l.line);
    expect(lines.filter((l) => l.includes("No such file or directory")).length).toBe(2);
    expect(lines).toContain("the file is here");
    expect(lines).toContain("attempt 3 (1 of 2 since the manual retry): shell");

    // An event on the bus and a row in the audit table say who retried what.
    expect(events.find((e) => e.type === "run.retried")?.data).toEqual({ runId: run.id, planId: "fragile", taskId: "work", tasks: ["work", "after", "alert"], by: "alice" });
    const row = h.deps.db.select().from(audit).where(and(eq(audit.action, "run.retry"), eq(audit.actor, "alice"))).get()!;
    expect(JSON.parse(row.detail)).toEqual({ runId: run.id, planId: "fragile", taskId: "work", tasks: ["work", "after", "alert"] });
    // A failed run that ends in success no longer counts as failed.
    expect(h.dr.listRuns({ states: ["failed"] }).map((r) => r.id)).not.toContain(run.id);
  });

  it("refuses, saying why: a running run, an unknown task, a task that succeeded, one whose upstream still failed", async () => {
    h = await startDr();
    const { run } = await failedRun();
    expect(() => h!.dr.retryTask(run.id, "ghost", "test")).toThrow(`run #${run.id}: the plan has no task "ghost" (its tasks: prep, work, after, alert, side)`);
    expect(() => h!.dr.retryTask(run.id, "prep", "test")).toThrow(/task "prep" succeeded; only a task that failed/);
    expect(() => h!.dr.retryTask(run.id, "after", "test")).toThrow(`run #${run.id}: task "after" would be blocked again: its upstream task "work" ended failed; retry "work" instead`);
    expect(() => h!.dr.retryTask(run.id + 100, "work", "test")).toThrow(`no run #${run.id + 100}`);
    // Only what can be retried offers a scope to the console.
    expect(Object.fromEntries(h.dr.showRun(run.id).tasks.map((t) => [t.id, t.retryScope]))).toEqual({ prep: null, work: ["work", "after", "alert"], after: null, alert: null, side: null });

    h.dr.applyPlan(plan(h.home, 1).source, "test");
    const slow = h.dr.startRun("fragile", { actor: "test" })!;
    expect(() => h!.dr.retryTask(slow.id, "work", "test")).toThrow(`run #${slow.id} is still running; wait for it to finish (or cancel it) before retrying a task`);
    // Another run of the same plan in progress: the old run waits, as runs of a plan never overlap.
    expect(() => h!.dr.retryTask(run.id, "work", "test")).toThrow(`plan fragile has run #${slow.id} in progress; retry when it has finished`);
    expect(h.dr.showRun(slow.id).tasks.every((t) => t.retryScope === null)).toBe(true);
    await h.dr.waitRun(slow.id);
    expect(h.deps.db.select().from(runs).where(eq(runs.id, run.id)).get()!.state).toBe("failed");
  });

  it("a retry cut short by a stop goes on after the next start, with the task's retry policy counted from the retry", async () => {
    h = await startDr();
    const { flag, source } = plan(h.home, 1);
    h.dr.applyPlan(source, "test");
    const slowRun = h.dr.startRun("fragile", { actor: "test" })!;
    expect(await h.dr.waitRun(slowRun.id)).toBe("failed");
    fs.writeFileSync(flag, "here now\n");
    h.dr.retryTask(slowRun.id, "work", "test");
    await new Promise((r) => setTimeout(r, 300));
    const home = h.home;
    await h.close(false);
    h = await startDr({ home });
    expect(await h.dr.waitRun(slowRun.id)).toBe("success");
    const work = h.dr.showRun(slowRun.id).attempts.filter((a) => a.taskId === "work" && a.attempt > 0);
    expect(work.map((a) => [a.attempt, a.state])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "interrupted"],
      [4, "success"],
    ]);
  });
});
