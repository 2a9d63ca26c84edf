import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conflictsRouter } from "../../server/api/routers/conflicts";
import { createCallerFactory, router } from "../../server/api/trpc";
import { contextFor } from "../support/runtime";
import { startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";
import { startSyncthing, type SyncthingInstance } from "../support/syncthing";

// Conflicts between Ferry and a real Syncthing 1.19: resolved on Ferry, the result must land on
// Syncthing's disk and the conflict copy must disappear there too.
let ferry: TestSyncNode;
let st: SyncthingInstance;
let dirF: string;
let dirS: string;
const api = () => createCallerFactory(router({ conflicts: conflictsRouter }))(contextFor(ferry, { kind: "apikey", user: null, actor: "api-key" }));
const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), "utf8");
const copies = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes(".sync-conflict-")).sort();
const same = () => JSON.stringify(treeOf(dirF)) === JSON.stringify(treeOf(dirS));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ferry = await startSyncNode({ name: "ferry" });
  st = await startSyncthing({ reconnectIntervalS: 1 });
  dirF = path.join(ferry.home, "shared");
  dirS = path.join(st.home, "shared");
  fs.mkdirSync(dirS, { recursive: true });
  fs.mkdirSync(dirF, { recursive: true });
  for (const f of ["st-wins.txt", "ferry-wins.txt", "st-wins-both.txt", "ferry-wins-current.txt"]) fs.writeFileSync(path.join(dirF, f), `base ${f}\n`);
  ferry.rt.sync.addDevice({ deviceId: st.deviceId, name: "syncthing", addresses: [st.syncAddress] }, "test");
  await st.addDevice(ferry.deviceId, ferry.address, "ferry");
  ferry.rt.sync.addFolder({ id: "shared", path: dirF, devices: [st.deviceId], fsWatcherDelayS: 0.2 }, "test");
  await st.addFolder({ id: "shared", path: dirS, devices: [ferry.deviceId], fsWatcherEnabled: true, fsWatcherDelayS: 1, rescanIntervalS: 3600 });
  await waitFor(same, "first sync", 90_000);

  await st.rest("POST", `/rest/system/pause?device=${ferry.deviceId}`);
  await waitFor(() => !ferry.rt.sync.sessions.has(st.deviceId), "disconnect", 30_000);
  for (const f of ["ferry-wins.txt", "ferry-wins-current.txt"]) fs.writeFileSync(path.join(dirS, f), "syncthing's older edit\n");
  await pause(1200);
  for (const f of ["ferry-wins.txt", "ferry-wins-current.txt"]) fs.writeFileSync(path.join(dirF, f), "ferry's newer edit\n");
  for (const f of ["st-wins.txt", "st-wins-both.txt"]) fs.writeFileSync(path.join(dirF, f), "ferry's older edit\n");
  await pause(1200);
  for (const f of ["st-wins.txt", "st-wins-both.txt"]) fs.writeFileSync(path.join(dirS, f), "syncthing's newer edit\n");
  await st.rest("POST", "/rest/db/scan?folder=shared");
  await ferry.rt.sync.rescan("shared", { wait: true });
  await st.rest("POST", `/rest/system/resume?device=${ferry.deviceId}`);
  await waitFor(() => copies(dirF).length === 4 && copies(dirS).length === 4 && same(), "four conflict copies on both sides", 90_000);
}, 240_000);

afterAll(async () => {
  await ferry?.close();
  await st?.stop();
});

const conflictOf = (name: string) => ferry.rt.sync.conflicts.list({ folderId: "shared" }).find((c) => c.name === name);

describe("conflicts with a real Syncthing peer", () => {
  it("lists both the copy Ferry made and the one Syncthing made", async () => {
    await waitFor(() => !!conflictOf("st-wins.txt") && !!conflictOf("ferry-wins.txt"), "both conflicts listed");
    // Syncthing made the ferry-wins copy on its side and sent it as an ordinary file.
    expect(conflictOf("ferry-wins.txt")!.conflictName).toMatch(new RegExp(`^ferry-wins\\.sync-conflict-\\d{8}-\\d{6}-${ferry.deviceId.slice(0, 7)}\\.txt$`));
    expect(read(dirF, conflictOf("ferry-wins.txt")!.conflictName)).toBe("syncthing's older edit\n");
  });

  it("keep conflict on Ferry puts Ferry's losing version on Syncthing's disk and removes the copy there", async () => {
    const c = conflictOf("st-wins.txt")!;
    await api().conflicts.resolve({ id: c.id, choice: "keepConflict" });
    await waitFor(() => read(dirS, "st-wins.txt") === "ferry's older edit\n" && !fs.existsSync(path.join(dirS, c.conflictName)), "Syncthing to apply the resolution", 60_000);
    expect(read(dirF, "st-wins.txt")).toBe("ferry's older edit\n");
    expect(fs.existsSync(path.join(dirF, c.conflictName))).toBe(false);
  });

  it("keep current on Ferry deletes the copy Syncthing made, on Syncthing's disk too", async () => {
    const c = conflictOf("ferry-wins-current.txt")!;
    await api().conflicts.resolve({ id: c.id, choice: "keepCurrent" });
    await waitFor(() => !fs.existsSync(path.join(dirS, c.conflictName)), "Syncthing to delete its copy", 60_000);
    for (const dir of [dirF, dirS]) expect(read(dir, "ferry-wins-current.txt")).toBe("ferry's newer edit\n");
    expect(fs.existsSync(path.join(dirF, c.conflictName))).toBe(false);
  });

  it("keep both on Ferry renames the copy on Syncthing's disk too", async () => {
    const c = conflictOf("st-wins-both.txt")!;
    await api().conflicts.resolve({ id: c.id, choice: "keepBoth", newName: "st-wins-both (ferry).txt" });
    await waitFor(() => fs.existsSync(path.join(dirS, "st-wins-both (ferry).txt")) && !fs.existsSync(path.join(dirS, c.conflictName)), "Syncthing to take the rename", 60_000);
    for (const dir of [dirF, dirS]) {
      expect(read(dir, "st-wins-both.txt")).toBe("syncthing's newer edit\n");
      expect(read(dir, "st-wins-both (ferry).txt")).toBe("ferry's older edit\n");
      expect(fs.existsSync(path.join(dir, c.conflictName))).toBe(false);
    }
  });

  it("a merged upload on Ferry replaces the file on Syncthing and deletes Syncthing's own copy", async () => {
    const c = conflictOf("ferry-wins.txt")!;
    const merged = "ferry's newer edit\nsyncthing's older edit\n";
    await api().conflicts.resolve({ id: c.id, choice: "useContent", contentBase64: Buffer.from(merged).toString("base64") });
    await waitFor(() => read(dirS, "ferry-wins.txt") === merged && copies(dirS).length === 0, "Syncthing to take the merge", 60_000);
    await waitFor(same, "convergence", 30_000);
    expect(copies(dirF)).toEqual([]);
    expect(ferry.rt.sync.conflicts.list({ folderId: "shared" })).toEqual([]);
  });
});
