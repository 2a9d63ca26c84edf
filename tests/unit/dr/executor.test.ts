import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { runLogs, taskAttempts } from "../../../server/db/schema";
import { startDr, yamlPlan, type DrHarness } from "../../support/dr";

let h: DrHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const sh = (script: string) => `{ argv: ["sh", "-c", ${JSON.stringify(script)}] }`;
const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].startsWith("Z");

async function runPlan(source: string, params?: Record<string, string>) {
  const planId = h!.dr.applyPlan(source, "test").plan.id;
  const run = h!.dr.startRun(planId, { actor: "test", params })!;
  const state = await h!.dr.waitRun(run.id);
  return { state, view: h!.dr.showRun(run.id) };
}

describe("DR executor", { timeout: 30_000 }, () => {
  it("applies every trigger rule", async () => {
    h = await startDr();
    const { state, view } = await runPlan(
      yamlPlan(
        "id: triggers",
        "tasks:",
        `  - { id: ok, kind: shell, with: ${sh("true")} }`,
        `  - { id: bad, kind: shell, with: ${sh("exit 3")} }`,
        `  - { id: after_ok, kind: shell, needs: [ok], with: ${sh("true")} }`,
        `  - { id: after_bad, kind: shell, needs: [bad], with: ${sh("true")} }`,
        `  - { id: all_done, kind: shell, needs: [ok, bad], trigger: all_done, with: ${sh("true")} }`,
        `  - { id: alert, kind: shell, needs: [ok, bad], trigger: one_failed, with: ${sh("true")} }`,
        `  - { id: no_alert, kind: shell, needs: [ok], trigger: one_failed, with: ${sh("true")} }`,
        `  - { id: none_failed, kind: shell, needs: [ok, no_alert], trigger: none_failed, with: ${sh("true")} }`,
        `  - { id: none_failed_bad, kind: shell, needs: [bad], trigger: none_failed, with: ${sh("true")} }`,
        `  - { id: after_skip, kind: shell, needs: [no_alert], with: ${sh("true")} }`,
      ),
    );
    expect(Object.fromEntries(view.tasks.map((t) => [t.id, t.state]))).toEqual({
      ok: "success",
      bad: "failed",
      after_ok: "success",
      after_bad: "upstream_failed",
      all_done: "success",
      alert: "success",
      no_alert: "skipped",
      none_failed: "success",
      none_failed_bad: "upstream_failed",
      after_skip: "skipped",
    });
    expect(state).toBe("failed");
    expect(view.tasks.find((t) => t.id === "bad")!.error).toBe("sh exited with code 3");
  });

  it("retries with a doubling delay until the task succeeds", async () => {
    h = await startDr();
    const counter = path.join(h.home, "count");
    const { state, view } = await runPlan(
      yamlPlan("id: flaky", "tasks:", `  - { id: t, kind: shell, retries: 3, retryDelay: 200ms, with: ${sh(`n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo try $n; [ $n -ge 3 ]`)} }`),
    );
    expect(state).toBe("success");
    const attempts = view.attempts.filter((a) => a.taskId === "t");
    expect(attempts.map((a) => [a.attempt, a.state])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "success"],
    ]);
    expect(attempts[1].startedAt - attempts[0].finishedAt!).toBeGreaterThanOrEqual(190);
    expect(attempts[2].startedAt - attempts[1].finishedAt!).toBeGreaterThanOrEqual(390);
    expect(view.logs.map((l) => l.line)).toEqual(expect.arrayContaining(["try 1", "try 2", "try 3"]));
  });

  it("a timed-out task has its whole process tree killed", async () => {
    h = await startDr();
    const pidFile = path.join(h.home, "pid");
    const started = Date.now();
    const { state, view } = await runPlan(yamlPlan("id: slow", "tasks:", `  - { id: t, kind: shell, timeout: 400ms, with: ${sh(`sleep 30 & echo $! > ${pidFile}; wait`)} }`));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(state).toBe("failed");
    expect(view.tasks[0]).toMatchObject({ state: "timeout", error: "timed out after 400 ms" });
    const grandchild = Number(fs.readFileSync(pidFile, "utf8"));
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(grandchild)).toBe(false);
  });

  it("cancel stops the running task, kills its whole process tree, and everything after it", async () => {
    h = await startDr();
    const pidFile = path.join(h.home, "pid");
    // The tool's own child ignores SIGTERM: only the SIGKILL that follows the grace period ends it.
    h.dr.applyPlan(yamlPlan("id: long", "tasks:", `  - { id: a, kind: shell, with: ${sh(`sh -c 'trap "" TERM; sleep 30' & echo $! > ${pidFile}; wait`)} }`, `  - { id: b, kind: shell, needs: [a], with: ${sh("true")} }`), "test");
    const run = h.dr.startRun("long", { actor: "test" })!;
    for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    const grandchild = Number(fs.readFileSync(pidFile, "utf8"));
    expect(alive(grandchild)).toBe(true);
    h.dr.cancelRun(run.id, "test");
    expect(await h.dr.waitRun(run.id)).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(grandchild)).toBe(false);
    const view = h.dr.showRun(run.id);
    expect(view.tasks.map((t) => t.state)).toEqual(["cancelled", "cancelled"]);
    expect(view.run.state).toBe("cancelled");
  });

  it("masks secrets in logs and caps a chatty task's log", async () => {
    h = await startDr();
    h.dr.secrets.set("token", "s3cr3t-value");
    const { state, view } = await runPlan(
      yamlPlan(
        "id: logs",
        "tasks:",
        `  - { id: s, kind: shell, with: { argv: ["sh", "-c", "echo token=$TOKEN"], secretEnv: { TOKEN: token } } }`,
        `  - { id: chatty, kind: shell, with: ${sh("yes 0123456789012345678901234567890123456789 | head -n 20000")} }`,
      ),
    );
    expect(state).toBe("success");
    const lines = view.logs.map((l) => l.line);
    expect(lines).toContain("token=***");
    expect(lines.join("\n")).not.toContain("s3cr3t-value");
    const chatty = h.deps.db.select().from(taskAttempts).where(eq(taskAttempts.taskId, "chatty")).get()!;
    const rows = h.deps.db.select().from(runLogs).where(eq(runLogs.attemptId, chatty.id)).all();
    const bytes = rows.reduce((n, r) => n + Buffer.byteLength(r.line) + 1, 0);
    expect(bytes).toBeLessThanOrEqual(256 * 1024 + 100);
    expect(rows.at(-1)!.line).toBe("[log reached 256 KiB; further output is dropped]");
  });

  it("refuses a secret too short to be masked, with the reason, and keeps the one stored", async () => {
    h = await startDr();
    h.dr.secrets.set("pin", "abc");
    expect(() => h!.dr.secrets.set("pin", "ab")).toThrow('secret "pin" must be at least 3 characters, so that logs can hide it');
    expect(() => h!.dr.secrets.set("pin", "")).toThrow('secret "pin" cannot be empty');
    expect(h.dr.secrets.get("pin")).toBe("abc");
  });

  it("masks a secret that a task's error message quotes, in the attempt row and the task.finished event", async () => {
    h = await startDr();
    // A token pasted with a line break: fetch refuses the header and quotes its value.
    h.dr.secrets.set("hook", "s3cr3t\nvalue");
    const finished: unknown[] = [];
    h.deps.events.subscribe((e) => e.type === "task.finished" && finished.push(e.data));
    const { state, view } = await runPlan(yamlPlan("id: hook", "tasks:", "  - { id: w, kind: notify.webhook, with: { url: 'http://127.0.0.1:9/', token: hook } }"));
    expect(state).toBe("failed");
    expect(view.tasks[0].error).toMatch(/invalid header value/);
    expect(view.tasks[0].error).toContain("Bearer ***");
    const everywhere = JSON.stringify([view, finished, h.deps.db.select().from(taskAttempts).all(), h.deps.db.select().from(runLogs).all()]);
    expect(everywhere).toContain("Bearer ***");
    expect(everywhere).not.toContain("s3cr3t");
  });

  it("passes --param values into a task", async () => {
    h = await startDr();
    const out = path.join(h.home, "out");
    const { state } = await runPlan(yamlPlan("id: p", "params: { who: nobody }", "tasks:", `  - { id: t, kind: shell, with: { argv: ["sh", "-c", "echo \${params.who} > ${out}"] } }`), { who: "ops" });
    expect(state).toBe("success");
    expect(fs.readFileSync(out, "utf8")).toBe("ops\n");
  });

  it("refuses a second run of a plan whose overlap is skip, and queues with queue", async () => {
    h = await startDr();
    h.dr.applyPlan(yamlPlan("id: one", "tasks:", `  - { id: a, kind: shell, with: ${sh("sleep 0.3")} }`), "test");
    const first = h.dr.startRun("one", { actor: "test" })!;
    expect(() => h!.dr.startRun("one", { actor: "test" })).toThrow(/already running \(run #\d+\); its overlap policy is skip/);
    expect(h.dr.startRun("one", { trigger: "schedule", scheduledFor: Date.now() })).toBeNull();
    await h.dr.waitRun(first.id);
    h.dr.applyPlan(yamlPlan("id: q", "overlap: queue", "tasks:", `  - { id: a, kind: shell, with: ${sh("sleep 0.2")} }`), "test");
    const r1 = h.dr.startRun("q", { actor: "test" })!;
    const r2 = h.dr.startRun("q", { actor: "test" })!;
    expect(r2.state).toBe("queued");
    await h.dr.waitRun(r1.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(await h.dr.waitRun(r2.id)).toBe("success");
    const [a, b] = [h.dr.showRun(r1.id).run, h.dr.showRun(r2.id).run];
    expect(b.startedAt!).toBeGreaterThanOrEqual(a.finishedAt!);
  });
});
