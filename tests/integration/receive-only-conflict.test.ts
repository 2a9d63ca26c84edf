import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair, startSyncNode, waitFor, type TestSyncNode } from "../support/sync-nodes";

// A replica's local edit that the primary then overwrites is kept, locally, as a conflict copy
// (Syncthing's receive-only rule, bep.md §7): nothing is lost, and nothing reaches the primary.
let primary: TestSyncNode;
let replica: TestSyncNode;
const dir = (n: TestSyncNode) => path.join(n.home, "docs");
const read = (n: TestSyncNode, name: string) => fs.readFileSync(path.join(dir(n), name), "utf8");
const copies = (n: TestSyncNode) => fs.readdirSync(dir(n)).filter((f) => f.startsWith("plan.sync-conflict-"));

beforeAll(async () => {
  primary = await startSyncNode({ name: "primary" });
  replica = await startSyncNode({ name: "replica" });
  pair(primary, replica);
  fs.mkdirSync(dir(primary), { recursive: true });
  fs.writeFileSync(path.join(dir(primary), "plan.txt"), "v1\n");
  primary.rt.sync.addFolder({ id: "docs", path: dir(primary), devices: [replica.deviceId], fsWatcherEnabled: false }, "test");
  replica.rt.sync.addFolder({ id: "docs", path: dir(replica), type: "receiveonly", devices: [primary.deviceId], fsWatcherEnabled: false }, "test");
  await waitFor(() => fs.existsSync(path.join(dir(replica), "plan.txt")), "the replica to receive plan.txt");
});

afterAll(async () => {
  await primary?.close();
  await replica?.close();
});

describe("receive-only replica", () => {
  it("keeps its overwritten local edit as a local conflict copy that never reaches the primary", async () => {
    fs.writeFileSync(path.join(dir(replica), "plan.txt"), "edited on the replica\n");
    await replica.rt.sync.rescan("docs", { wait: true });
    expect(replica.rt.sync.localChanges("docs").map((c) => c.name)).toEqual(["plan.txt"]);

    await new Promise((r) => setTimeout(r, 1100));
    fs.writeFileSync(path.join(dir(primary), "plan.txt"), "v2 from the primary\n");
    await primary.rt.sync.rescan("docs", { wait: true });

    await waitFor(() => read(replica, "plan.txt") === "v2 from the primary\n" && copies(replica).length === 1, "the replica to take v2 and keep a copy");
    expect(read(replica, copies(replica)[0])).toBe("edited on the replica\n");
    await replica.rt.sync.rescan("docs", { wait: true });
    // The copy is a receive-only local addition: listed, announced invalid, not pulled by the primary.
    expect(replica.rt.sync.localChanges("docs").map((c) => c.name)).toEqual(copies(replica));
    await new Promise((r) => setTimeout(r, 1500));
    expect(copies(primary)).toEqual([]);
    expect(read(primary, "plan.txt")).toBe("v2 from the primary\n");
  });
});
