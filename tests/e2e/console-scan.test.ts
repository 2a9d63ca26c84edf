import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, logIn, openConsole, type ConsolePage } from "../support/browser";
import { callApi, startNode, type NodeProcess } from "../support/node-process";

// Item 8, the functional half: while a folder of a few thousand files is scanned, every console
// page still loads and shows its data, and the folder ends up "Up to date" with every file
// counted. How fast is the benchmark's business (`npm run bench -- --only=console`), not this test's.
const FILES = 5000;
const DIRS = 50;
let node: NodeProcess;
let browser: Browser;
let con: ConsolePage;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-scan-"));
const data = path.join(work, "data");

async function folderState(): Promise<string> {
  const folders = await callApi<{ id: string; state: string }[]>(node, "folders.list");
  return folders.find((f) => f.id === "big")?.state ?? "missing";
}

beforeAll(async () => {
  for (let d = 0; d < DIRS; d++) {
    const dir = path.join(data, `dir-${String(d).padStart(2, "0")}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES / DIRS; f++) fs.writeFileSync(path.join(dir, `file-${f}.txt`), `${d}/${f}\n`);
  }
  node = await startNode();
  browser = await launchBrowser();
  con = await openConsole(browser, node.url);
  await logIn(con.page, node.password);
});

afterAll(async () => {
  await browser?.close();
  await node?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("console while a folder of 5,000 files is scanned", () => {
  test("every page shows its data during the scan and the folder ends up to date with every file", { timeout: 300_000 }, async () => {
    const page = con.page;
    await callApi(node, "folders.add", { id: "big", label: "Big", path: data, fsWatcherEnabled: false }, "mutation");

    // Every state pill shown on the way (folder page and folder list) must be one a scan passes through.
    const seen: string[] = [];
    const note = async () => {
      const text = (await page.getByTestId("folder-state").first().textContent())?.trim() ?? "";
      if (seen.at(-1) !== text) seen.push(text);
      return text;
    };
    // While the scan runs (as long as it lasts): each page, waiting for what shows only with its data.
    const during: string[] = [];
    const pages: [string, () => Promise<unknown>][] = [
      ["/folders/big", () => page.getByTestId("folder-state").waitFor().then(note)],
      ["/", () => page.getByTestId("health-folders").waitFor()],
      ["/folders", () => page.locator("[data-testid=folder-row][data-folder-id=big]").waitFor().then(note)],
      ["/devices", () => page.getByTestId("device-id").first().waitFor()],
      ["/changes", () => page.getByTestId("change-row").or(page.getByText("No changes yet.")).first().waitFor()],
    ];
    for (const [url, shown] of pages) {
      during.push(`${url} (${await folderState()})`);
      await page.goto(url);
      await shown();
    }

    // The folder page until the scan is done: "Up to date", and the Local tile counts every file.
    await page.goto("/folders/big");
    await expect.poll(note, { timeout: 120_000, interval: 100 }).toBe("Up to date");
    for (const s of seen) expect(s, `states shown: ${seen.join(" → ")}`).toMatch(/^(Scanning( \d+ %)?|Up to date)$/);
    // The Local tile (the label's parent): files, bytes and directories the scan found.
    const local = page.getByText("Local", { exact: true }).first().locator("xpath=..");
    await expect.poll(() => local.textContent()).toContain("5,000");
    expect(await local.textContent()).toContain(`${DIRS} dirs`);

    // Every page again, now with the finished folder in it.
    await page.goto("/");
    await expect.poll(() => page.getByTestId("health-folders").textContent()).toContain("1 / 1");
    await page.goto("/folders");
    const row = page.locator("[data-testid=folder-row][data-folder-id=big]");
    await expect.poll(() => row.textContent()).toContain("Up to date");
    expect(await row.textContent()).toContain("5,000");
    await page.goto("/devices");
    await expect.poll(() => page.getByTestId("device-id").first().textContent()).toContain(node.deviceId.slice(0, 7));
    await page.goto("/changes");
    await page.getByTestId("change-row").or(page.getByText("No changes yet.")).first().waitFor();

    console.log(`console-scan: pages loaded (folder state when each began): ${during.join(", ")}; folder states shown: ${seen.join(" → ")}`);
    expect(con.errors).toEqual([]);
  });
});
