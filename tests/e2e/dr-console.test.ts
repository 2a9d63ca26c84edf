import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, logIn, openConsole } from "../support/browser";
import { callApi, startNode, type NodeProcess } from "../support/node-process";
import { startSmtp } from "../support/smtp";

let node: NodeProcess;
let browser: Browser;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-dr-e2e-"));
const source = path.join(work, "source");
const replica = path.join(work, "replica");

beforeAll(async () => {
  fs.mkdirSync(source);
  fs.writeFileSync(path.join(source, "ledger.txt"), "day 1\n");
  // Other work in the checkout can make the first start rebuild the console; give it time.
  [node, browser, smtp] = await Promise.all([startNode({ timeoutMs: 570_000 }), launchBrowser(), startSmtp()]);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await node?.stop();
  await smtp?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/ferry-shots/${name}.png`, fullPage: true });

/** A plan whose copy is a real rsync into `replica`, after a slow first step so "running" can be seen. */
const goodPlan = (rpo: string) => `id: e2e-copy
description: copy the ledger to the replica
schedule: "@daily"
rpo: ${rpo}
tasks:
  - id: prepare
    kind: shell
    with: { argv: [sh, -c, "echo preparing the copy; sleep 2; echo prepared"] }
  - id: replicate
    kind: replicate.rsync
    needs: [prepare]
    with: { path: "${source}", target: "${replica}" }
  - id: report
    kind: shell
    needs: [replicate]
    with: { argv: [sh, -c, "echo replica is fresh"] }
`;

describe("DR console", () => {
  test("a plan is written in the editor (invalid first), run now, and its graph turns green live; a task's log opens", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await logIn(page, node.password);
    await page.getByRole("navigation").getByRole("link", { name: "DR", exact: true }).click();
    await page.getByRole("heading", { name: "DR plans", level: 1 }).waitFor();
    await page.getByText("No plans yet").waitFor();
    await page.getByRole("link", { name: "+ New plan" }).click();
    const yaml = page.locator("#plan-yaml");
    await yaml.waitFor();
    // The template is valid as it comes.
    await page.getByText(/The plan is valid \(\d+ tasks\)/).waitFor();

    await yaml.fill(`id: e2e-copy\ntasks:\n  - id: a\n    kind: teleport\n  - id: b\n    kind: shell\n    needs: [ghost]\n    with: { argv: [true] }\n`);
    const problems = page.getByTestId("plan-validation").getByRole("alert");
    await problems.getByText('unknown task kind "teleport"', { exact: false }).waitFor();
    expect(await problems.textContent()).toContain("line 4,");
    expect(await problems.textContent()).toContain('needs "ghost", but the plan has no task with that id');
    expect(await page.getByRole("button", { name: "Save plan" }).isDisabled()).toBe(true);
    await shot(page, "dr-editor-invalid");

    await yaml.fill(goodPlan("30m"));
    await page.getByText("The plan is valid (3 tasks).").waitFor();
    // The form follows the YAML, and the YAML follows the form.
    expect(await page.getByLabel("Schedule", { exact: true }).inputValue()).toBe("@daily");
    await page.getByLabel("Description").fill("copy the ledger to the replica site");
    expect(await yaml.inputValue()).toContain("description: copy the ledger to the replica site");
    await page.getByRole("button", { name: "Save plan" }).click();
    await page.waitForURL(/\/dr\/plans\/e2e-copy$/);
    await page.getByRole("heading", { name: "Plan e2e-copy" }).waitFor();

    await page.getByRole("button", { name: "Run now" }).click();
    await page.getByRole("button", { name: "Start the run" }).click();
    await page.waitForURL(/\/dr\/runs\/\d+$/);
    const box = (id: string) => page.getByTestId(`dag-task-${id}`);
    // Seen running, then green, with no reload in between.
    await page.locator('[data-testid="dag-task-prepare"][data-state="running"]').waitFor();
    await page.locator('[data-testid="dag-task-replicate"][data-state="queued"]').waitFor();
    await shot(page, "dr-run-running");
    for (const id of ["prepare", "replicate", "report"]) await page.locator(`[data-testid="dag-task-${id}"][data-state="success"]`).waitFor({ timeout: 30_000 });
    await page.getByTestId("run-state").getByText("Succeeded").waitFor();
    expect(fs.readFileSync(path.join(replica, "ledger.txt"), "utf8")).toBe("day 1\n");

    await box("prepare").click();
    const log = page.getByTestId("task-log");
    await log.getByText(/\d preparing the copy$/).waitFor();
    await log.getByText(/\d prepared$/).waitFor();
    await shot(page, "dr-run-success");

    await page.getByRole("link", { name: "Plans" }).click();
    await page.locator('[data-testid="plan-rpo-e2e-copy"][data-tone="good"]').waitFor();
    expect(await page.getByTestId("plan-last-e2e-copy").textContent()).toContain("Succeeded");
    await shot(page, "dr-plans");
    expect(errors).toEqual([]);
    await context.close();
  });

  test("RPO goes green, amber, red with the clock; a broken task turns the run red and mails the failure to a real SMTP server", async () => {
    await callApi(node, "secrets.setSmtp", { host: "127.0.0.1", port: smtp.port, secure: false, from: "ferry@example.com" }, "mutation");
    const { page, context, errors } = await openConsole(browser, node.url);
    await logIn(page, node.password, { next: "/dr/plans/e2e-copy" });
    const yaml = page.locator("#plan-yaml");
    await yaml.waitFor();
    await yaml.fill(
      goodPlan("4s") +
        `  - id: alert
    kind: notify.email
    needs: [replicate]
    trigger: one_failed
    with: { to: oncall@example.com }
`,
    );
    await page.getByText("The plan is valid (4 tasks).").waitFor();
    await page.getByRole("button", { name: "Save plan" }).click();
    await page.getByText("Saved as version 2.").waitFor();
    // The history shows what changed.
    const diff = page.locator("#plan-history pre");
    await diff.locator('[data-op="add"]', { hasText: "kind: notify.email" }).waitFor();
    await diff.locator('[data-op="del"]', { hasText: "rpo: 30m" }).waitFor();
    await shot(page, "dr-plan");

    // A fresh copy: green, then amber past 4 s, without a reload.
    const run = await callApi<{ id: number }>(node, "runs.start", { planId: "e2e-copy" }, "mutation");
    await page.goto("/dr");
    const rpo = (tone: string) => page.locator(`[data-testid="plan-rpo-e2e-copy"][data-tone="${tone}"]`);
    await page.locator(`[data-testid="plan-last-e2e-copy"][href="/dr/runs/${run.id}"]`, { hasText: "Succeeded" }).waitFor({ timeout: 30_000 });
    await rpo("good").waitFor();
    await rpo("warn").waitFor({ timeout: 10_000 });
    await shot(page, "dr-plans-amber");

    // Then the source disappears: the copy fails, the alert task mails on-call, RPO turns red.
    fs.rmSync(source, { recursive: true });
    await page.getByRole("button", { name: "Run now" }).click();
    await page.getByRole("button", { name: "Start the run" }).click();
    await page.waitForURL(/\/dr\/runs\/\d+$/);
    await page.locator('[data-testid="dag-task-replicate"][data-state="failed"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="dag-task-report"][data-state="upstream_failed"]').waitFor();
    await page.locator('[data-testid="dag-task-alert"][data-state="success"]').waitFor({ timeout: 30_000 });
    await page.getByTestId("run-state").getByText("Failed").waitFor();

    await expect.poll(() => smtp.mails.filter((m) => m.to.includes("oncall@example.com")).length, { timeout: 30_000 }).toBe(1);
    const mail = smtp.mails.find((m) => m.to.includes("oncall@example.com"))!;
    expect(mail.raw).toMatch(/Subject: \[ferry\] plan e2e-copy run #\d+: \d task\(s\) failed/);
    expect(mail.raw).toMatch(/replicate: failed/);
    await page.getByRole("button", { name: "replicate", exact: true }).click();
    await page.getByTestId("task-log").getByText(/rsync/).first().waitFor();
    await shot(page, "dr-run-failed");

    await page.getByRole("link", { name: "Plans" }).click();
    await rpo("bad").waitFor({ timeout: 15_000 });
    await page.getByTestId("plan-last-e2e-copy").filter({ hasText: "Failed" }).waitFor();

    // Runs grid: the runs side by side, the failed cell red; the filter hides the failed run.
    await page.getByRole("link", { name: "Runs" }).click();
    const grid = page.getByTestId("runs-grid");
    await grid.waitFor();
    expect(await grid.locator('[data-state="failed"]').count()).toBeGreaterThanOrEqual(2);
    await shot(page, "dr-runs-grid");
    await page.getByLabel("Run state").selectOption("success");
    await page.waitForFunction(() => !document.querySelector('[data-testid^="grid-run-"][data-state="failed"]'));

    // The dashboard's DR panel: the breached RPO and the failed run of the last day.
    await page.getByRole("navigation").getByRole("link", { name: "Dashboard" }).click();
    await page.locator('[data-testid="dr-worst-rpo-badge"][data-tone="bad"]').waitFor();
    expect(await page.getByTestId("dr-worst-rpo").textContent()).toContain("e2e-copy");
    await page.getByTestId("dr-failed-day").getByText("1", { exact: true }).waitFor();
    await shot(page, "dr-dashboard");

    // Alerts: a test mail through the saved SMTP server; a secret is listed by name, its value never comes back.
    await page.goto("/dr/alerts");
    await page.getByLabel("Send a test mail to").fill("test@example.com");
    await page.getByRole("button", { name: "Send a test" }).first().click();
    await page.getByText("The SMTP server accepted the test mail for test@example.com.").waitFor();
    await expect.poll(() => smtp.mails.filter((m) => m.to.includes("test@example.com")).length).toBe(1);
    await page.getByRole("textbox", { name: "Secret name", exact: true }).fill("restic-password");
    await page.getByRole("textbox", { name: "Value", exact: true }).fill("hunter2-very-secret");
    await page.getByRole("button", { name: "Save secret" }).click();
    await page.getByTestId("secret-restic-password").waitFor();
    expect(await page.content()).not.toContain("hunter2-very-secret");
    expect(JSON.stringify(await callApi(node, "secrets.list"))).not.toContain("hunter2");
    await shot(page, "dr-alerts");
    expect(errors).toEqual([]);
    await context.close();
  });
  test("a failed task is retried with its downstream from the run's page: only those run again, the boxes turn green without reload", async () => {
    const flag = path.join(work, "approval.txt");
    const prepared = path.join(work, "prepared.log");
    const published = path.join(work, "published.txt");
    await callApi(
      node,
      "plans.applyPlan",
      {
        source: `id: e2e-retry
tasks:
  - id: prepare
    kind: shell
    with: { argv: [sh, -c, "echo ran >> ${prepared}"] }
  - id: check
    kind: shell
    needs: [prepare]
    with: { argv: [sh, -c, "sleep 1; cat ${flag}"] }
  - id: publish
    kind: shell
    needs: [check]
    with: { argv: [sh, -c, "cp ${flag} ${published}"] }
`,
      },
      "mutation",
    );
    const run = await callApi<{ id: number }>(node, "runs.start", { planId: "e2e-retry" }, "mutation");
    const { page, context, errors } = await openConsole(browser, node.url);
    await logIn(page, node.password, { next: `/dr/runs/${run.id}` });
    const state = (id: string, s: string) => page.locator(`[data-testid="dag-task-${id}"][data-state="${s}"]`);
    await state("check", "failed").waitFor({ timeout: 30_000 });
    await state("publish", "upstream_failed").waitFor();
    await page.getByTestId("run-state").getByText("Failed").waitFor();
    // Only the failed task offers a retry; the one that succeeded and the blocked one do not.
    expect(await page.getByRole("button", { name: "Retry with downstream" }).count()).toBe(1);
    // A marker on the window survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { ferryNoReload: boolean }).ferryNoReload = true));

    fs.writeFileSync(flag, "approved by ops\n");
    await page.getByTestId("run-task-check").getByRole("button", { name: "Retry with downstream" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Retry with downstream" });
    expect(await dialog.textContent()).toContain("Run check again, and with it the tasks that depend on it: check, publish.");
    await shot(page, "dr-retry-confirm");
    await dialog.getByRole("button", { name: "Retry these tasks" }).click();
    await page.getByTestId("run-state").getByText("Running").waitFor();
    await state("check", "running").waitFor();
    await state("publish", "queued").waitFor();
    await state("check", "success").waitFor({ timeout: 30_000 });
    await state("publish", "success").waitFor({ timeout: 30_000 });
    await page.getByTestId("run-state").getByText("Succeeded").waitFor();
    // The log tail follows the new attempt; the first one is still there to pick.
    const log = page.getByTestId("task-log");
    await log.getByText(/\d approved by ops$/).waitFor();
    await log.getByRole("button", { name: /attempt 1 · failed/ }).click();
    await log.getByText(/No such file or directory/).waitFor();
    expect(await page.getByTestId("run-task-check").locator("td").nth(2).textContent()).toBe("2");
    expect(await page.getByTestId("run-task-prepare").locator("td").nth(2).textContent()).toBe("1");
    expect(await page.evaluate(() => (window as unknown as { ferryNoReload?: boolean }).ferryNoReload)).toBe(true);
    await shot(page, "dr-retry-done");
    // On disk: the downstream task ran, the upstream one did not run again.
    expect(fs.readFileSync(published, "utf8")).toBe("approved by ops\n");
    expect(fs.readFileSync(prepared, "utf8")).toBe("ran\n");
    expect(errors).toEqual([]);
    await context.close();
  });
});
