import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, logIn, openConsole } from "../support/browser";
import { callApi, startNode, type NodeProcess } from "../support/node-process";

let primary: NodeProcess;
let replica: NodeProcess;
let browser: Browser;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-failover-e2e-"));
const dirA = path.join(work, "a");
const dirB = path.join(work, "b");
const listenOf = (n: NodeProcess) => [...n.log().matchAll(/sync listening on (tcp:\/\/[\d.]+:\d+)/g)].at(-1)![1];

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  fs.mkdirSync(dirA);
  fs.mkdirSync(dirB);
  fs.writeFileSync(path.join(dirA, "orders.csv"), "id,total\n1,10\n");
  [primary, replica, browser] = await Promise.all([startNode({ timeoutMs: 570_000 }), startNode({ timeoutMs: 570_000 }), launchBrowser()]);
  await callApi(primary, "settings.update", { deviceName: "site-a" }, "mutation");
  await callApi(replica, "settings.update", { deviceName: "site-b" }, "mutation");
  await callApi(primary, "devices.add", { deviceId: replica.deviceId, name: "site-b", addresses: [listenOf(replica)] }, "mutation");
  await callApi(replica, "devices.add", { deviceId: primary.deviceId, name: "site-a", addresses: [listenOf(primary)] }, "mutation");
  await callApi(primary, "folders.add", { id: "orders", label: "Orders", path: dirA, devices: [replica.deviceId], fsWatcherDelayS: 0.2 }, "mutation");
  await callApi(replica, "folders.add", { id: "orders", label: "Orders", path: dirB, type: "receiveonly", devices: [primary.deviceId], fsWatcherDelayS: 0.2 }, "mutation");
  await until(() => fs.existsSync(path.join(dirB, "orders.csv")));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([primary?.stop(), replica?.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
});

describe("failover page", () => {
  test("promotes the replica behind a typed confirmation; the disk and the other node's console follow", async () => {
    const b = await openConsole(browser, replica.url);
    await logIn(b.page, replica.password, { next: "/failover" });
    const card = b.page.locator("#failover-orders");
    await card.waitFor();
    await b.page.getByTestId("failover-readiness-orders").waitFor();
    expect(await b.page.getByTestId("failover-epoch-orders").textContent()).toBe("0");
    // The failover page belongs to the DR section of the navigation.
    const nav = b.page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "DR", exact: true }).getAttribute("aria-current")).toBe("page");
    await b.page.screenshot({ path: "/tmp/ferry-shots/dr-failover-before.png", fullPage: true });

    await card.getByRole("button", { name: "Promote this node" }).click();
    const confirm = card.getByRole("button", { name: "Promote", exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await card.getByLabel("Folder ID").fill("order");
    expect(await confirm.isDisabled()).toBe(true);
    await card.getByLabel("Folder ID").fill("orders");
    await confirm.click();
    const result = b.page.getByTestId("failover-result-orders");
    await result.getByText("orders is now primary on this node.").waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(/Measured RTO:\s*\d/);
    await b.page.getByTestId("failover-epoch-orders").filter({ hasText: "1" }).waitFor();
    await b.page.getByTestId("failover-primary-orders").getByText("primary here").waitFor();
    await b.page.screenshot({ path: "/tmp/ferry-shots/dr-failover-after.png", fullPage: true });

    // On disk: the new primary's change reaches the old one.
    fs.writeFileSync(path.join(dirB, "orders.csv"), "id,total\n1,10\n2,25\n");
    await until(() => fs.readFileSync(path.join(dirA, "orders.csv"), "utf8").includes("2,25"));

    // The other node's console names the new primary at the new epoch.
    const a = await openConsole(browser, primary.url);
    await logIn(a.page, primary.password, { next: "/failover" });
    await a.page.getByTestId("failover-primary-orders").filter({ hasText: "site-b" }).waitFor({ timeout: 30_000 });
    expect(await a.page.getByTestId("failover-epoch-orders").textContent()).toBe("1");
    await a.page.screenshot({ path: "/tmp/ferry-shots/dr-failover-other.png", fullPage: true });
    expect([...a.errors, ...b.errors]).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });
  test("fails back to the old primary from its console once it has everything: what the new primary wrote is not lost", async () => {
    // The new primary goes on writing after its promotion.
    fs.writeFileSync(path.join(dirB, "after-promotion.csv"), "id,total\n3,40\n");
    // And the old primary, now a replica, has a stray change of its own: failback must wait for it.
    fs.writeFileSync(path.join(dirA, "stray.txt"), "edited on the replica\n");

    const a = await openConsole(browser, primary.url);
    await logIn(a.page, primary.password, { next: "/failover" });
    const panel = a.page.getByTestId("failback-orders");
    await panel.getByText("This node was the primary of orders before site-b took over.", { exact: false }).waitFor({ timeout: 30_000 });
    const button = panel.getByRole("button", { name: "Fail back", exact: true });
    await panel.getByText("This node has 1 local change(s) of its own; revert them on the folder's page first.").waitFor({ timeout: 30_000 });
    expect(await button.isDisabled()).toBe(true);
    await a.page.screenshot({ path: "/tmp/ferry-shots/dr-failback-blocked.png", fullPage: true });

    await callApi(primary, "folders.revert", { id: "orders" }, "mutation");
    await panel.getByText("Ready: site-b is connected and this node has everything it has.").waitFor({ timeout: 60_000 });
    // Ready means A already holds what B wrote after its promotion.
    expect(fs.readFileSync(path.join(dirA, "after-promotion.csv"), "utf8")).toBe("id,total\n3,40\n");
    expect(fs.existsSync(path.join(dirA, "stray.txt"))).toBe(false);
    await button.click();
    await panel.getByRole("alertdialog").getByText("Make this node the primary of orders again? site-b becomes a receive-only replica; nothing is lost.").waitFor();
    await panel.getByRole("button", { name: "Fail back now" }).click();
    const result = a.page.getByTestId("failback-result-orders");
    await result.getByText("orders is primary on this node again; site-b is a receive-only replica now.").waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(/Measured RTO:\s*\d/);
    await a.page.getByTestId("failover-epoch-orders").filter({ hasText: "2" }).waitFor();
    await a.page.getByTestId("failover-primary-orders").getByText("primary here").waitFor();
    await a.page.screenshot({ path: "/tmp/ferry-shots/dr-failback-done.png", fullPage: true });
    // The run checked, at the moment it promoted, that A needed nothing from B.
    const [run] = await callApi<{ id: number; trigger: string; state: string }[]>(primary, "runs.list", { planId: "failback-orders" });
    expect(run).toMatchObject({ trigger: "failback", state: "success" });
    const shown = await callApi<{ logs: { line: string }[] }>(primary, "runs.show", { id: run.id });
    expect(shown.logs.map((l) => l.line)).toContain(`failback check: orders at epoch 1, primary ${replica.deviceId.slice(0, 7)}; this node needs 0 item(s) and has 0 local change(s)`);

    // B's console names A as primary at epoch 2, and B is a receive-only replica again.
    const b = await openConsole(browser, replica.url);
    await logIn(b.page, replica.password, { next: "/failover" });
    await b.page.getByTestId("failover-primary-orders").filter({ hasText: "site-a" }).waitFor({ timeout: 30_000 });
    expect(await b.page.getByTestId("failover-epoch-orders").textContent()).toBe("2");
    await b.page.getByTestId("failover-status-orders").getByText("Receive only").waitFor();
    // B, the primary before, is now the one offered a failback.
    await b.page.getByTestId("failback-orders").getByRole("button", { name: "Fail back", exact: true }).waitFor();
    await b.page.screenshot({ path: "/tmp/ferry-shots/dr-failback-other.png", fullPage: true });

    // On disk: A leads again; its change reaches B, and nothing of B's was set aside.
    fs.writeFileSync(path.join(dirA, "orders.csv"), "id,total\n1,10\n2,25\n4,55\n");
    await until(() => fs.readFileSync(path.join(dirB, "orders.csv"), "utf8").includes("4,55"));
    expect(fs.readFileSync(path.join(dirB, "after-promotion.csv"), "utf8")).toBe("id,total\n3,40\n");
    expect(fs.readdirSync(dirB).filter((f) => f.includes("sync-conflict"))).toEqual([]);
    expect([...a.errors, ...b.errors]).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
