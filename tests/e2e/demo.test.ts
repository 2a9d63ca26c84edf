import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, logIn, openConsole } from "../support/browser";
import { ROOT } from "../support/node-process";

// The demo (`npm run demo`) as a user runs it: three consoles on 8484-8486, paired, sharing a folder; Ctrl-C stops all.
let demo: ChildProcess;
let output = "";
let browser: Browser;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-e2e-demo-"));

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

beforeAll(async () => {
  // What `npm run demo` runs; spawned directly so that SIGINT reaches the demo as a Ctrl-C would
  // (npm in a pipe, without a terminal, does not pass it on).
  demo = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], { cwd: ROOT, env: { ...process.env, FERRY_DEMO_DIR: dir }, stdio: ["ignore", "pipe", "pipe"] });
  demo.stdout!.on("data", (d) => (output += d));
  demo.stderr!.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not come up:\n${output}`)), 280_000);
    const check = () => {
      if (output.includes("Ctrl-C stops all three.")) {
        clearTimeout(timer);
        resolve();
      }
    };
    demo.stdout!.on("data", check);
    demo.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${output}`));
    });
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    demo.kill("SIGINT");
    await new Promise((r) => demo.once("exit", r));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm run demo", () => {
  test("prints three consoles with passwords; each answers, and a replica holds the primary's sample files", async () => {
    const lines = [...output.matchAll(/node (\d) \((.+?)\)\s+(http:\/\/127\.0\.0\.1:\d+)\s+password (\S+)\s+folder (\S+)/g)];
    expect(lines.map((m) => m[3])).toEqual(["http://127.0.0.1:8484", "http://127.0.0.1:8485", "http://127.0.0.1:8486"]);
    expect(lines.map((m) => m[2])).toEqual(["primary, send & receive", "replica, receive only", "replica, receive only"]);
    for (const m of lines) {
      const res = await fetch(`${m[3]}/login`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("Ferry");
    }

    const [, , , , password3, folder3] = lines[2];
    const { page, errors, context } = await openConsole(browser, lines[2][3]);
    await logIn(page, password3);
    await page.goto("/folders");
    const row = page.getByTestId("folder-row").filter({ hasText: "Demo documents" });
    await row.getByTestId("folder-state").filter({ hasText: "Up to date" }).waitFor({ timeout: 60_000 });
    expect(await row.textContent()).toContain("Receive only");
    expect(fs.readFileSync(path.join(folder3, "README.md"), "utf8")).toContain("# Demo documents");
    expect(fs.readFileSync(path.join(folder3, "reports/capacity.csv"), "utf8")).toBe(fs.readFileSync(path.join(lines[0][5], "reports/capacity.csv"), "utf8"));
    await page.goto("/devices");
    await page.getByTestId("device").filter({ hasText: "node1-primary" }).getByText("Connected", { exact: true }).waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await context.close();
  });

  test("Ctrl-C stops all three nodes", async () => {
    demo.kill("SIGINT");
    const code = await new Promise<number | null>((r) => demo.once("exit", r));
    expect(code).toBe(0);
    for (const port of [8484, 8485, 8486, 22101, 22102, 22103]) expect(await portInUse(port)).toBe(false);
  });
});
