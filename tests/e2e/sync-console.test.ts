import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, logIn, openConsole, type ConsolePage } from "../support/browser";
import { callApi, startNode, type NodeProcess } from "../support/node-process";

// Two real nodes on loopback, driven through their consoles in Chromium, the way an operator
// pairs devices, shares a folder, watches changes arrive, resolves a conflict and reverts.
let alpha: NodeProcess;
let beta: NodeProcess;
let browser: Browser;
let a: ConsolePage;
let b: ConsolePage;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-sync-"));
const alphaDocs = path.join(work, "alpha-docs");
const betaDocs = path.join(work, "beta-docs");

async function listenAddress(node: NodeProcess): Promise<string> {
  const status = await callApi<{ addresses: { listen: string[] } }>(node, "system.status");
  return status.addresses.listen[0];
}

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null);
const conflictCopies = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes(".sync-conflict-"));

async function go(page: Page, url: string, heading: string | RegExp) {
  await page.goto(url);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

beforeAll(async () => {
  // One after the other: the first start may build the console, and two builds at once collide.
  alpha = await startNode();
  beta = await startNode();
  await callApi(alpha, "settings.update", { deviceName: "alpha" }, "mutation");
  await callApi(beta, "settings.update", { deviceName: "beta" }, "mutation");
  fs.mkdirSync(alphaDocs, { recursive: true });
  fs.writeFileSync(path.join(alphaDocs, "report.txt"), "quarterly report\nline two\n");
  fs.writeFileSync(path.join(alphaDocs, "shared.txt"), "base version\n");
  browser = await launchBrowser();
  a = await openConsole(browser, alpha.url);
  b = await openConsole(browser, beta.url);
  await logIn(a.page, alpha.password);
  await logIn(b.page, beta.password);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([alpha?.stop(), beta?.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
});

describe("sync console", () => {
  test("pairs two devices: a mistyped ID is refused on the spot, then the other side accepts the pending request", async () => {
    const { page } = a;
    await go(page, "/devices", "Devices");
    await page.getByRole("button", { name: "+ Add device" }).click();
    const idBox = page.getByRole("textbox", { name: "Device ID" });
    // Break the check character that ends display group 2 (index 14 of the dashed form).
    const typo = beta.deviceId.slice(0, 14) + (beta.deviceId[14] === "A" ? "B" : "A") + beta.deviceId.slice(15);
    await idBox.fill(typo);
    await page.getByTestId("device-id-check").filter({ hasText: /Check character in group 2 is “.”, expected “.”/ }).waitFor();
    expect(await page.getByRole("button", { name: "Add device", exact: true }).isDisabled()).toBe(true);

    await idBox.fill(beta.deviceId);
    await page.getByTestId("device-id-check").filter({ hasText: "Valid device ID." }).waitFor();
    await page.getByLabel("Name").fill("beta");
    await page.getByLabel("Addresses").fill(await listenAddress(beta));
    await page.getByRole("button", { name: "Add device", exact: true }).click();
    await page.getByTestId("device").filter({ hasText: "beta" }).waitFor();

    // Beta's console shows alpha's request without a reload.
    const bp = b.page;
    await go(bp, "/devices", "Devices");
    const request = bp.getByTestId("pending-device").filter({ hasText: alpha.deviceId });
    await request.waitFor({ timeout: 30_000 });
    expect(await request.textContent()).toContain("“alpha”");
    await request.getByRole("button", { name: "Accept" }).click();
    expect(await bp.getByRole("textbox", { name: "Device ID" }).inputValue()).toBe(alpha.deviceId);
    await bp.getByLabel("Name").fill("alpha");
    await bp.getByTestId("device-id-check").filter({ hasText: "Valid device ID." }).waitFor();
    await bp.getByRole("button", { name: "Add device", exact: true }).click();

    // Both consoles see the connection, with the peer's client and version.
    const alphaOnBeta = bp.getByTestId("device").filter({ hasText: "alpha" });
    await alphaOnBeta.getByText("Connected", { exact: true }).waitFor({ timeout: 30_000 });
    expect(await alphaOnBeta.getByTestId("device-client").textContent()).toMatch(/^Ferry v\d/);
    await page.getByTestId("device").filter({ hasText: "beta" }).getByText("Connected", { exact: true }).waitFor({ timeout: 30_000 });
    expect(await bp.getByTestId("pending-device").count()).toBe(0);
    await bp.screenshot({ path: "/tmp/ferry-devices.png", fullPage: true });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  test("shares a folder through the pending-folder prompt and the files arrive on disk", async () => {
    await callApi(alpha, "folders.add", { id: "docs", label: "Documents", path: alphaDocs, devices: [beta.deviceId] }, "mutation");
    const { page } = b;
    await go(page, "/folders", "Folders");
    const offer = page.getByTestId("pending-folder").filter({ hasText: "Documents" });
    await offer.waitFor({ timeout: 30_000 });
    expect(await offer.textContent()).toContain("alpha offers “Documents (docs)”");
    await offer.getByRole("button", { name: "Accept" }).click();
    await offer.getByLabel("Keep it at").fill(betaDocs);
    await offer.getByRole("button", { name: "Add and sync" }).click();

    const row = page.getByTestId("folder-row").filter({ hasText: "Documents" });
    await row.getByTestId("folder-state").filter({ hasText: "Up to date" }).waitFor({ timeout: 60_000 });
    expect(read(path.join(betaDocs, "report.txt"))).toBe("quarterly report\nline two\n");
    expect(read(path.join(betaDocs, "shared.txt"))).toBe("base version\n");
    expect(await page.getByTestId("pending-folder").count()).toBe(0);
    await page.screenshot({ path: "/tmp/ferry-folders.png", fullPage: true });
    expect(b.errors).toEqual([]);
  });

  test("a file created on one node appears in the other's recent changes without a reload", async () => {
    const { page } = b;
    await go(page, "/changes", "Recent changes");
    await page.getByTestId("change-row").first().waitFor();
    const navigations: string[] = [];
    page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));

    fs.writeFileSync(path.join(alphaDocs, "live-note.txt"), "written on alpha\n");
    await callApi(alpha, "folders.rescan", { id: "docs" }, "mutation");
    const row = page.getByTestId("change-row").filter({ hasText: "live-note.txt" });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain("alpha");
    expect(await row.textContent()).toContain("Updated");
    expect(read(path.join(betaDocs, "live-note.txt"))).toBe("written on alpha\n");
    expect(navigations).toEqual([]);
    await page.screenshot({ path: "/tmp/ferry-changes.png", fullPage: true });
    expect(b.errors).toEqual([]);
  });

  test("a conflict shows up live, is reviewed side by side and resolved from the screen; both disks agree", async () => {
    const { page } = b;
    await go(page, "/conflicts", "Conflicts");
    // Cut the link, change the same file on both sides, reconnect: Syncthing's rule picks the newer
    // edit (alpha's) and beta keeps its own as a conflict copy.
    await callApi(alpha, "devices.update", { deviceId: beta.deviceId, paused: true }, "mutation");
    await callApi(beta, "devices.update", { deviceId: alpha.deviceId, paused: true }, "mutation");
    const betaFile = path.join(betaDocs, "shared.txt");
    const alphaFile = path.join(alphaDocs, "shared.txt");
    fs.writeFileSync(betaFile, "beta's edit\nkeep me\n");
    const past = new Date(Date.now() - 120_000);
    fs.utimesSync(betaFile, past, past);
    fs.writeFileSync(alphaFile, "alpha's edit\n");
    await callApi(beta, "folders.rescan", { id: "docs", wait: true }, "mutation");
    await callApi(alpha, "folders.rescan", { id: "docs", wait: true }, "mutation");
    await callApi(alpha, "devices.update", { deviceId: beta.deviceId, paused: false }, "mutation");
    await callApi(beta, "devices.update", { deviceId: alpha.deviceId, paused: false }, "mutation");

    // The nav badge and the list follow without a reload.
    await page.getByTestId("conflict-count").filter({ hasText: "1" }).waitFor({ timeout: 60_000 });
    const row = page.getByTestId("conflict-row").filter({ hasText: "shared.txt" });
    await row.waitFor();
    await row.getByRole("link", { name: "shared.txt" }).click();
    await page.getByRole("heading", { level: 1, name: "shared.txt" }).waitFor();
    expect(await page.getByTestId("side-current").textContent()).toContain("alpha's edit");
    expect(await page.getByTestId("side-copy").textContent()).toContain("beta's edit");
    expect(await page.getByTestId("diff").textContent()).toContain("keep me");
    await page.screenshot({ path: "/tmp/ferry-conflict.png", fullPage: true });

    await page.getByRole("button", { name: "Keep conflict copy" }).click();
    await page.getByRole("alertdialog").getByText("Replace shared.txt by the conflict copy, on every device?").waitFor();
    await page.getByRole("button", { name: "Yes, use the copy" }).click();
    await page.waitForURL(/\/conflicts\?resolved=/);
    await page.getByText("No open conflicts").waitFor();
    expect(await page.getByTestId("conflict-count").count()).toBe(0);

    // Beta's version is now the file on both machines, and no conflict copy is left on either.
    expect(read(betaFile)).toBe("beta's edit\nkeep me\n");
    await until("alpha to receive the resolution", () => read(alphaFile) === "beta's edit\nkeep me\n" && conflictCopies(alphaDocs).length === 0);
    expect(conflictCopies(betaDocs)).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  test("a receive-only replica's local change is listed and reverted from the button", async () => {
    const { page } = b;
    await go(page, "/folders/docs", /Documents/);
    await page.getByLabel("Type").selectOption("receiveonly");
    await page.getByRole("button", { name: "Change type" }).click();
    await page.getByRole("button", { name: "Yes, change" }).click();
    await page.locator("#local-changes").waitFor();

    const file = path.join(betaDocs, "report.txt");
    fs.writeFileSync(file, "edited on the replica by mistake\n");
    await callApi(beta, "folders.rescan", { id: "docs", wait: true }, "mutation");
    const item = page.getByTestId("changed-item").filter({ hasText: "report.txt" });
    await item.waitFor({ timeout: 30_000 });
    expect(await item.textContent()).toContain("Modified");

    await page.getByRole("button", { name: "Revert local changes" }).click();
    await page.getByRole("alertdialog").getByText(/Revert\? 1 changed or deleted items get the cluster's version back, and 0 files added here/).waitFor();
    await page.getByRole("button", { name: "Yes, revert" }).click();
    await until("the cluster's version back on disk", () => read(file) === "quarterly report\nline two\n");
    await page.getByText("No local changes: this folder matches the cluster.").waitFor({ timeout: 30_000 });
    expect(read(path.join(alphaDocs, "report.txt"))).toBe("quarterly report\nline two\n");
    await page.screenshot({ path: "/tmp/ferry-folder.png", fullPage: true });
    expect(b.errors).toEqual([]);
  });

  test("the dashboard links each health number to its page, and the screens read in Russian", async () => {
    const { page } = a;
    await go(page, "/", "Dashboard");
    const devices = page.getByTestId("health-devices");
    await devices.filter({ hasText: "1 / 1" }).waitFor({ timeout: 30_000 });
    await page.getByTestId("health-folders").filter({ hasText: "1 / 1" }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("health-conflicts").textContent()).toContain("0");
    await devices.click();
    await page.getByRole("heading", { level: 1, name: "Devices" }).waitFor();
    await page.screenshot({ path: "/tmp/ferry-dashboard-health.png", fullPage: true });

    await page.getByRole("button", { name: "RU" }).click();
    await page.getByRole("heading", { level: 1, name: "Устройства" }).waitFor();
    await page.getByTestId("device").getByText("Подключено", { exact: true }).first().waitFor();
    await page.getByRole("link", { name: "Папки" }).click();
    await page.getByRole("heading", { level: 1, name: "Папки" }).waitFor();
    await page.getByTestId("folder-state").filter({ hasText: "Актуальна" }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: "/tmp/ferry-folders-ru.png", fullPage: true });
    await page.getByRole("button", { name: "EN" }).click();
    expect(a.errors).toEqual([]);
  });
});
