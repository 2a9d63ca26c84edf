import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pair, startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";

let nodes: TestSyncNode[] = [];
afterEach(async () => {
  for (const n of nodes) await n.close().catch(() => {});
  nodes = [];
});

const read = (n: TestSyncNode, name: string) => {
  try {
    return fs.readFileSync(path.join(n.home, "docs", name), "utf8");
  } catch {
    return null;
  }
};
const write = (n: TestSyncNode, name: string, content: string) => fs.writeFileSync(path.join(n.home, "docs", name), content);
const folderOf = (n: TestSyncNode) => n.rt.sync.config.folder("docs")!;

describe("failover between three nodes", () => {
  it("promotes a replica; the old primary comes back with a local change, is demoted and overwrites nothing; failback", async () => {
    let a = await startSyncNode({ name: "a" });
    const b = await startSyncNode({ name: "b" });
    const c = await startSyncNode({ name: "c" });
    nodes = [a, b, c];
    pair(a, b);
    pair(a, c);
    pair(b, c);
    for (const n of [a, b, c]) fs.mkdirSync(path.join(n.home, "docs"));
    write(a, "report.txt", "v1 from a\n");
    a.rt.sync.addFolder({ id: "docs", path: path.join(a.home, "docs"), devices: [b.deviceId, c.deviceId], fsWatcherDelayS: 0.1 }, "test");
    for (const [n, others] of [
      [b, [a, c]],
      [c, [a, b]],
    ] as const)
      n.rt.sync.addFolder({ id: "docs", path: path.join(n.home, "docs"), type: "receiveonly", devices: others.map((o) => o.deviceId), fsWatcherDelayS: 0.1 }, "test");
    await waitFor(() => read(b, "report.txt") === "v1 from a\n" && read(c, "report.txt") === "v1 from a\n", "the replicas to get a's file", 60_000);

    await waitFor(() => b.rt.dr.readiness("docs").behindItems === 0, "b to have everything a had");
    // The primary's site goes down.
    const aHome = a.home;
    await a.close();
    nodes = [b, c];

    await waitFor(() => !b.rt.dr.readiness("docs").primaryConnected, "b to notice that a is gone");
    const before = b.rt.dr.readiness("docs");
    expect(before).toMatchObject({ type: "receiveonly", epoch: 0, primaryConnected: false, behindItems: 0 });
    const failover = await b.rt.dr.failover("docs", "test");
    expect(failover.state).toBe("success");
    expect(failover.run.trigger).toBe("failover");
    expect(failover.logs.map((l) => l.line).join("\n")).toMatch(/readiness: docs is receiveonly at epoch 0; primary \S+ not connected \(last seen [^)]+\); behind by 0 item\(s\)/);
    expect(folderOf(b).type).toBe("sendreceive");
    expect(b.rt.sync.epochs.get("docs")).toMatchObject({ epoch: 1, primary: b.deviceId });
    await waitFor(() => c.rt.sync.epochs.get("docs").epoch === 1, "c to learn epoch 1");
    expect(folderOf(c).type).toBe("receiveonly");
    const rto = b.rt.dr.objectives().rto.failovers[0];
    expect(rto.folderId).toBe("docs");
    expect(rto.measuredMs).toBeGreaterThanOrEqual(0);

    // The new primary carries on.
    write(b, "report.txt", "v2 from b\n");
    write(b, "new.txt", "written after failover\n");
    await b.rt.sync.rescan("docs", { wait: true });
    await waitFor(() => read(c, "report.txt") === "v2 from b\n" && read(c, "new.txt") !== null, "c to follow the new primary", 60_000);

    // The old primary comes back with a change made while it was cut off.
    fs.writeFileSync(path.join(aHome, "docs", "report.txt"), "a's change while cut off\n");
    a = await startSyncNode({ home: aHome, name: "a" });
    nodes.push(a);
    await waitFor(() => folderOf(a).type === "receiveonly" && a.rt.sync.epochs.get("docs").epoch === 1, "a to demote itself", 60_000);
    expect(a.rt.sync.epochs.get("docs")).toMatchObject({ epoch: 1, primary: b.deviceId });
    await waitFor(() => read(a, "new.txt") === "written after failover\n", "a to receive the new primary's files", 60_000);
    // Give a's announcements time to arrive anywhere they could do harm.
    await new Promise((r) => setTimeout(r, 3000));
    expect(read(b, "report.txt")).toBe("v2 from b\n");
    expect(read(c, "report.txt")).toBe("v2 from b\n");
    // a's change is not lost: a keeps it, alone, as a conflict copy (a receive-only local addition).
    const copies = (n: TestSyncNode) => fs.readdirSync(path.join(n.home, "docs")).filter((f) => /^report\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}\.txt$/.test(f));
    await waitFor(() => copies(a).length === 1, "a to keep its change");
    expect(read(a, copies(a)[0])).toBe("a's change while cut off\n");
    expect(copies(b)).toEqual([]);
    expect(copies(c)).toEqual([]);
    await waitFor(() => read(a, "report.txt") === "v2 from b\n", "a to take the new primary's version");
    await a.rt.sync.rescan("docs", { wait: true });
    expect(a.rt.sync.localChanges("docs").map((ch) => ch.name)).toEqual(expect.arrayContaining(copies(a)));
    expect(treeOf(path.join(b.home, "docs"))).toEqual(treeOf(path.join(c.home, "docs")));

    // Failback: the same operation on the old primary; its kept copy becomes an ordinary change.
    const back = await a.rt.dr.failover("docs", "test");
    expect(back.state).toBe("success");
    await waitFor(() => folderOf(b).type === "receiveonly" && c.rt.sync.epochs.get("docs").epoch === 2, "b and c to follow a at epoch 2", 60_000);
    write(a, "after-failback.txt", "a leads again\n");
    await a.rt.sync.rescan("docs", { wait: true });
    await waitFor(() => read(b, "after-failback.txt") !== null && read(c, "after-failback.txt") !== null, "the failback primary's change to reach b and c", 60_000);
  });
});
