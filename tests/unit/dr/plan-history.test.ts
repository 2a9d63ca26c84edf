import { afterEach, describe, expect, it } from "vitest";
import { startDr, yamlPlan, type DrHarness } from "../../support/dr";

let h: DrHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const plan = (sleep: string) => yamlPlan("id: nightly", "schedule: '@daily'", "tasks:", `  - { id: t, kind: shell, with: { argv: ["sleep", "${sleep}"] } }`);

describe("plan history", () => {
  it("keeps every applied version with who applied it, newest first; the same text again is not a new version; a refused plan changes nothing", async () => {
    h = await startDr();
    const first = h.dr.applyPlan(plan("0"), "alice");
    expect(first.version).toBe(1);
    expect(h.dr.applyPlan(plan("0"), "bob").version).toBe(1);
    expect(h.dr.applyPlan(plan("0.1"), "bob").version).toBe(2);
    expect(() => h!.dr.applyPlan(yamlPlan("id: nightly", "schedule: 'every tuesday'", "tasks: []"), "mallory")).toThrow();

    const history = h.dr.plans.history("nightly");
    expect(history.map((v) => [v.version, v.appliedBy])).toEqual([
      [2, "bob"],
      [1, "alice"],
    ]);
    expect(history[0].source).toBe(plan("0.1"));
    expect(history[1].source).toBe(plan("0"));
    expect(history[0].appliedAt).toBeGreaterThanOrEqual(history[1].appliedAt);
    // The plan as it was at each version (a run shows the plan it ran).
    expect(h.dr.plans.version("nightly", 1)!.tasks[0].with).toMatchObject({ argv: ["sleep", "0"] });
    expect(h.dr.plans.version("nightly", 2)!.tasks[0].with).toMatchObject({ argv: ["sleep", "0.1"] });
    expect(h.dr.plans.version("nightly", 3)).toBeNull();
    expect(h.dr.plans.history("no-such-plan")).toEqual([]);
  });

  it("survives a restart, and a run records the version it ran", async () => {
    h = await startDr();
    h.dr.applyPlan(plan("0"), "alice");
    h.dr.applyPlan(plan("0.05"), "bob");
    const run = h.dr.startRun("nightly", { actor: "test" })!;
    expect(await h.dr.waitRun(run.id)).toBe("success");
    const home = h.home;
    await h.close(false);
    h = await startDr({ home });
    expect(h.dr.plans.history("nightly").map((v) => v.version)).toEqual([2, 1]);
    expect(h.dr.plans.require("nightly").version).toBe(2);
    expect(h.dr.showRun(run.id).run).toMatchObject({ planId: "nightly", planVersion: 2 });
  });
});
