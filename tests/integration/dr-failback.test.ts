import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pair, startSyncNode, waitFor, type TestSyncNode } from "../support/sync-nodes";

let nodes: TestSyncNode[] = [];
afterEach(async () => {
  for (const n of nodes) await n.close().catch(() => {});
  nodes = [];
});

const dir = (n: TestSyncNode) => path.join(n.home, "docs");
const read = (n: TestSyncNode, name: string) => {
  try {
    return fs.readFileSync(path.join(dir(n), name), "utf8");
  } catch {
    return null;
  }
};
const folderOf = (n: TestSyncNode) => n.rt.sync.config.folder("docs")!;
const codes = (n: TestSyncNode) => n.rt.dr.failbackCheck("docs").blockers.map((b) => b.code);
const failbackRuns = (n: TestSyncNode) => n.rt.dr.listRuns({ planId: "failback-docs" });

describe("failback: the planned return of the primary role", () => {
  it("is refused, saying why, unless the old primary has everything the current one has; then it loses nothing", async () => {
    const a = await startSyncNode({ name: "a" });
    const b = await startSyncNode({ name: "b" });
    nodes = [a, b];
    pair(a, b);
    for (const n of [a, b]) fs.mkdirSync(dir(n));
    fs.writeFileSync(path.join(dir(a), "ledger.txt"), "from a\n");
    a.rt.sync.addFolder({ id: "docs", path: dir(a), devices: [b.deviceId], fsWatcherDelayS: 0.1 }, "test");
    b.rt.sync.addFolder({ id: "docs", path: dir(b), type: "receiveonly", devices: [a.deviceId], fsWatcherDelayS: 0.1 }, "test");
    await waitFor(() => read(b, "ledger.txt") === "from a\n", "b to get a's file");
    // Nobody has failed over yet: nothing to fail back.
    expect(a.rt.dr.failbackCheck("docs")).toMatchObject({ offered: false, ready: false });
    await expect(b.rt.dr.failback("docs", "test")).rejects.toThrow(/cannot fail back docs: this node was not the primary before the current one; use an emergency promote instead/);

    // B takes over (an emergency promote); A learns it and becomes a receive-only replica.
    expect((await b.rt.dr.failover("docs", "test")).state).toBe("success");
    await waitFor(() => folderOf(a).type === "receiveonly" && a.rt.sync.epochs.get("docs").epoch === 1, "a to be demoted");
    expect(a.rt.sync.epochs.previous("docs")).toMatchObject({ epoch: 0, primary: a.deviceId, until: 1 });
    await expect(b.rt.dr.failback("docs", "test")).rejects.toThrow("cannot fail back docs: this node is already the primary");
    await waitFor(() => a.rt.dr.failbackCheck("docs").ready, "a to be ready to fail back");
    expect(a.rt.dr.failbackCheck("docs")).toMatchObject({ offered: true, ready: true, blockers: [], epoch: 1, primary: b.deviceId });

    // A change of A's own is pending: refused until it is reverted.
    fs.writeFileSync(path.join(dir(a), "stray.txt"), "made on the replica\n");
    await a.rt.sync.rescan("docs", { wait: true });
    await expect(a.rt.dr.failback("docs", "test")).rejects.toThrow(/has 1 local change\(s\) of its own; revert them \(Revert Local Changes\) first/);
    await a.rt.sync.revert("docs", "test");
    await waitFor(() => !codes(a).includes("localChanges") && read(a, "stray.txt") === null, "a's stray change to be reverted");

    // B writes after its promotion, and A receives it slowly: refused while A still needs it.
    a.rt.sync.updateDevice(b.deviceId, { maxRecvKbps: 64 }, "test");
    // Random bytes: twelve distinct blocks that must all cross the 64 KiB/s link. (A file of one
    // repeated byte is one block fetched and eleven local copies, done before a poll can see it.)
    fs.writeFileSync(path.join(dir(b), "big.bin"), randomBytes(1536 * 1024));
    await b.rt.sync.rescan("docs", { wait: true });
    await waitFor(() => codes(a).includes("behind"), "a to see that it needs b's new file");
    await expect(a.rt.dr.failback("docs", "test")).rejects.toThrow(/this node still needs 1 item\(s\) \(1572864 bytes\) from the current primary; wait until it has synced/);
    a.rt.sync.updateDevice(b.deviceId, { maxRecvKbps: 0 }, "test");

    // The current primary out of reach: A cannot know it has everything.
    a.rt.sync.updateDevice(b.deviceId, { paused: true }, "test");
    await waitFor(() => codes(a).includes("primaryOffline"), "a to lose b");
    await expect(a.rt.dr.failback("docs", "test")).rejects.toThrow(/the current primary \S+ is not connected/);
    expect(failbackRuns(a)).toEqual([]);
    a.rt.sync.updateDevice(b.deviceId, { paused: false }, "test");

    // All preconditions hold: A is primary again, B a receive-only replica, nothing lost.
    await waitFor(() => a.rt.dr.failbackCheck("docs").ready, "a to have everything b has", 60_000);
    expect(fs.readFileSync(path.join(dir(a), "big.bin")).equals(fs.readFileSync(path.join(dir(b), "big.bin")))).toBe(true);
    const back = await a.rt.dr.failback("docs", "alice");
    expect(back.state).toBe("success");
    expect(back.run.trigger).toBe("failback");
    expect(back.logs.map((l) => l.line)).toContain(`failback check: docs at epoch 1, primary ${b.deviceId.slice(0, 7)}; this node needs 0 item(s) and has 0 local change(s)`);
    expect(folderOf(a).type).toBe("sendreceive");
    expect(a.rt.sync.epochs.get("docs")).toMatchObject({ epoch: 2, primary: a.deviceId });
    await waitFor(() => folderOf(b).type === "receiveonly" && b.rt.sync.epochs.get("docs").epoch === 2, "b to become a replica again");
    expect(b.rt.dr.failbackCheck("docs")).toMatchObject({ offered: true });
    const rto = a.rt.dr.objectives().rto.failovers.find((f) => f.runId === back.run.id)!;
    expect(rto).toMatchObject({ folderId: "docs", trigger: "failback" });
    expect(rto.measuredMs).toBeGreaterThanOrEqual(0);

    // A leads again: its change reaches B; B kept nothing of its own aside (no conflict copies).
    fs.writeFileSync(path.join(dir(a), "after.txt"), "a leads again\n");
    await a.rt.sync.rescan("docs", { wait: true });
    await waitFor(() => read(b, "after.txt") === "a leads again\n", "a's change to reach b");
    expect(fs.readdirSync(dir(b)).filter((f) => f.includes("sync-conflict"))).toEqual([]);
    expect(b.rt.sync.localChanges("docs")).toEqual([]);
  });
});
