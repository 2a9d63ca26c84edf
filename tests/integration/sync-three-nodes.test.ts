/**
 * Three Ferry nodes on loopback: one (in-process) shares a folder with two (in-process) and
 * three (a real node process, configured through its API). Mixed data converges byte for byte
 * with mtimes and permissions; edits, renames and deletes follow; node three is SIGKILLed while
 * pulling a large file and, restarted, finishes from its temp file; a concurrent edit leaves one
 * conflict copy, under the same name, on every node.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApi, startNode, type NodeProcess } from "../support/node-process";
import { pair, startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";

const FOLDER = "mixed";
const MiB = 1024 * 1024;
let one: TestSyncNode;
let two: TestSyncNode;
let three: NodeProcess;
let threeAddress: string;
let dirs: string[];

const listenOf = (n: NodeProcess) => [...n.log().matchAll(/sync listening on (tcp:\/\/[\d.]+:\d+)/g)].at(-1)![1];

async function startThree(home?: string) {
  three = await startNode({ home });
  threeAddress = listenOf(three);
}

beforeAll(async () => {
  one = await startSyncNode({ name: "one" });
  two = await startSyncNode({ name: "two" });
  await startThree();
  pair(one, two);
  one.rt.sync.addDevice({ deviceId: three.deviceId, name: "three", addresses: [threeAddress] }, "test");
  await callApi(three, "devices.add", { deviceId: one.deviceId, name: "one", addresses: [one.address] }, "mutation");
  dirs = [path.join(one.home, FOLDER), path.join(two.home, FOLDER), path.join(three.home, FOLDER)];
  const src = dirs[0];
  fs.mkdirSync(path.join(src, "nested/deeper/deepest"), { recursive: true });
  fs.writeFileSync(path.join(src, "nested/deeper/deepest/leaf.txt"), "leaf\n");
  fs.writeFileSync(path.join(src, "empty"), "");
  fs.writeFileSync(path.join(src, "Ünïcödé ☃.txt".normalize("NFC")), "snow\n");
  fs.mkdirSync(path.join(src, "日本語"));
  fs.writeFileSync(path.join(src, "日本語/ファイル.txt".normalize("NFC")), "こんにちは\n");
  fs.writeFileSync(path.join(src, "script.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  fs.chmodSync(path.join(src, "script.sh"), 0o755);
  fs.writeFileSync(path.join(src, "private.key"), "secret\n");
  fs.chmodSync(path.join(src, "private.key"), 0o600);
  fs.writeFileSync(path.join(src, "big.bin"), randomBytes(50 * MiB));
  for (let d = 0; d < 10; d++) {
    fs.mkdirSync(path.join(src, `many/d${d}`), { recursive: true });
    for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(src, `many/d${d}/f${i}.txt`), `file ${d}/${i} ${randomBytes(8 + i).toString("hex")}\n`);
  }
  // Distinct, sub-second mtimes: they must arrive to the microsecond.
  const base = Date.now() / 1000 - 3600;
  fs.utimesSync(path.join(src, "nested/deeper/deepest/leaf.txt"), base + 0.123456, base + 0.123456);
  fs.utimesSync(path.join(src, "big.bin"), base + 1.654321, base + 1.654321);

  one.rt.sync.addFolder({ id: FOLDER, path: dirs[0], devices: [two.deviceId, three.deviceId], fsWatcherDelayS: 0.2 }, "test");
  two.rt.sync.addFolder({ id: FOLDER, path: dirs[1], devices: [one.deviceId], fsWatcherDelayS: 0.2 }, "test");
  await callApi(three, "folders.add", { id: FOLDER, path: dirs[2], devices: [one.deviceId], fsWatcherDelayS: 0.2 }, "mutation");
}, 300_000);

afterAll(async () => {
  await three?.stop();
  await two?.close();
  await one?.close();
});

/**
 * Cheap per-entry facts (size, permission bits, mtime in µs) for polling; hashes are checked once
 * at the end. Null while the tree changes under the walk.
 */
function metaOf(root: string): Record<string, string> | null {
  try {
    return metaWalk(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

function metaWalk(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === ".stfolder" || e.name.startsWith(".syncthing.")) continue;
      const abs = path.join(dir, e.name);
      const st = fs.lstatSync(abs, { bigint: true });
      const rel = path.relative(root, abs);
      const mode = (Number(st.mode) & 0o777).toString(8);
      if (e.isDirectory()) {
        out[rel + "/"] = `dir ${mode}`;
        walk(abs);
      } else out[rel] = `${st.size} ${mode} ${st.mtimeNs / 1000n}`;
    }
  };
  walk(root);
  return out;
}

const metaEqual = () => {
  const [a, b, c] = dirs.map((d) => metaOf(d));
  return a !== null && JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(a) === JSON.stringify(c);
};

/** Like waitFor, but for checks that walk ~1,000 files: the in-process engines share this event loop. */
async function settle(check: () => boolean, what: string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function converged(what: string, timeoutMs = 120_000) {
  await settle(metaEqual, what, timeoutMs);
  const want = treeOf(dirs[0]);
  expect(treeOf(dirs[1])).toEqual(want);
  expect(treeOf(dirs[2])).toEqual(want);
}

const sha = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("three Ferry nodes", () => {
  it("converge byte for byte, with mtimes to the microsecond and permissions", async () => {
    const started = Date.now();
    await converged("initial convergence", 240_000);
    console.log(`three nodes: initial sync of 1,007 files (50 MiB + small) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const meta = metaOf(dirs[2])!;
    expect(Object.keys(meta).filter((k) => k.startsWith("many/") && !k.endsWith("/"))).toHaveLength(1000);
    expect(meta["script.sh"]).toMatch(/ 755 /);
    expect(meta["private.key"]).toMatch(/ 600 /);
    expect(meta["empty"]).toMatch(/^0 /);
    expect(meta["big.bin"]).toMatch(new RegExp(`^${50 * MiB} `));
    expect(fs.statSync(path.join(dirs[2], "big.bin"), { bigint: true }).mtimeNs / 1000n).toBe(fs.statSync(path.join(dirs[0], "big.bin"), { bigint: true }).mtimeNs / 1000n);
    expect(fs.readFileSync(path.join(dirs[1], "日本語/ファイル.txt".normalize("NFC")), "utf8")).toBe("こんにちは\n");
  }, 300_000);

  it("follow edits, renames and deletes", async () => {
    const src = dirs[0];
    fs.writeFileSync(path.join(src, "nested/deeper/deepest/leaf.txt"), "leaf, edited\n");
    fs.renameSync(path.join(src, "many/d3"), path.join(src, "many/renamed-d3"));
    fs.renameSync(path.join(src, "Ünïcödé ☃.txt".normalize("NFC")), path.join(src, "snowman ☃.txt"));
    fs.rmSync(path.join(src, "many/d7"), { recursive: true });
    fs.rmSync(path.join(src, "empty"));
    fs.chmodSync(path.join(src, "script.sh"), 0o700);
    await one.rt.sync.rescan(FOLDER);
    await converged("edits, renames and deletes");
    for (const d of dirs.slice(1)) {
      expect(fs.readFileSync(path.join(d, "nested/deeper/deepest/leaf.txt"), "utf8")).toBe("leaf, edited\n");
      expect(fs.existsSync(path.join(d, "many/d7"))).toBe(false);
      expect(fs.readdirSync(path.join(d, "many/renamed-d3"))).toHaveLength(100);
      expect(fs.existsSync(path.join(d, "snowman ☃.txt"))).toBe(true);
      expect(fs.statSync(path.join(d, "script.sh")).mode & 0o777).toBe(0o700);
    }
  });

  it("a node killed mid-transfer resumes from its temp file instead of refetching", async () => {
    const size = 50 * MiB;
    fs.writeFileSync(path.join(dirs[0], "video.bin"), randomBytes(size));
    await one.rt.sync.rescan(FOLDER);
    const temp = path.join(dirs[2], ".syncthing.video.bin.tmp");
    // Sparse temp file: allocated blocks show how much has really been written.
    const written = () => {
      const st = fs.statSync(temp, { throwIfNoEntry: false });
      return st ? st.blocks * 512 : 0;
    };
    const until = Date.now() + 120_000;
    while (written() < 12 * MiB && Date.now() < until && !fs.existsSync(path.join(dirs[2], "video.bin"))) await new Promise((r) => setImmediate(r));
    expect(fs.existsSync(path.join(dirs[2], "video.bin"))).toBe(false);
    await three.kill();
    const atKill = written();
    console.log(`three nodes: killed node three with ${(atKill / MiB).toFixed(1)} MiB of video.bin in its temp file`);
    expect(atKill).toBeGreaterThan(8 * MiB);
    expect(atKill).toBeLessThan(size);

    let t = Date.now();
    await startThree(three.home);
    const restartS = (Date.now() - t) / 1000;
    t = Date.now();
    await waitFor(() => fs.existsSync(path.join(dirs[2], "video.bin")), "video.bin on node three after restart", 120_000);
    console.log(`three nodes: restart took ${restartS.toFixed(1)} s, the rest of video.bin ${((Date.now() - t) / 1000).toFixed(1)} s`);
    expect(sha(path.join(dirs[2], "video.bin"))).toBe(sha(path.join(dirs[0], "video.bin")));
    type DeviceRow = { deviceId: string; bytesIn: number };
    const bytesIn = (await callApi<DeviceRow[]>(three, "devices.list")).find((d) => d.deviceId === one.deviceId)!.bytesIn;
    console.log(`three nodes: after restart node three received ${(bytesIn / MiB).toFixed(1)} MiB for a ${size / MiB} MiB file`);
    // Everything the session received (index included) is less than what was missing, plus slack.
    expect(bytesIn).toBeLessThan(size - atKill + 4 * MiB);
    expect(bytesIn).toBeLessThan(size * 0.85);
    await converged("convergence after the restart");
  }, 400_000); // the restart may first rebuild the console

  it("a concurrent edit leaves exactly one conflict copy, with the same name, on every node", async () => {
    const file = "shared-notes.txt";
    fs.writeFileSync(path.join(dirs[0], file), "original\n");
    await one.rt.sync.rescan(FOLDER);
    await converged("the notes everywhere");
    one.rt.sync.updateDevice(two.deviceId, { paused: true }, "test");
    one.rt.sync.updateDevice(three.deviceId, { paused: true }, "test");
    await waitFor(() => one.rt.sync.sessions.size === 0 && two.rt.sync.sessions.size === 0, "both links down");
    fs.writeFileSync(path.join(dirs[1], file), "two's version\n");
    await two.rt.sync.rescan(FOLDER, { wait: true });
    await new Promise((r) => setTimeout(r, 1100)); // a later mtime: three's version wins
    fs.writeFileSync(path.join(dirs[2], file), "three's version, newer\n");
    await callApi(three, "folders.rescan", { id: FOLDER, wait: true }, "mutation");
    // The winner reaches node one first, so only the loser (two) makes a conflict copy, as in Syncthing.
    one.rt.sync.updateDevice(three.deviceId, { paused: false }, "test");
    await waitFor(() => fs.readFileSync(path.join(dirs[0], file), "utf8") === "three's version, newer\n", "three's edit on one");
    one.rt.sync.updateDevice(two.deviceId, { paused: false }, "test");
    const conflictsIn = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes(".sync-conflict-"));
    await settle(() => dirs.every((d) => conflictsIn(d).length >= 1) && metaEqual(), "a conflict copy everywhere", 60_000);
    await new Promise((r) => setTimeout(r, 1500)); // a second copy would show up by now
    const names = dirs.map(conflictsIn);
    expect(names[0]).toHaveLength(1);
    expect(names[1]).toEqual(names[0]);
    expect(names[2]).toEqual(names[0]);
    expect(names[0][0]).toMatch(new RegExp(`^shared-notes\\.sync-conflict-\\d{8}-\\d{6}-${three.deviceId.slice(0, 7)}\\.txt$`));
    for (const d of dirs) {
      expect(fs.readFileSync(path.join(d, file), "utf8")).toBe("three's version, newer\n");
      expect(fs.readFileSync(path.join(d, names[0][0]), "utf8")).toBe("two's version\n");
    }
  }, 240_000);
});
