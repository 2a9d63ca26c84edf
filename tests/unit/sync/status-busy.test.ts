// While a folder scans for a long time (a first scan of 100,000 files), its status must not keep
// showing the count from before the scan: the figures are counted again in the background every
// few seconds and folder.counted tells the console to ask again.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { engineStatus } from "../../../server/sync/status";
import { fileRecord } from "../../support/records";
import { startSyncNode, waitFor, type TestSyncNode } from "../../support/sync-nodes";

let node: TestSyncNode;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-busy-"));
beforeAll(async () => {
  node = await startSyncNode();
});
afterAll(async () => {
  await node.close();
  fs.rmSync(dir, { recursive: true, force: true });
});


it("recounts a busy folder in the background every few seconds instead of holding the count from before the work", async () => {
  node.rt.sync.addFolder({ id: "busy", path: dir, fsWatcherEnabled: false, rescanIntervalS: 0 }, "test");
  await waitFor(() => engineStatus(node.rt.sync).folders.find((f) => f.id === "busy")?.state === "idle", "the empty folder scanned");
  const local = () => engineStatus(node.rt.sync).folders.find((f) => f.id === "busy")!.local.files;
  expect(local()).toBe(0);

  // The folder is in the middle of a long scan that has committed 40 files so far. exclusive()
  // keeps the runner's own loop out meanwhile, so the state stays what the test sets.
  const runner = node.rt.sync.runners.get("busy")!;
  await runner.exclusive(async () => {
    const fields = runner as unknown as { state: string };
    fields.state = "scanning";
    node.rt.sync.store.commitLocal("busy", Array.from({ length: 40 }, (_, i) => fileRecord(`f${i}`)));
    expect(local()).toBe(0); // counted a moment ago: the last figures stand

    const counted: string[] = [];
    const stop = node.rt.events.subscribe((e) => e.type === "folder.counted" && counted.push((e.data as { folderId: string }).folderId));
    const now = performance.now();
    const clock = vi.spyOn(performance, "now").mockImplementation(() => now + 6_000);
    try {
      expect(local()).toBe(0); // answered at once; the count runs in the background
      await waitFor(() => counted.includes("busy"), "folder.counted for the busy folder", 3_000);
      expect(engineStatus(node.rt.sync).folders.find((f) => f.id === "busy")!.state).toBe("scanning");
      expect(local()).toBe(40);
    } finally {
      clock.mockRestore();
      stop();
      fields.state = "idle";
    }
  });
});
