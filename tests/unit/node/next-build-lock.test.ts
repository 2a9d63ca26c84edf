/**
 * ensureNextBuild across processes, with a stand-in for `next build` that behaves like it where it
 * matters (it first deletes everything in .next but cache/, then takes a while, then writes
 * BUILD_ID): nodes started at once build once, and no start deletes a build another node serves.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureNextBuild } from "../../../server/next-build";

const ROOT = path.resolve(import.meta.dirname, "../../..");

const FAKE_BUILD = `
import fs from "node:fs";
import path from "node:path";
const [logFile, ms, mode] = process.argv.slice(2);
const dist = path.join(process.cwd(), ".next");
if (mode === "busy-once" && !fs.existsSync(logFile + ".busy")) {
  fs.writeFileSync(logFile + ".busy", "");
  // Next's own message, coloured as when FORCE_COLOR is set.
  console.error("\\x1b[31m⨯\\x1b[39m Another \\x1b[36mnext build\\x1b[39m process is already running.");
  process.exit(1);
}
fs.appendFileSync(logFile, "start " + process.pid + "\\n");
fs.mkdirSync(dist, { recursive: true });
for (const name of fs.readdirSync(dist)) if (name !== "cache") fs.rmSync(path.join(dist, name), { recursive: true, force: true });
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
if (mode === "fail") { console.error("Type error somewhere"); process.exit(1); }
fs.writeFileSync(path.join(dist, "BUILD_ID"), String(process.pid));
fs.appendFileSync(logFile, "end " + process.pid + "\\n");
`;

// One "node start": ensure the build, then use it for a while as a serving node does.
const NODE_START = `
import fs from "node:fs";
import path from "node:path";
import { ensureNextBuild } from ${JSON.stringify(path.join(ROOT, "server/next-build.ts"))};
const [root, fake, logFile] = process.argv.slice(2);
ensureNextBuild(root, (line) => console.log(line), { command: [process.execPath, fake, logFile, "3000"], pollMs: 100 });
const buildId = path.join(root, ".next", "BUILD_ID");
const id = fs.readFileSync(buildId, "utf8");
const until = Date.now() + 2500;
while (Date.now() < until) {
  if (!fs.existsSync(buildId) || fs.readFileSync(buildId, "utf8") !== id) {
    console.error("Could not find a production build (it was deleted under this node)");
    process.exit(3);
  }
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}
`;

let dir: string;
let root: string;
let fake: string;
let buildLog: string;

const builds = () => (fs.existsSync(buildLog) ? fs.readFileSync(buildLog, "utf8").split("\n").filter((l) => l.startsWith("start")).length : 0);
const build = (mode = "", ms = "200") => ensureNextBuild(root, () => {}, { command: [process.execPath, fake, buildLog, ms, mode], pollMs: 50 });
const lockFile = () => path.join(root, ".next", "cache", "ferry-build.lock");

function startNode(): Promise<{ code: number | null; output: string }> {
  const script = path.join(dir, "node-start.mts");
  const child = spawn(process.execPath, ["--import", "tsx", script, root, fake, buildLog], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-next-build-"));
  root = path.join(dir, "app-root");
  fs.mkdirSync(path.join(root, "app"), { recursive: true });
  fs.writeFileSync(path.join(root, "app", "page.tsx"), "export default function Page() { return null; }\n");
  fake = path.join(dir, "fake-next-build.mjs");
  fs.writeFileSync(fake, FAKE_BUILD);
  fs.writeFileSync(path.join(dir, "node-start.mts"), NODE_START);
  buildLog = path.join(dir, "builds.log");
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

// Each case starts node processes (the stand-in build); generous on a loaded two-core CI machine.
describe("ensureNextBuild", { timeout: 60_000 }, () => {
  it("three nodes started at once on a fresh checkout: one builds, the others wait, none loses its build", async () => {
    const results = await Promise.all([startNode(), startNode(), startNode()]);
    for (const r of results) expect(r.output).not.toMatch(/Could not find a production build|Error/);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(builds()).toBe(1);
    expect(results.filter((r) => r.output.includes("building the console")).length).toBe(1);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it("builds again only when the sources change", () => {
    build();
    build();
    expect(builds()).toBe(1);
    fs.writeFileSync(path.join(root, "app", "page.tsx"), "export default function Page() { return <p>changed</p>; }\n");
    build();
    expect(builds()).toBe(2);
  });

  it("takes over the lock of a builder that died mid-build", () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    fs.mkdirSync(path.dirname(lockFile()), { recursive: true });
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: dead, since: new Date().toISOString() }));
    build();
    expect(builds()).toBe(1);
    expect(fs.readFileSync(path.join(root, ".next", "BUILD_ID"), "utf8")).toMatch(/^\d+$/);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it("a failed build throws, leaves no stamp and no lock, and the next start builds", () => {
    expect(() => build("fail")).toThrow(/next build failed \(exit 1\)/);
    expect(fs.existsSync(path.join(root, ".next", "ferry-build-stamp"))).toBe(false);
    expect(fs.existsSync(lockFile())).toBe(false);
    build();
    expect(builds()).toBe(2);
    expect(fs.existsSync(path.join(root, ".next", "BUILD_ID"))).toBe(true);
  });

  it("waits for a `next build` run by hand (Next's own lock, coloured message) and then builds", () => {
    build("busy-once");
    expect(builds()).toBe(1);
    expect(fs.existsSync(path.join(root, ".next", "BUILD_ID"))).toBe(true);
  });

  it("gives up with a clear error when another live process holds the lock too long", () => {
    fs.mkdirSync(path.dirname(lockFile()), { recursive: true });
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: process.ppid, since: "2026-01-01T00:00:00.000Z" }));
    expect(() => ensureNextBuild(root, () => {}, { command: [process.execPath, fake, buildLog, "0"], waitMs: 300, pollMs: 50 })).toThrow(
      new RegExp(`gave up after \\d+ s waiting for the console build of process ${process.ppid}`),
    );
    expect(builds()).toBe(0);
  });
});
