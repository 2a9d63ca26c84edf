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
});
