import { describe, expect, it } from "vitest";
import { parsePlan } from "../../../server/dr/plans/parse";
import { PlanError } from "../../../server/dr/plans/types";
import { yamlPlan } from "../../support/dr";

const good = yamlPlan(
  "id: nightly",
  'schedule: "@daily"',
  "timezone: Europe/Moscow",
  "overlap: skip",
  "catchup: 6h",
  "rpo: 26h",
  "tasks:",
  "  - id: backup",
  "    kind: backup.restic",
  "    with: { folder: docs, repository: /srv/ferry-backups }",
  "    retries: 2",
  "    retryDelay: 30s",
  "    timeout: 1h",
  "  - id: mark",
  "    kind: shell",
  "    needs: [backup]",
  '    with: { argv: ["logger", "backup done"] }',
  "  - id: alert",
  "    kind: notify.email",
  "    needs: [backup]",
  "    trigger: one_failed",
  "    with: { to: ops@example.com }",
);

function issuesOf(source: string): string {
  try {
    parsePlan(source, "plan.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    return (err as Error).message;
  }
  throw new Error("plan was accepted");
}

describe("plans", () => {
  it("reads the issue's example plan with defaults filled in", () => {
    const p = parsePlan(good);
    expect(p).toMatchObject({ id: "nightly", schedule: "@daily", timezone: "Europe/Moscow", overlap: "skip", catchupMs: 6 * 3600_000, rpoTargetMs: 26 * 3600_000 });
    expect(p.tasks.map((t) => [t.id, t.trigger, t.needs])).toEqual([
      ["backup", "all_success", []],
      ["mark", "all_success", ["backup"]],
      ["alert", "one_failed", ["backup"]],
    ]);
    expect(p.tasks[0]).toMatchObject({ retries: 2, retryDelayMs: 30_000, timeoutMs: 3600_000 });
  });

  it("reads the same plan written as JSON", () => {
    const json = JSON.stringify({ id: "j", schedule: null, tasks: [{ id: "a", kind: "shell", with: { argv: ["true"] } }] }, null, 2);
    expect(parsePlan(json)).toMatchObject({ id: "j", schedule: null, timezone: "UTC", tasks: [{ id: "a", kind: "shell" }] });
  });

  it("refuses a dependency cycle and names it", () => {
    const msg = issuesOf(
      yamlPlan("id: c", "tasks:", "  - id: a", "    kind: shell", "    needs: [c]", "    with: { argv: [true] }", "  - id: b", "    kind: shell", "    needs: [a]", "    with: { argv: [true] }", "  - id: c", "    kind: shell", "    needs: [b]", "    with: { argv: [true] }"),
    );
    expect(msg).toMatch(/dependency cycle: (a → c → b → a|a → b → c → a|.*→.*→.*→.*)/);
  });

  it("names the line and field of an unknown kind, a missing need and a bad cron", () => {
    const msg = issuesOf(
      yamlPlan("id: bad", 'schedule: "61 * * * *"', "tasks:", "  - id: a", "    kind: backup.tape", "  - id: b", "    kind: shell", "    needs: [zzz]", "    with: { argv: [true] }"),
    );
    expect(msg).toContain('line 2, schedule: bad cron "61 * * * *": minute: "61" is not a value between 0 and 59');
    expect(msg).toContain('line 5, tasks[0].kind: unknown task kind "backup.tape"');
    expect(msg).toContain('line 8, tasks[1].needs[0]: needs "zzz", but the plan has no task with that id');
  });

  it("names a misspelt field, a bad trigger, a bad duration and a bad time zone", () => {
    const msg = issuesOf(yamlPlan("id: x", "timezone: Mars/Olympus", "tasks:", "  - id: a", "    kind: shell", "    trigger: sometimes", "    retyres: 2", "    timeout: soon", "    with: { argv: [true] }"));
    expect(msg).toMatch(/line 4, tasks\[0\]: Unrecognized key: "retyres"/i);
    expect(msg).toMatch(/line 6, tasks\[0\]\.trigger: /);
    expect(msg).toMatch(/line 8, tasks\[0\]\.timeout: expected a duration/);
    const tz = issuesOf(yamlPlan("id: x", "timezone: Mars/Olympus", "tasks:", "  - id: a", "    kind: shell", "    with: { argv: [true] }"));
    expect(tz).toContain('line 2, timezone: unknown time zone "Mars/Olympus"');
  });

  it("checks each kind's own fields", () => {
    const msg = issuesOf(yamlPlan("id: x", "tasks:", "  - id: a", "    kind: shell", "    with: { argv: [] }", "  - id: b", "    kind: prune.restic", "    with: { repository: /r, keepLast: many }"));
    expect(msg).toContain("line 5, tasks[0].with.argv: argv needs at least the program");
    expect(msg).toMatch(/line 8, tasks\[1\]\.with\.keepLast: /);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(issuesOf("id: x\ntasks:\n  - id: a\n   kind: shell\n")).toMatch(/line \d/);
  });
});
