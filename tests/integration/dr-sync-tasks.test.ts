import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { yamlPlan } from "../support/dr";
import { pair, startSyncNode, waitFor, type TestSyncNode } from "../support/sync-nodes";

let nodes: TestSyncNode[] = [];
afterEach(async () => {
  for (const n of nodes) await n.close().catch(() => {});
  nodes = [];
});

const dir = (n: TestSyncNode) => path.join(n.home, "docs");

async function run(n: TestSyncNode, source: string) {
  const id = n.rt.dr.applyPlan(source, "test").plan.id;
  const r = n.rt.dr.startRun(id, { actor: "test" })!;
  const state = await n.rt.dr.waitRun(r.id);
  const view = n.rt.dr.showRun(r.id);
  return { state, byId: Object.fromEntries(view.tasks.map((t) => [t.id, t])), view };
}

describe("DR tasks on the sync engine", () => {
  it("replicate.sync waits until the folder is up to date on the device, check.peers sees devices and folders; both fail when the peer is gone", async () => {
    const a = await startSyncNode({ name: "a" });
    const b = await startSyncNode({ name: "b" });
    nodes = [a, b];
    pair(a, b);
    for (const n of [a, b]) fs.mkdirSync(dir(n));
    a.rt.sync.addFolder({ id: "docs", path: dir(a), devices: [b.deviceId], fsWatcherDelayS: 0.1 }, "test");
    b.rt.sync.addFolder({ id: "docs", path: dir(b), type: "receiveonly", devices: [a.deviceId], fsWatcherDelayS: 0.1 }, "test");
    await waitFor(() => a.rt.sync.sessions.has(b.deviceId), "a and b to connect");

    // A change b does not have yet: the task must not succeed before b has it.
    const data = randomBytes(2 * 1024 * 1024);
    fs.writeFileSync(path.join(dir(a), "big.bin"), data);
    await a.rt.sync.rescan("docs", { wait: true });
    let seenWhenDone: boolean | null = null;
    a.rt.events.subscribe((e) => {
      if (e.type === "task.finished" && (e.data as { taskId: string }).taskId === "replicated") {
        const f = path.join(dir(b), "big.bin");
        seenWhenDone = fs.existsSync(f) && fs.readFileSync(f).equals(data);
      }
    });
    const ok = await run(
      a,
      yamlPlan(
        "id: replica",
        "tasks:",
        `  - { id: replicated, kind: replicate.sync, with: { folder: docs, device: ${b.deviceId}, deadline: 60s, interval: 100 } }`,
        `  - { id: peers, kind: check.peers, needs: [replicated], with: { folders: [docs] } }`,
      ),
    );
    expect(ok.state, ok.view.logs.map((l) => l.line).join("\n")).toBe("success");
    expect(seenWhenDone).toBe(true);
    expect(ok.byId.peers.result).toEqual({ devices: 1, folders: 1 });
    expect(a.rt.dr.objectives().rpo.subjects.find((s) => s.key === "docs")?.newestCopyAt).toBeGreaterThan(Date.now() - 60_000);

    // The replica's site goes down.
    await b.close();
    nodes = [a];
    await waitFor(() => !a.rt.sync.sessions.has(b.deviceId), "a to notice that b is gone");
    const down = await run(
      a,
      yamlPlan(
        "id: replica-down",
        "tasks:",
        `  - { id: replicated, kind: replicate.sync, with: { folder: docs, device: ${b.deviceId}, deadline: 1s, interval: 100 } }`,
        `  - { id: peers, kind: check.peers, with: { folders: [docs] } }`,
      ),
    );
    expect(down.state).toBe("failed");
    const short = b.deviceId.slice(0, 7);
    expect(down.byId.replicated.error).toBe(`docs was not up to date on ${short} by the deadline (not connected)`);
    expect(down.byId.peers.error).toBe(`device ${short} is not connected`);
  });
});
