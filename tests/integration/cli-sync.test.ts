/**
 * Two node processes paired entirely through the `ferry` CLI (bin/ferry.mjs --home): devices,
 * pending requests, folders, a file that syncs, and errors on stderr with a non-zero exit.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startNode, type NodeProcess } from "../support/node-process";
import { waitFor } from "../support/sync-nodes";

let one: NodeProcess;
let two: NodeProcess;
let addrOne: string;
let addrTwo: string;
let dirOne: string;
let dirTwo: string;

const listenOf = (n: NodeProcess) => /sync listening on (tcp:\/\/[\d.]+:\d+)/.exec(n.log())![1];

/** Runs the CLI against a node's home; async so the test process stays responsive. */
function ferry(node: NodeProcess, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/ferry.mjs"), "--home", node.home, ...args], { cwd: ROOT, env: { ...process.env, FERRY_HOME: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(node: NodeProcess, ...args: string[]): Promise<string> {
  const r = await ferry(node, ...args);
  if (r.code !== 0) throw new Error(`ferry ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  expect(r.stderr).toBe("");
  return r.stdout;
}

beforeAll(async () => {
  one = await startNode();
  two = await startNode();
  addrOne = listenOf(one);
  addrTwo = listenOf(two);
  dirOne = path.join(one.home, "docs");
  dirTwo = path.join(two.home, "docs-from-one");
}, 300_000);

afterAll(async () => {
  await one?.stop();
  await two?.stop();
});

describe("the ferry CLI against two running nodes", () => {
  it("prints each node's device ID", async () => {
    expect((await ok(one, "id")).trim()).toBe(one.deviceId);
    expect((await ok(two, "id")).trim()).toBe(two.deviceId);
  });

  it("pairs the nodes: device add on one, the pending device on two, accepted there", async () => {
    expect(await ok(one, "device", "add", two.deviceId, "--name", "two", "--address", addrTwo)).toBe(`added ${two.deviceId} (two)\n`);
    // One dials two; two does not know it yet and records it as pending.
    let pending = "";
    await waitFor(async () => (pending = await ok(two, "pending")).includes(one.deviceId), "one pending on two", 60_000);
    expect(pending).toMatch(new RegExp(`^device ${one.deviceId} .* from tcp://127\\.0\\.0\\.1:\\d+`, "m"));
    expect(await ok(two, "device", "add", one.deviceId, "--name", "one", "--address", addrOne)).toBe(`added ${one.deviceId} (one)\n`);
    expect(await ok(two, "pending")).toBe("nothing pending\n");
    await waitFor(async () => /connected tcp:/.test(await ok(one, "device", "list")) && /connected tcp:/.test(await ok(two, "device", "list")), "connected both ways", 60_000);
    const list = await ok(one, "device", "list");
    expect(list).toMatch(new RegExp(`^${two.deviceId}\\s+two\\s+connected tcp://127\\.0\\.0\\.1:\\d+ ferry v`, "m"));
  });

  it("shares a folder: folder add and share on one, accept-folder on two, a file syncs", async () => {
    fs.mkdirSync(dirOne, { recursive: true });
    fs.writeFileSync(path.join(dirOne, "readme.txt"), "hello from one\n");
    expect(await ok(one, "folder", "add", "docs", dirOne, "--label", "Docs")).toBe(`added folder docs (sendreceive) at ${dirOne}\n`);
    expect(await ok(one, "folder", "share", "docs", two.deviceId)).toBe("folder docs shared with 1 device(s)\n");
    let pending = "";
    await waitFor(async () => (pending = await ok(two, "pending")).includes("folder docs"), "folder offer on two", 60_000);
    expect(pending).toContain(`folder docs (Docs, sendreceive) offered by ${one.deviceId}`);
    expect(await ok(two, "pending", "accept-folder", "docs", one.deviceId, dirTwo)).toBe(`accepted folder docs at ${dirTwo}\n`);
    await waitFor(() => fs.existsSync(path.join(dirTwo, "readme.txt")), "readme.txt on two", 60_000);
    expect(fs.readFileSync(path.join(dirTwo, "readme.txt"), "utf8")).toBe("hello from one\n");
    // A later file, announced by an explicit rescan.
    fs.writeFileSync(path.join(dirOne, "later.txt"), "rescanned\n");
    expect(await ok(one, "folder", "rescan", "docs", "--wait")).toBe("rescan of docs done\n");
    await waitFor(() => fs.existsSync(path.join(dirTwo, "later.txt")), "later.txt on two", 60_000);
    expect(fs.readFileSync(path.join(dirTwo, "later.txt"), "utf8")).toBe("rescanned\n");
    await waitFor(async () => /^docs\s+sendreceive\s+idle\s+2 files, need 0/m.test(await ok(two, "folder", "list")), "folder list on two shows the files", 30_000);
    expect(await ok(two, "pending")).toBe("nothing pending\n");
  });

  it("reports errors on stderr with a non-zero exit and changes nothing", async () => {
    // Flip the first check character (the 14th of the 56) to another valid base32 letter.
    const plain = two.deviceId.replaceAll("-", "");
    const typo = plain.slice(0, 13) + (plain[13] === "A" ? "B" : "A") + plain.slice(14);
    const bad = await ferry(one, "device", "add", typo);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/^ferry: .*check character 1 .*typo/m);

    const unknown = await ferry(one, "folder", "rescan", "no-such-folder");
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toMatch(/^ferry: .*no folder no-such-folder/m);

    const share = await ferry(one, "folder", "share", "no-such-folder", two.deviceId);
    expect(share.code).not.toBe(0);
    expect(share.stderr).toMatch(/no-such-folder/);

    const usage = await ferry(one, "device", "frobnicate");
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toMatch(/usage: ferry device/);

    // Nothing changed: still one device on one, one folder.
    const devices = await ok(one, "device", "list");
    expect(devices.trim().split("\n")).toHaveLength(1);
    expect((await ok(one, "folder", "list")).trim().split("\n")).toHaveLength(1);
  });

  it("device remove drops the device and its connection", async () => {
    expect(await ok(one, "device", "remove", two.deviceId)).toBe(`removed ${two.deviceId}\n`);
    expect(await ok(one, "device", "list")).toBe("no devices\n");
    await waitFor(async () => !/connected tcp:/.test(await ok(two, "device", "list")), "two sees the connection gone", 30_000);
    const again = await ferry(one, "device", "remove", two.deviceId);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/no device/);
  });
});
