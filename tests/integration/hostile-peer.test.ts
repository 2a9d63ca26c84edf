/**
 * A configured device that misbehaves: hostile names in Index messages, a symlink leading out of
 * the folder, garbage and truncated frames, Requests for files outside the folder, and a
 * connection-level fuzz. The node is a real process; a well-behaved Ferry peer (in-process
 * engine) shares the same folder and must keep syncing throughout.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceId, emptyFileInfo, encodeMessage, FileInfoType, type BepMessage, type FileInfo } from "../../server/sync/protocol";
import { callApi, startNode, type NodeProcess } from "../support/node-process";
import { clusterConfigFor, connectRaw, createRawPeerIdentity, type RawConnection, type RawPeerIdentity } from "../support/raw-peer";
import { startSyncNode, waitFor, type TestSyncNode } from "../support/sync-nodes";

const FOLDER = "shared";
let node: NodeProcess;
let nodeAddress: string;
let nodeId: DeviceId;
let folderDir: string;
let outside: string;
let good: TestSyncNode;
let goodDir: string;
let raw: RawPeerIdentity;
const fuzzPeers: RawPeerIdentity[] = [];
const open: RawConnection[] = [];

beforeAll(async () => {
  outside = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-outside-"));
  node = await startNode();
  nodeAddress = /sync listening on (tcp:\/\/[\d.]+:\d+)/.exec(node.log())![1];
  nodeId = DeviceId.parse(node.deviceId);
  folderDir = path.join(node.home, FOLDER);
  raw = createRawPeerIdentity();
  for (let i = 0; i < 4; i++) fuzzPeers.push(createRawPeerIdentity());
  good = await startSyncNode({ name: "good" });
  goodDir = path.join(good.home, FOLDER);

  for (const p of [raw, ...fuzzPeers]) await callApi(node, "devices.add", { deviceId: p.deviceId, name: "raw" }, "mutation");
  await callApi(node, "devices.add", { deviceId: good.deviceId, name: "good", addresses: [good.address] }, "mutation");
  const devices = [raw, ...fuzzPeers].map((p) => p.deviceId).concat(good.deviceId);
  await callApi(node, "folders.add", { id: FOLDER, path: folderDir, devices, fsWatcherDelayS: 0.2 }, "mutation");
  good.rt.sync.addDevice({ deviceId: node.deviceId, name: "node", addresses: [nodeAddress] }, "test");
  good.rt.sync.addFolder({ id: FOLDER, path: goodDir, devices: [node.deviceId], fsWatcherDelayS: 0.2 }, "test");
}, 300_000); // the node may first rebuild the console

afterAll(async () => {
  for (const c of open) c.destroy();
  await good?.close();
  await node?.stop();
  fs.rmSync(outside, { recursive: true, force: true });
});

/** A file entry the way a peer announces it: one block of real content, version from the raw peer. */
function fileEntry(name: string, data: Uint8Array, sequence: number, extra: Partial<FileInfo> = {}): FileInfo {
  return {
    ...emptyFileInfo(name),
    size: data.length,
    permissions: 0o644,
    modifiedS: Math.floor(Date.now() / 1000),
    version: [{ id: raw.id.shortId(), value: BigInt(sequence) }],
    sequence,
    blockSize: 128 * 1024,
    blocks: data.length ? [{ offset: 0, size: data.length, hash: createHash("sha256").update(data).digest(), weakHash: 0 }] : [],
    ...extra,
  };
}

const contents = new Map<string, Uint8Array>();
let seq = 0;

/** A fresh connection from the raw peer that has sent its ClusterConfig and serves `contents`. */
async function rawSession(peer = raw): Promise<RawConnection> {
  const conn = await connectRaw(nodeAddress, peer);
  open.push(conn);
  conn.serveBlocks = (name, offset, size) => contents.get(name)?.subarray(offset, offset + size) ?? null;
  conn.send({ type: "clusterConfig", message: clusterConfigFor(FOLDER, peer, nodeId) });
  await conn.waitFrame("clusterConfig");
  return conn;
}

function indexOf(files: FileInfo[], update = false): BepMessage {
  return { type: update ? "indexUpdate" : "index", message: { folder: FOLDER, files, lastSequence: seq, prevSequence: 0 } };
}

const outsideEntries = () => fs.readdirSync(outside);

async function nodeAlive() {
  expect(node.child.exitCode).toBeNull();
  expect(await callApi(node, "system.health")).toEqual({ ok: true });
}

/** The well-behaved peer still gets a file through to the node. */
async function goodPeerStillSyncs(tag: string) {
  const name = `from-good-${tag}.txt`;
  fs.mkdirSync(goodDir, { recursive: true });
  fs.writeFileSync(path.join(goodDir, name), `good peer ${tag}\n`);
  await good.rt.sync.rescan(FOLDER);
  await waitFor(() => fs.existsSync(path.join(folderDir, name)) && fs.readFileSync(path.join(folderDir, name), "utf8") === `good peer ${tag}\n`, `${name} on the node`, 30_000);
}

describe("a hostile configured peer", () => {
  it("the well-behaved peer syncs before anything happens", async () => {
    await goodPeerStillSyncs("start");
  });

  const closingNames: [string, string, RegExp][] = [
    ["a parent-directory escape", "../escaped.txt", /canonical/],
    ["a nested parent escape", "sub/../../escaped.txt", /canonical/],
    ["an absolute path", `${"/tmp"}/escaped-absolute.txt`, /canonical/],
    ["a NUL byte", "nul\0byte.txt", /NUL/],
    ["a non-NFC name", "cafe\u0301.txt", /NFC/],
    ["an oversized component", "x".repeat(300), /longer than 255/],
    ["an oversized path", Array.from({ length: 20 }, () => "d".repeat(250)).join("/"), /longer than 4095/],
  ];
  for (const [what, name, reason] of closingNames) {
    it(`closes the connection with a reason for ${what}, writes nothing`, async () => {
      const conn = await rawSession();
      const data = Buffer.from(`evil ${what}\n`);
      contents.set(name, data);
      conn.send(indexOf([fileEntry(name, data, ++seq)]));
      const got = await conn.waitClosed();
      expect(got).toMatch(reason);
      expect(outsideEntries()).toEqual([]);
      expect(fs.existsSync(path.join(path.dirname(folderDir), "escaped.txt"))).toBe(false);
      expect(fs.existsSync("/tmp/escaped-absolute.txt")).toBe(false);
      await nodeAlive();
    });
  }

  it("ignores Syncthing-internal and temporary names without writing them, and keeps the connection", async () => {
    const conn = await rawSession();
    const names = [".stfolder/evil", ".stignore", ".syncthing.evil.tmp", "sub/~syncthing~evil.tmp"];
    for (const n of names) contents.set(n, Buffer.from("internal\n"));
    conn.send(indexOf(names.map((n) => fileEntry(n, contents.get(n)!, ++seq))));
    // A legitimate file after them proves the index was processed.
    const okData = Buffer.from("an ordinary file\n");
    contents.set("ordinary.txt", okData);
    conn.send(indexOf([fileEntry("ordinary.txt", okData, ++seq)], true));
    await waitFor(() => fs.existsSync(path.join(folderDir, "ordinary.txt")), "ordinary.txt pulled from the raw peer");
    expect(fs.readFileSync(path.join(folderDir, "ordinary.txt"))).toEqual(okData);
    expect(fs.existsSync(path.join(folderDir, ".stignore"))).toBe(false);
    expect(fs.existsSync(path.join(folderDir, ".stfolder/evil"))).toBe(false);
    expect(fs.existsSync(path.join(folderDir, "sub/~syncthing~evil.tmp"))).toBe(false);
    expect(conn.ended).toBe(false);
    conn.destroy();
    await nodeAlive();
  });

  it("keeps a backslash as an ordinary byte of a Linux name, inside the folder", async () => {
    const conn = await rawSession();
    const name = "..\\..\\backslash-evil.txt";
    const data = Buffer.from("backslashes are just bytes\n");
    contents.set(name, data);
    conn.send(indexOf([fileEntry(name, data, ++seq)]));
    await waitFor(() => fs.existsSync(path.join(folderDir, name)), "the backslash file inside the folder");
    expect(fs.readFileSync(path.join(folderDir, name))).toEqual(data);
    expect(fs.existsSync(path.join(node.home, "backslash-evil.txt"))).toBe(false);
    expect(outsideEntries()).toEqual([]);
    conn.destroy();
  });

  it("never writes through a symlink that points outside the folder", async () => {
    const conn = await rawSession();
    const link: FileInfo = { ...emptyFileInfo("link"), type: FileInfoType.Symlink, symlinkTarget: outside, permissions: 0o777, modifiedS: Math.floor(Date.now() / 1000), version: [{ id: raw.id.shortId(), value: 1n }], sequence: ++seq };
    conn.send(indexOf([link], true));
    await waitFor(() => fs.lstatSync(path.join(folderDir, "link"), { throwIfNoEntry: false })?.isSymbolicLink() === true, "the symlink on the node");
    const data = Buffer.from("written through the link\n");
    contents.set("link/evil", data);
    conn.send(indexOf([fileEntry("link/evil", data, ++seq)], true));
    type FolderRow = { id: string; state: string; failedItems: { name: string; reason: string }[] };
    const folderRow = async () => (await callApi<FolderRow[]>(node, "folders.list")).find((x) => x.id === FOLDER)!;
    await waitFor(async () => (await folderRow()).failedItems.some((i) => i.name === "link/evil"), "link/evil reported as a failed item");
    expect((await folderRow()).failedItems.find((i) => i.name === "link/evil")!.reason).toMatch(/symlink/);
    expect(outsideEntries()).toEqual([]);

    // Link and file in one message, the file listed first: links are made before any file of the
    // same pull (Syncthing's order), so the file is refused at the link and never raced against
    // it; nothing lands outside and no temp link is left behind.
    const fileSeq = ++seq;
    const link2: FileInfo = { ...link, name: "link2", sequence: ++seq };
    contents.set("link2/evil", data);
    conn.send(indexOf([fileEntry("link2/evil", data, fileSeq), link2], true));
    await waitFor(async () => {
      const row = await folderRow();
      return row.state === "idle" && row.failedItems.some((i) => i.name === "link2/evil");
    }, "link2/evil refused");
    expect(fs.lstatSync(path.join(folderDir, "link2")).isSymbolicLink()).toBe(true);
    expect((await folderRow()).failedItems.find((i) => i.name === "link2/evil")!.reason).toMatch(/symlink/);
    expect(fs.readdirSync(folderDir).filter((n) => n.startsWith(".syncthing.link"))).toEqual([]);
    expect(outsideEntries()).toEqual([]);
    conn.destroy();
    await nodeAlive();
  });

  it("closes on Requests for paths outside the folder and serves nothing", async () => {
    for (const name of ["../../etc/passwd", "/etc/passwd", "link/../../../etc/passwd"]) {
      const conn = await rawSession();
      conn.send({ type: "request", message: { id: 7, folder: FOLDER, name, offset: 0, size: 4096, hash: new Uint8Array(0), fromTemporary: false, weakHash: 0, blockNo: 0 } });
      expect(await conn.waitClosed()).toMatch(/canonical/);
      expect(conn.frames.some((f) => f.type === "response")).toBe(false);
    }
    // Through the symlink: the name is canonical, but nothing outside the index is served.
    fs.writeFileSync(path.join(outside, "secret"), "secret");
    try {
      const conn = await rawSession();
      conn.send({ type: "request", message: { id: 8, folder: FOLDER, name: "link/secret", offset: 0, size: 6, hash: new Uint8Array(0), fromTemporary: false, weakHash: 0, blockNo: 0 } });
      await conn.waitFrame("response");
      const res = conn.frames.find((f) => f.type === "response")!;
      expect(res.type === "response" && res.message.code).toBe(2); // no such file
      expect(res.type === "response" && Buffer.from(res.message.data).toString()).toBe("");
      conn.destroy();
    } finally {
      fs.rmSync(path.join(outside, "secret"));
    }
    await nodeAlive();
  });

  it("closes on truncated and random frames and survives a peer that hangs up mid-frame", async () => {
    const frame = encodeIndexFrame();
    // A body cut short while its length says otherwise is a protobuf error once padded out.
    let conn = await rawSession();
    const headerLen = frame.readUInt16BE(0);
    const body = frame.subarray(2 + headerLen + 4);
    const cutBody = body.subarray(0, body.length - 5);
    const prefix = Buffer.from(frame.subarray(0, 2 + headerLen + 4));
    prefix.writeUInt32BE(cutBody.length, 2 + headerLen);
    conn.writeRaw(Buffer.concat([prefix, cutBody]));
    expect(await conn.waitClosed()).toMatch(/protocol error/);
    // Half a frame, then hang up.
    conn = await rawSession();
    conn.writeRaw(frame.subarray(0, Math.floor(frame.length / 2)));
    conn.socket.end();
    await conn.waitClosed();
    // A declared length beyond the protocol's limit.
    conn = await rawSession();
    conn.writeRaw(Buffer.from([0x00, 0x02, 0x08, 0x01, 0x7f, 0xff, 0xff, 0xff]));
    expect(await conn.waitClosed()).toMatch(/exceeds/);
    // An LZ4 body declaring a huge uncompressed size.
    conn = await rawSession();
    conn.writeRaw(Buffer.from([0x00, 0x04, 0x08, 0x01, 0x10, 0x01, 0x00, 0x00, 0x00, 0x08, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    expect(await conn.waitClosed()).toMatch(/exceeds/);
    // Random bytes.
    for (let i = 0; i < 5; i++) {
      conn = await rawSession();
      conn.writeRaw(Buffer.concat([Buffer.from([0x00, 0x02, 0x08, 0x01, 0x00, 0x00, 0x00, 0x40]), randomBytes(64)]));
      expect(await conn.waitClosed()).toMatch(/protocol error/);
    }
    expect(outsideEntries()).toEqual([]);
    await nodeAlive();
    await goodPeerStillSyncs("after-hostile");
  });

  it("survives a connection-level fuzz of mutated frames and still answers its API", async () => {
    const seeds = seedFrames();
    const perPeer = 125; // 4 peers × 125 connections × 4 frames = 2,000 mutated frames
    let closes = 0;
    const started = Date.now();
    await Promise.all(
      fuzzPeers.map(async (peer) => {
        for (let c = 0; c < perPeer; c++) {
          let conn: RawConnection;
          try {
            conn = await connectRaw(nodeAddress, peer, { timeoutMs: 10_000 });
          } catch {
            continue; // refused as a duplicate of a connection the node has not reaped yet
          }
          conn.send({ type: "clusterConfig", message: clusterConfigFor(FOLDER, peer, nodeId) });
          for (let k = 0; k < 4; k++) conn.writeRaw(mutate(seeds[(c * 4 + k) % seeds.length]));
          await conn.waitClosed(300).catch(() => conn.destroy());
          if (conn.closeReason) closes++;
          await conn.waitClosed(5_000).catch(() => {});
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz: ${fuzzPeers.length * perPeer} connections, ${closes} closed by the node with a reason, ${seconds.toFixed(1)} s`);
    expect(closes).toBeGreaterThan(fuzzPeers.length * perPeer * 0.3);
    expect(outsideEntries()).toEqual([]);
    await nodeAlive();
    await goodPeerStillSyncs("after-fuzz");
  });
});

function encodeIndexFrame(): Buffer {
  const data = Buffer.from("some content\n");
  return Buffer.from(encodeFrame(indexOf([fileEntry("fuzz/seed.txt", data, 1), fileEntry("fuzz/other.txt", data, 2)], true)));
}

/** Uncompressed: mutations then hit protobuf structure rather than only LZ4 tokens. */
function encodeFrame(msg: BepMessage): Uint8Array {
  return encodeMessage(msg, { compress: "never" });
}

function seedFrames(): Uint8Array[] {
  const data = Buffer.from("fuzzed\n");
  return [
    encodeIndexFrame(),
    encodeFrame({ type: "request", message: { id: 1, folder: FOLDER, name: "fuzz/seed.txt", offset: 0, size: 7, hash: new Uint8Array(32), fromTemporary: false, weakHash: 0, blockNo: 0 } }),
    encodeFrame({ type: "clusterConfig", message: clusterConfigFor(FOLDER, raw, nodeId) }),
    encodeFrame({ type: "downloadProgress", message: { folder: FOLDER, updates: [{ updateType: 0, name: "fuzz/seed.txt", version: [{ id: 1n, value: 1n }], blockIndexes: [0, 1], blockSize: 131072 }] } }),
    encodeFrame({ type: "response", message: { id: 3, data, code: 0 } }),
    encodeMessage(indexOf([fileEntry("fuzz/compressed-" + "x".repeat(200), data, 3)], true), { compress: "always" }),
  ];
}

/** Flips, overwrites, truncates or duplicates a few bytes of a valid frame. */
function mutate(frame: Uint8Array): Uint8Array {
  const b = Buffer.from(frame);
  const r = Math.random();
  if (r < 0.15) return b.subarray(0, Math.floor(Math.random() * b.length));
  if (r < 0.25) return Buffer.concat([b, randomBytes(1 + Math.floor(Math.random() * 16))]);
  const n = 1 + Math.floor(Math.random() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(Math.random() * b.length);
    b[at] = Math.random() < 0.5 ? b[at] ^ (1 << Math.floor(Math.random() * 8)) : Math.floor(Math.random() * 256);
  }
  return b;
}
