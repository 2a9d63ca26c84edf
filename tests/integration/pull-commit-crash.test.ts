// Pulled files are written to the index in batches (one transaction per batch, not per file). A
// node that stops after files are in place but before their batch is written must not turn them
// into new versions of its own on the next start: that would be a conflict, with identical
// content, on every peer. The scan recognises them as exactly what the peer announced.
import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { compareVectors } from "../../server/sync/vectors";
import { pair, startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";

const nodes: TestSyncNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.close().catch(() => {});
});

it("files pulled but not yet recorded when the node stopped take the peer's version at the next start: no new version, no conflict", { timeout: 120_000 }, async () => {
  const a = await startSyncNode({ name: "a" });
  let b = await startSyncNode({ name: "b" });
  nodes.push(a, b);
  pair(a, b);
  const da = path.join(a.home, "docs");
  const db = path.join(b.home, "docs");
  fs.mkdirSync(path.join(da, "sub"), { recursive: true });
  fs.mkdirSync(db);
  for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(da, "sub", `f${i}.txt`), `file ${i}\n`.repeat(50));
  a.rt.sync.addFolder({ id: "docs", path: da, devices: [b.deviceId], fsWatcherDelayS: 0.1 }, "test");

  // b "crashes" after its puller renamed the files into place, before their rows were written.
  const store = b.rt.sync.store;
  const commit = store.commitLocal.bind(store);
  store.commitLocal = (folder, changes) => commit(folder, changes.filter((r) => !r.name.startsWith("sub/f")));
  b.rt.sync.addFolder({ id: "docs", path: db, devices: [a.deviceId], fsWatcherEnabled: false }, "test");
  await waitFor(() => Object.keys(treeOf(db)).filter((n) => n.startsWith("sub/f")).length === 30, "the 30 files on b's disk");
  await b.close();
  expect(treeOf(db)).toEqual(treeOf(da));
  const before = Object.fromEntries(a.rt.sync.store.localSince("docs", 0, 1000).map((r) => [r.name, r]));

  b = await startSyncNode({ home: b.home, name: "b" });
  nodes.push(b);
  await waitFor(() => b.rt.sync.store.getLocal("docs", "sub/f29.txt") !== undefined, "b's scan to record the files");
  await b.rt.sync.rescan("docs", { wait: true });
  // Time for anything b announced to reach a and be acted on.
  await new Promise((r) => setTimeout(r, 2000));
  for (let i = 0; i < 30; i++) {
    const name = `sub/f${i}.txt`;
    const theirs = before[name];
    const ours = b.rt.sync.store.getLocal("docs", name)!;
    expect(compareVectors(ours.version, theirs.version), name).toBe("equal");
    expect(a.rt.sync.store.getLocal("docs", name)!.version, name).toEqual(theirs.version);
  }
  expect(a.rt.sync.conflicts.list({ folderId: "docs" })).toEqual([]);
  expect(b.rt.sync.conflicts.list({ folderId: "docs" })).toEqual([]);
  expect(Object.keys(treeOf(da)).filter((n) => n.includes("sync-conflict"))).toEqual([]);
  expect(Object.keys(treeOf(db)).filter((n) => n.includes("sync-conflict"))).toEqual([]);
  expect(treeOf(db)).toEqual(treeOf(da));
});
