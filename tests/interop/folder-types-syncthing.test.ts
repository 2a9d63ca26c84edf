import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";
import { startSyncthing, type SyncthingInstance } from "../support/syncthing";

// Real Syncthing 1.19.2 against Ferry in each role:
//   "ro": Syncthing send-only  → Ferry receive-only
//   "so": Ferry send-only      → Syncthing receive-only
let ferry: TestSyncNode;
let st: SyncthingInstance;
const fdir = (f: string) => path.join(ferry.home, f);
const sdir = (f: string) => path.join(st.home, f);
const put = (root: string, name: string, text: string) => fs.writeFileSync(path.join(root, name), text);
const get = (root: string, name: string) => {
  try {
    return fs.readFileSync(path.join(root, name), "utf8");
  } catch {
    return null; // mid-rename or not there yet: the waits poll again
  }
};
const same = (f: string) => JSON.stringify(treeOf(fdir(f))) === JSON.stringify(treeOf(sdir(f)));
const stScan = (f: string) => st.rest("POST", `/rest/db/scan?folder=${f}`);

interface StEvent {
  id: number;
  type: string;
  data: { device?: string; folder?: string };
}
// Syncthing buffers an event type only once someone subscribed to it: beforeAll subscribes early.
const INDEX_EVENTS = "/rest/events?events=RemoteIndexUpdated&timeout=0";
const lastEventId = async () => (await st.rest<StEvent[]>("GET", `${INDEX_EVENTS}&since=0`)).at(-1)?.id ?? 0;
/** Waits until Syncthing reports an index update from Ferry for the folder after event `since`. */
async function stGotIndexFromFerry(folder: string, since: number) {
  await waitFor(async () => {
    const evs = await st.rest<StEvent[]>("GET", `${INDEX_EVENTS}&since=${since}`);
    return evs.some((e) => e.data.device === ferry.deviceId && e.data.folder === folder);
  }, `Syncthing to receive Ferry's index for ${folder}`);
}

beforeAll(async () => {
  ferry = await startSyncNode({ name: "ferry" });
  st = await startSyncthing({ reconnectIntervalS: 1 });
  await lastEventId();
  for (const f of ["ro", "so"]) {
    fs.mkdirSync(fdir(f), { recursive: true });
    fs.mkdirSync(sdir(f), { recursive: true });
  }
  put(sdir("ro"), "x.txt", "x from syncthing\n");
  put(sdir("ro"), "keep.txt", "keep from syncthing\n");
  put(fdir("so"), "p.txt", "p from ferry\n");
  put(fdir("so"), "q.txt", "q from ferry\n");
  ferry.rt.sync.addDevice({ deviceId: st.deviceId, name: "syncthing", addresses: [st.syncAddress] }, "test");
  await st.addDevice(ferry.deviceId, ferry.address, "ferry");
  ferry.rt.sync.addFolder({ id: "ro", path: fdir("ro"), type: "receiveonly", devices: [st.deviceId], fsWatcherEnabled: false }, "test");
  ferry.rt.sync.addFolder({ id: "so", path: fdir("so"), type: "sendonly", devices: [st.deviceId], fsWatcherEnabled: false }, "test");
  await st.addFolder({ id: "ro", path: sdir("ro"), type: "sendonly", devices: [ferry.deviceId] });
  await st.addFolder({ id: "so", path: sdir("so"), type: "receiveonly", devices: [ferry.deviceId] });
  await waitFor(() => same("ro") && same("so"), "initial sync in both folders", 90_000);
}, 150_000);

afterAll(async () => {
  await ferry?.close();
  await st?.stop();
});

describe("Syncthing send-only, Ferry receive-only", () => {
  it("Ferry's local changes stay local and are listed; Syncthing keeps its files", async () => {
    const since = await lastEventId();
    put(fdir("ro"), "x.txt", "x edited on ferry, longer\n");
    put(fdir("ro"), "ferry-only.txt", "added on ferry\n");
    await ferry.rt.sync.rescan("ro", { wait: true });
    // Polled: right after a reconnect Syncthing may be re-sending its index, and until it is in,
    // x.txt has no cluster version to differ from.
    const listed = () => JSON.stringify(ferry.rt.sync.localChanges("ro").map((c) => [c.name, c.action]));
    await waitFor(() => listed() === JSON.stringify([["ferry-only.txt", "added"], ["x.txt", "modified"]]), "both local changes listed", 30_000).catch(() => {});
    expect(ferry.rt.sync.localChanges("ro").map((c) => [c.name, c.action])).toEqual([
      ["ferry-only.txt", "added"],
      ["x.txt", "modified"],
    ]);
    await stGotIndexFromFerry("ro", since);
    expect(get(sdir("ro"), "x.txt")).toBe("x from syncthing\n");
    expect(fs.existsSync(path.join(sdir("ro"), "ferry-only.txt"))).toBe(false);
    // Syncthing sees nothing to override: Ferry's entries arrived invalid.
    const status = await st.rest<{ needTotalItems: number }>("GET", "/rest/db/status?folder=ro");
    expect(status.needTotalItems).toBe(0);
  });

  it("Revert on Ferry restores Syncthing's state without conflict copies", async () => {
    const r = await ferry.rt.sync.revert("ro", "test");
    expect(r.deleted).toEqual(["ferry-only.txt"]);
    await waitFor(() => same("ro"), "Ferry back to Syncthing's state");
    expect(get(fdir("ro"), "x.txt")).toBe("x from syncthing\n");
    expect(fs.readdirSync(fdir("ro")).filter((n) => n.includes("sync-conflict"))).toEqual([]);
  });

  it("a change on Syncthing reaches Ferry; a promoted Ferry edit is out of sync on Syncthing until Override", async () => {
    put(sdir("ro"), "keep.txt", "keep edited on syncthing\n");
    await stScan("ro");
    await waitFor(() => get(fdir("ro"), "keep.txt") === "keep edited on syncthing\n", "Syncthing's edit on Ferry");

    put(fdir("ro"), "x.txt", "x edited on ferry before promotion\n");
    await ferry.rt.sync.rescan("ro", { wait: true });
    await ferry.rt.sync.updateFolder("ro", { type: "sendreceive" }, "test");
    await waitFor(async () => (await st.rest<{ needTotalItems: number }>("GET", "/rest/db/status?folder=ro")).needTotalItems === 1, "Syncthing to list x.txt as out of sync");
    expect(get(sdir("ro"), "x.txt")).toBe("x from syncthing\n");
    await st.rest("POST", "/rest/db/override?folder=ro");
    await waitFor(() => get(fdir("ro"), "x.txt") === "x from syncthing\n", "Syncthing's Override to win on Ferry");
    await waitFor(() => same("ro"), "convergence");
  });
});

describe("Ferry send-only, Syncthing receive-only", () => {
  it("Syncthing's local changes stay on Syncthing, arrive invalid, and Ferry applies nothing", async () => {
    put(sdir("so"), "p.txt", "p edited on syncthing, longer\n");
    put(sdir("so"), "st-only.txt", "added on syncthing\n");
    await stScan("so");
    const changed = await st.rest<{ files: { name: string }[] }>("GET", "/rest/db/localchanged?folder=so");
    expect(changed.files.map((f) => f.name).sort()).toEqual(["p.txt", "st-only.txt"]);
    await waitFor(() => !!ferry.rt.sync.store.get("so", st.deviceId, "st-only.txt"), "Syncthing's index on Ferry");
    const rec = ferry.rt.sync.store.get("so", st.deviceId, "p.txt")!;
    expect(rec.invalid).toBe(true);
    expect(rec.version).toEqual([]);
    await ferry.rt.sync.runner("so").idle();
    expect(get(fdir("so"), "p.txt")).toBe("p from ferry\n");
    expect(fs.existsSync(path.join(fdir("so"), "st-only.txt"))).toBe(false);
    expect(ferry.rt.sync.outOfSync("so")).toEqual([]);
  });

  it("Revert on Syncthing restores Ferry's state", async () => {
    await st.rest("POST", "/rest/db/revert?folder=so");
    await waitFor(() => !fs.existsSync(path.join(sdir("so"), "st-only.txt")) && get(sdir("so"), "p.txt") === "p from ferry\n", "Syncthing's revert");
    await waitFor(() => same("so"), "Syncthing back to Ferry's state");
  });

  it("a change on Ferry reaches Syncthing; a Syncthing edit is out of sync on Ferry until Override", async () => {
    put(fdir("so"), "q.txt", "q edited on ferry, v2\n");
    await ferry.rt.sync.rescan("so", { wait: true });
    await waitFor(() => get(sdir("so"), "q.txt") === "q edited on ferry, v2\n", "Ferry's edit on Syncthing");

    await st.rest("PATCH", "/rest/config/folders/so", { type: "sendreceive" });
    await waitFor(async () => (await st.rest<{ state: string }>("GET", "/rest/db/status?folder=so")).state === "idle", "Syncthing's folder to restart");
    put(sdir("so"), "q.txt", "q edited on syncthing after becoming send-receive\n");
    await stScan("so");
    await waitFor(() => ferry.rt.sync.outOfSync("so").length === 1, "Ferry to list q.txt as out of sync");
    expect(ferry.rt.sync.outOfSync("so")).toMatchObject([{ name: "q.txt", action: "modify", device: st.deviceId }]);
    expect(get(fdir("so"), "q.txt")).toBe("q edited on ferry, v2\n");

    await ferry.rt.sync.override("so", "test");
    await waitFor(() => get(sdir("so"), "q.txt") === "q edited on ferry, v2\n", "Ferry's Override to win on Syncthing");
    await waitFor(() => same("so"), "convergence");
    expect(ferry.rt.sync.outOfSync("so")).toEqual([]);
  });
});
