import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair, startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";

let a: TestSyncNode;
let b: TestSyncNode;
let dirA: string;
let dirB: string;

beforeAll(async () => {
  a = await startSyncNode({ name: "alpha" });
  b = await startSyncNode({ name: "beta" });
  pair(a, b);
  dirA = path.join(a.home, "docs");
  dirB = path.join(b.home, "docs");
  fs.mkdirSync(path.join(dirA, "nested/deeper"), { recursive: true });
  fs.writeFileSync(path.join(dirA, "hello.txt"), "hello world\n");
  fs.writeFileSync(path.join(dirA, "empty"), "");
  fs.writeFileSync(path.join(dirA, "nested/deeper/big.bin"), randomBytes(3 * 1024 * 1024 + 17));
  fs.writeFileSync(path.join(dirA, "Ünïcödé ☃.txt"), "snow");
  a.rt.sync.addFolder({ id: "docs", path: dirA, devices: [b.deviceId], fsWatcherDelayS: 0.1 }, "test");
  b.rt.sync.addFolder({ id: "docs", path: dirB, devices: [a.deviceId], fsWatcherDelayS: 0.1 }, "test");
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

const same = () => JSON.stringify(treeOf(dirA)) === JSON.stringify(treeOf(dirB));

describe("two Ferry nodes on loopback", () => {
  it("connect and converge byte for byte", async () => {
    await waitFor(() => a.rt.sync.sessions.has(b.deviceId) && b.rt.sync.sessions.has(a.deviceId), "connection");
    await waitFor(same, "convergence");
    expect(treeOf(dirB)).toEqual(treeOf(dirA));
    // Node sets mtimes to the microsecond; the peer's nanoseconds are kept in the index.
    const mtimeUs = (dir: string) => fs.statSync(path.join(dir, "hello.txt"), { bigint: true }).mtimeNs / 1000n;
    expect(mtimeUs(dirB)).toBe(mtimeUs(dirA));
    const dev = b.rt.sync.status().devices.find((d) => d.deviceId === a.deviceId)!;
    expect(dev).toMatchObject({ connected: true, clientName: "ferry" });
  });

  it("follows an edit, a rename and a delete made on either side", async () => {
    fs.writeFileSync(path.join(dirB, "hello.txt"), "changed on b\n");
    await waitFor(() => fs.readFileSync(path.join(dirA, "hello.txt"), "utf8") === "changed on b\n", "edit b→a");
    fs.renameSync(path.join(dirA, "nested/deeper/big.bin"), path.join(dirA, "moved.bin"));
    await waitFor(() => fs.existsSync(path.join(dirB, "moved.bin")) && !fs.existsSync(path.join(dirB, "nested/deeper/big.bin")), "rename a→b");
    fs.rmSync(path.join(dirB, "empty"));
    await waitFor(() => !fs.existsSync(path.join(dirA, "empty")), "delete b→a");
    await waitFor(same, "convergence");
  });

  it("a rename costs no transfer: the blocks are found locally", async () => {
    const before = b.rt.sync.sessions.get(a.deviceId)!.conn.bytesIn;
    fs.renameSync(path.join(dirA, "moved.bin"), path.join(dirA, "moved-again.bin"));
    await waitFor(() => fs.existsSync(path.join(dirB, "moved-again.bin")), "second rename");
    const after = b.rt.sync.sessions.get(a.deviceId)!.conn.bytesIn;
    expect(after - before).toBeLessThan(64 * 1024);
  });

  it("a concurrent edit leaves one conflict copy, with the same name on both nodes", async () => {
    // Pause the link so both edits happen "at the same time", then reconnect.
    a.rt.sync.updateDevice(b.deviceId, { paused: true }, "test");
    await waitFor(() => !a.rt.sync.sessions.has(b.deviceId) && !b.rt.sync.sessions.has(a.deviceId), "disconnect");
    fs.writeFileSync(path.join(dirA, "hello.txt"), "alpha's version\n");
    await a.rt.sync.rescan("docs", { wait: true });
    await new Promise((r) => setTimeout(r, 1100)); // a later mtime for b: b's version wins
    fs.writeFileSync(path.join(dirB, "hello.txt"), "beta's version, newer\n");
    await b.rt.sync.rescan("docs", { wait: true });
    a.rt.sync.updateDevice(b.deviceId, { paused: false }, "test");
    const conflictsIn = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes(".sync-conflict-"));
    await waitFor(() => conflictsIn(dirA).length === 1 && conflictsIn(dirB).length === 1 && same(), "conflict copy on both", 30_000);
    expect(conflictsIn(dirA)).toEqual(conflictsIn(dirB));
    expect(conflictsIn(dirA)[0]).toMatch(new RegExp(`^hello\\.sync-conflict-\\d{8}-\\d{6}-${b.deviceId.slice(0, 7)}\\.txt$`));
    expect(fs.readFileSync(path.join(dirA, "hello.txt"), "utf8")).toBe("beta's version, newer\n");
    expect(fs.readFileSync(path.join(dirA, conflictsIn(dirA)[0]), "utf8")).toBe("alpha's version\n");
    const recorded = a.rt.sync.conflicts.open("docs");
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ name: "hello.txt", conflictName: conflictsIn(dirA)[0] });
  });
});
