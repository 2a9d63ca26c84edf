import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";
import { startSyncthing, type SyncthingInstance } from "../support/syncthing";

// Real Syncthing 1.19.2 from Debian on loopback, both directions, on the same mixed data.
let ferry: TestSyncNode;
let st: SyncthingInstance;
let dirF: string;
let dirS: string;

function writeMixed(root: string) {
  fs.mkdirSync(path.join(root, "a/b/c"), { recursive: true });
  fs.writeFileSync(path.join(root, "readme.md"), "# hello\n");
  fs.writeFileSync(path.join(root, "empty.txt"), "");
  fs.writeFileSync(path.join(root, "a/b/c/data.bin"), randomBytes(2 * 1024 * 1024 + 5));
  fs.writeFileSync(path.join(root, "Grüße ☃.txt"), "unicode");
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(root, "a", `small-${i}.txt`), `file ${i}\n`);
}

beforeAll(async () => {
  ferry = await startSyncNode({ name: "ferry" });
  st = await startSyncthing({ reconnectIntervalS: 1 });
  dirF = path.join(ferry.home, "shared");
  dirS = path.join(st.home, "shared");
  fs.mkdirSync(dirS, { recursive: true });
  writeMixed(dirF);
  ferry.rt.sync.addDevice({ deviceId: st.deviceId, name: "syncthing", addresses: [st.syncAddress] }, "test");
  await st.addDevice(ferry.deviceId, ferry.address, "ferry");
  ferry.rt.sync.addFolder({ id: "shared", path: dirF, devices: [st.deviceId], fsWatcherDelayS: 0.2 }, "test");
  await st.addFolder({ id: "shared", path: dirS, devices: [ferry.deviceId], fsWatcherEnabled: true, fsWatcherDelayS: 1, rescanIntervalS: 3600 });
}, 120_000);

afterAll(async () => {
  await ferry?.close();
  await st?.stop();
});

const same = () => JSON.stringify(treeOf(dirF)) === JSON.stringify(treeOf(dirS));

describe("Ferry and real Syncthing 1.19", () => {
  it("Ferry → Syncthing: Syncthing receives the mixed data byte for byte", async () => {
    await waitFor(() => ferry.rt.sync.sessions.has(st.deviceId), "connection to Syncthing", 60_000);
    const session = ferry.rt.sync.sessions.get(st.deviceId)!;
    expect(session.conn.remoteHello.clientName).toBe("syncthing");
    await waitFor(same, "Syncthing to receive everything", 90_000);
    expect(treeOf(dirS)).toEqual(treeOf(dirF));
  });

  it("Syncthing → Ferry: a new file, an edit, a rename and a delete made on Syncthing arrive", async () => {
    fs.writeFileSync(path.join(dirS, "from-syncthing.txt"), "made by syncthing\n");
    fs.writeFileSync(path.join(dirS, "readme.md"), "# edited by syncthing\n");
    fs.renameSync(path.join(dirS, "a/small-1.txt"), path.join(dirS, "a/renamed-1.txt"));
    fs.rmSync(path.join(dirS, "a/small-2.txt"));
    await st.rest("POST", "/rest/db/scan?folder=shared");
    await waitFor(
      () =>
        fs.existsSync(path.join(dirF, "from-syncthing.txt")) &&
        fs.readFileSync(path.join(dirF, "readme.md"), "utf8") === "# edited by syncthing\n" &&
        fs.existsSync(path.join(dirF, "a/renamed-1.txt")) &&
        !fs.existsSync(path.join(dirF, "a/small-1.txt")) &&
        !fs.existsSync(path.join(dirF, "a/small-2.txt")),
      "Syncthing's changes on Ferry",
      60_000,
    );
    await waitFor(same, "convergence", 30_000);
  });

  it("Ferry → Syncthing: a rename and a delete made on Ferry cross over", async () => {
    fs.renameSync(path.join(dirF, "a/small-3.txt"), path.join(dirF, "a/renamed-3.txt"));
    fs.rmSync(path.join(dirF, "a/small-4.txt"));
    await waitFor(() => fs.existsSync(path.join(dirS, "a/renamed-3.txt")) && !fs.existsSync(path.join(dirS, "a/small-3.txt")) && !fs.existsSync(path.join(dirS, "a/small-4.txt")), "Ferry's changes on Syncthing", 60_000);
    await waitFor(same, "convergence", 30_000);
  });

  it("a concurrent edit gives the same conflict copy name on both sides", async () => {
    await st.rest("POST", `/rest/system/pause?device=${ferry.deviceId}`);
    await waitFor(() => !ferry.rt.sync.sessions.has(st.deviceId), "disconnect", 30_000);
    fs.writeFileSync(path.join(dirS, "conflict.txt"), "syncthing's version\n");
    await st.rest("POST", "/rest/db/scan?folder=shared");
    await new Promise((r) => setTimeout(r, 1200));
    fs.writeFileSync(path.join(dirF, "conflict.txt"), "ferry's version, newer\n");
    await ferry.rt.sync.rescan("shared", { wait: true });
    await st.rest("POST", `/rest/system/resume?device=${ferry.deviceId}`);
    const copies = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith("conflict.sync-conflict-"));
    await waitFor(() => copies(dirS).length === 1 && copies(dirF).length === 1 && same(), "one conflict copy on each side", 90_000);
    expect(copies(dirF)).toEqual(copies(dirS));
    // Ferry's edit is newer, so it wins; the copy is named after the winner's short ID.
    expect(copies(dirS)[0]).toMatch(new RegExp(`^conflict\\.sync-conflict-\\d{8}-\\d{6}-${ferry.deviceId.slice(0, 7)}\\.txt$`));
    expect(fs.readFileSync(path.join(dirS, "conflict.txt"), "utf8")).toBe("ferry's version, newer\n");
    expect(fs.readFileSync(path.join(dirF, copies(dirF)[0]), "utf8")).toBe("syncthing's version\n");
  });
});
