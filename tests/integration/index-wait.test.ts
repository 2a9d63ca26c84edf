/**
 * A folder that has just been shared is not "up to date" before the peer's index has arrived: the
 * peer's ClusterConfig announces how far its index goes, and until entries arrive the status names
 * the device we are waiting for (the console shows "Waiting for index" instead of "Up to date").
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DeviceId, emptyFileInfo, FileInfoType } from "../../server/sync/protocol";
import { engineStatus } from "../../server/sync/status";
import { clusterConfigFor, connectRaw, createRawPeerIdentity, type RawConnection, type RawPeerIdentity } from "../support/raw-peer";
import { startSyncNode, waitFor, type TestSyncNode } from "../support/sync-nodes";

let node: TestSyncNode;
let peer: RawPeerIdentity;
let quiet: RawPeerIdentity;
const open: RawConnection[] = [];

beforeAll(async () => {
  node = await startSyncNode({ name: "node" });
  peer = createRawPeerIdentity();
  quiet = createRawPeerIdentity();
  node.rt.sync.addDevice({ deviceId: peer.deviceId, name: "peer" }, "test");
  node.rt.sync.addDevice({ deviceId: quiet.deviceId, name: "quiet" }, "test");
  for (const id of ["full", "empty"]) {
    fs.mkdirSync(path.join(node.home, id));
    node.rt.sync.addFolder({ id, path: path.join(node.home, id), devices: [peer.deviceId, quiet.deviceId] }, "test");
  }
  await waitFor(() => engineStatus(node.rt.sync).folders.every((f) => f.state === "idle"), "both folders idle");
});

afterAll(async () => {
  for (const c of open) c.destroy();
  await node?.close();
});

const folder = (id: string) => engineStatus(node.rt.sync).folders.find((f) => f.id === id)!;

it("waits for an announced index before calling the folder up to date, and not for a peer that has nothing", async () => {
  const nodeId = DeviceId.parse(node.deviceId);
  const conn = await connectRaw(node.address, peer);
  open.push(conn);
  // The peer announces three entries in "full" and none in "empty", then sends nothing yet.
  const cc = clusterConfigFor("full", peer, nodeId, 7n, 3);
  cc.folders.push(clusterConfigFor("empty", peer, nodeId, 8n, 0).folders[0]);
  conn.send({ type: "clusterConfig", message: cc });
  await conn.waitFrame("clusterConfig");
  await waitFor(() => folder("full").awaitingIndexFrom.includes(peer.deviceId), "the node to wait for the peer's index");
  expect(folder("full").state).toBe("idle"); // nothing to do locally, yet not known to be up to date
  expect(folder("empty").awaitingIndexFrom).toEqual([]);

  // A device that is configured but not connected is never waited for.
  expect(folder("full").awaitingIndexFrom).not.toContain(quiet.deviceId);

  // The index arrives (three directories): the wait is over and the entries are applied.
  const files = ["a", "b", "c"].map((name, i) => ({
    ...emptyFileInfo(name),
    type: FileInfoType.Directory,
    permissions: 0o755,
    modifiedS: Math.floor(Date.now() / 1000),
    version: [{ id: peer.id.shortId(), value: BigInt(i + 1) }],
    sequence: i + 1,
  }));
  conn.send({ type: "index", message: { folder: "full", files, lastSequence: 0, prevSequence: 0 } });
  await waitFor(() => folder("full").awaitingIndexFrom.length === 0, "the wait to end once the index arrived");
  await waitFor(() => ["a", "b", "c"].every((d) => fs.statSync(path.join(node.home, "full", d)).isDirectory()), "the announced directories on disk");
});
