/**
 * ConnectionService and BepConnection on 127.0.0.1 inside one process: two or more Ferry
 * services, plus raw TLS clients for the hostile cases. Discovery stays off.
 */
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { generateDeviceCertificate } from "../../../server/sync/certificate";
import { BepConnection, RequestError } from "../../../server/sync/connection";
import { ConnectionService, type DeviceLookup } from "../../../server/sync/connections";
import type { Identity } from "../../../server/sync/identity";
import { DeviceId, FrameReader, encodeHelloFrame, encodeMessage, type DecodedFrame } from "../../../server/sync/protocol";

function makeIdentity(commonName = "syncthing"): Identity {
  const { certPem, keyPem } = generateDeviceCertificate(commonName);
  const certDer = new X509Certificate(certPem).raw;
  const id = DeviceId.fromCertificate(certDer);
  return { certPem, keyPem, certDer, id, deviceId: id.toString() };
}

interface Peer {
  identity: Identity;
  service: ConnectionService;
  devices: Map<string, DeviceLookup & { id: DeviceId }>;
  connections: BepConnection[];
  pending: { id: string; name: string; address: string }[];
  logs: string[];
  address: string;
}

const started: Peer[] = [];

async function startPeer(name: string, identity = makeIdentity(), listen = "tcp://127.0.0.1:0", timings: Record<string, number> = {}): Promise<Peer> {
  const devices = new Map<string, DeviceLookup & { id: DeviceId }>();
  const peer: Peer = { identity, devices, connections: [], pending: [], logs: [], address: "", service: null as unknown as ConnectionService };
  peer.service = new ConnectionService({
    identity,
    listen: [listen],
    hello: () => ({ deviceName: name, clientName: "ferry", clientVersion: "v0.1.0", numConnections: 1, timestamp: BigInt(Date.now()) * 1_000_000n }),
    lookupDevice: (id) => devices.get(id.toString()) ?? null,
    configuredDevices: () => [...devices.values()].map((d) => d.id),
    onPendingDevice: (id, n, address) => peer.pending.push({ id: id.toString(), name: n, address }),
    onConnection: (conn) => {
      peer.connections.push(conn);
      // BEP requires a ClusterConfig first; an empty one is valid.
      void conn.send({ type: "clusterConfig", message: { folders: [], secondary: false } }).catch(() => {});
    },
    log: (line) => peer.logs.push(line),
    timings: { dialTickMs: 50, backoffMinMs: 100, backoffMaxMs: 400, handshakeTimeoutMs: 3000, dialTimeoutMs: 3000, ...timings },
  });
  await peer.service.start();
  peer.address = peer.service.listenAddresses[0];
  started.push(peer);
  return peer;
}

function configure(peer: Peer, other: Identity, addresses: string[], extra: Partial<DeviceLookup> = {}): void {
  peer.devices.set(other.deviceId, { id: other.id, addresses, paused: false, certName: "", ...extra });
  peer.service.dialNow(other.id);
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const portOf = (address: string) => Number(address.split(":").pop());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.service.stop()));
});

/** Connects two fresh peers, A dialing B, and returns both ends once ClusterConfigs are exchanged. */
async function connectedPair() {
  const a = await startPeer("alpha");
  const b = await startPeer("beta");
  configure(b, a.identity, ["dynamic"]);
  configure(a, b.identity, [b.address]);
  const atA = await waitFor("A's connection", () => a.service.connection(b.identity.id));
  const atB = await waitFor("B's connection", () => b.service.connection(a.identity.id));
  return { a, b, atA, atB };
}

describe("ConnectionService", () => {
  it("connects two configured devices and exposes each side's Hello", async () => {
    const { a, b, atA, atB } = await connectedPair();
    expect(atA.direction).toBe("outgoing");
    expect(atB.direction).toBe("incoming");
    expect(atA.remoteHello).toMatchObject({ deviceName: "beta", clientName: "ferry", clientVersion: "v0.1.0", numConnections: 1 });
    expect(atB.remoteHello.deviceName).toBe("alpha");
    expect(atA.deviceId.equals(b.identity.id)).toBe(true);
    expect(atA.remoteAddress).toBe(b.address);
    expect(atB.remoteAddress).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    await waitFor("traffic counted", () => atA.bytesIn > 0 && atB.bytesOut > 0);
    expect(a.connections).toHaveLength(1);
    expect(b.connections).toHaveLength(1);
  });

  it("answers requests concurrently and matches out-of-order responses by id", async () => {
    const { atA, atB } = await connectedPair();
    atB.on("request", (req, respond) => {
      if (req.name === "missing") return respond({ code: 2 });
      const data = new TextEncoder().encode(`${req.name}@${req.offset}`);
      if (req.name === "slow") setTimeout(() => respond({ data }), 150);
      else respond({ data });
    });
    const base = { folder: "f", offset: 0, size: 10, hash: new Uint8Array(0), fromTemporary: false, weakHash: 0, blockNo: 0 };
    const order: string[] = [];
    const slow = atA.request({ ...base, name: "slow" }).then((d) => (order.push("slow"), new TextDecoder().decode(d)));
    const fast = atA.request({ ...base, name: "fast", offset: 7 }).then((d) => (order.push("fast"), new TextDecoder().decode(d)));
    expect(await Promise.all([slow, fast])).toEqual(["slow@0", "fast@7"]);
    expect(order).toEqual(["fast", "slow"]);
    const err = await atA.request({ ...base, name: "missing" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).code).toBe(2);
  });

  it("carries block-sized responses without joining them: pieces from requestParts, one buffer from request", async () => {
    const { atA, atB } = await connectedPair();
    const blocks = [4096, 131_072, 1_048_576].map((n, i) => Buffer.alloc(n, i + 1).map((b, j) => (b + j) & 0xff));
    let released = 0;
    atB.on("request", (req, respond) => respond({ data: blocks[req.offset], release: () => released++ }));
    const base = { folder: "f", name: "x", size: 0, hash: new Uint8Array(0), fromTemporary: false, weakHash: 0, blockNo: 0 };
    for (const [i, want] of blocks.entries()) {
      const parts = await atA.requestParts({ ...base, offset: i });
      expect(Buffer.concat(parts).equals(want)).toBe(true);
      expect(Buffer.from(await atA.request({ ...base, offset: i })).equals(want)).toBe(true);
      // A TLS record holds at most 16 KiB, so a 1 MiB block arrives in many chunks and stays so.
      if (want.length > 65_536) expect(parts.length).toBeGreaterThan(1);
    }
    // Each answer's buffer is handed back once it is written, so the server may reuse it.
    await waitFor("every answer released", () => released === 2 * blocks.length);
  });

  it("records an unknown device as pending and drops it", async () => {
    const a = await startPeer("alpha");
    const stranger = await startPeer("stranger");
    configure(stranger, a.identity, [a.address]);
    const p = await waitFor("pending entry", () => a.pending[0]);
    expect(p).toMatchObject({ id: stranger.identity.deviceId, name: "stranger" });
    expect(p.address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    await sleep(200);
    expect(a.connections).toHaveLength(0);
    expect(stranger.service.connection(a.identity.id)).toBeUndefined();
  });

  it("drops a connection to itself", async () => {
    const a = await startPeer("alpha");
    configure(a, a.identity, [a.address]);
    await sleep(300);
    expect(a.connections).toHaveLength(0);
    // The dialer never dials its own ID, so present A's own certificate from a raw client.
    const socket = tls.connect({ host: "127.0.0.1", port: portOf(a.address), cert: a.identity.certPem, key: a.identity.keyPem, ALPNProtocols: ["bep/1.0"], minVersion: "TLSv1.3", rejectUnauthorized: false });
    let received = 0;
    socket.on("data", (d: Buffer) => (received += d.length));
    socket.on("error", () => {});
    await new Promise((r) => socket.once("close", r));
    expect(received).toBe(0); // dropped before any Hello
    expect(a.logs.some((l) => l.includes("connected to myself"))).toBe(true);
    expect(a.connections).toHaveLength(0);
  });

  it("refuses a known device whose certificate name does not match", async () => {
    const a = await startPeer("alpha");
    const odd = await startPeer("odd", makeIdentity("notsyncthing"));
    configure(a, odd.identity, ["dynamic"]);
    configure(odd, a.identity, [a.address]);
    await waitFor("bad certificate log", () => a.logs.some((l) => l.includes("bad certificate")));
    expect(a.connections).toHaveLength(0);
    // With the matching certName configured, the same device is accepted.
    configure(a, odd.identity, ["dynamic"], { certName: "notsyncthing" });
    await waitFor("accepted with certName", () => a.service.connection(odd.identity.id));
  });

  it("closes a connection that sends a malformed frame, with a Close reason, and keeps the others", async () => {
    const { a, b, atA } = await connectedPair();
    const rogue = makeIdentity();
    configure(b, rogue, ["dynamic"]);
    const socket = tls.connect({ host: "127.0.0.1", port: portOf(b.address), cert: rogue.certPem, key: rogue.keyPem, ALPNProtocols: ["bep/1.0"], minVersion: "TLSv1.3", rejectUnauthorized: false });
    const frames: DecodedFrame[] = [];
    const reader = new FrameReader();
    let ended = false;
    socket.on("data", (d: Buffer) => frames.push(...reader.feed(d)));
    socket.on("close", () => (ended = true));
    await new Promise((r) => socket.once("secureConnect", r));
    socket.write(encodeHelloFrame({ deviceName: "rogue", clientName: "x", clientVersion: "v0", numConnections: 1, timestamp: 1n }));
    socket.write(encodeMessage({ type: "clusterConfig", message: { folders: [], secondary: false } }));
    await waitFor("rogue accepted", () => b.service.connection(rogue.id));
    socket.write(Buffer.from([0xff, 0xff, 0, 0, 0, 0])); // header length -1
    await waitFor("rogue disconnected", () => ended);
    const close = frames.find((f) => f.type === "close");
    expect(close?.type === "close" && close.message.reason).toMatch(/protocol error: negative header length/);
    expect(b.service.connection(rogue.id)).toBeUndefined();
    expect(atA.closed).toBe(false);
    expect(b.service.connection(a.identity.id)).toBeDefined();
  });

  it("reconnects after the peer restarts on the same address", async () => {
    const { a, b, atA } = await connectedPair();
    const closed = new Promise<string>((r) => atA.once("closed", r));
    await b.service.stop();
    expect(await closed).toMatch(/shutting down/);
    const b2 = await startPeer("beta again", b.identity, b.address);
    configure(b2, a.identity, ["dynamic"]);
    const again = await waitFor("reconnected", () => a.service.connection(b.identity.id), 5000);
    expect(again).not.toBe(atA);
    expect(again.remoteHello.deviceName).toBe("beta again");
  });

  it("rejects outstanding requests when the connection closes", async () => {
    const { atA, atB } = await connectedPair();
    atB.on("request", () => {}); // never answers
    const pending = atA.request({ folder: "f", name: "x", offset: 0, size: 1, hash: new Uint8Array(0), fromTemporary: false, weakHash: 0, blockNo: 0 });
    await sleep(50);
    atA.close("test over");
    await expect(pending).rejects.toMatchObject({ name: "ConnectionClosedError" });
  });

  it("settles on one connection when both sides dial each other at once", async () => {
    const a = await startPeer("alpha");
    const b = await startPeer("beta");
    configure(a, b.identity, [b.address]);
    configure(b, a.identity, [a.address]);
    await waitFor("both connected", () => a.service.connection(b.identity.id) && b.service.connection(a.identity.id));
    await sleep(500);
    const atA = a.service.connection(b.identity.id);
    const atB = b.service.connection(a.identity.id);
    expect(atA?.closed).toBe(false);
    expect(atB?.closed).toBe(false);
    // The same TCP connection seen from both ends: one dialed, the other accepted.
    expect(atA?.direction).not.toBe(atB?.direction);
    expect(a.service.connections()).toHaveLength(1);
  });

  it("pings when idle, so a peer with a short receive timeout keeps the connection", async () => {
    const a = await startPeer("alpha", makeIdentity(), "tcp://127.0.0.1:0", { pingCheckMs: 50, pingIdleMs: 50, receiveTimeoutMs: 100_000 });
    const b = await startPeer("beta", makeIdentity(), "tcp://127.0.0.1:0", { receiveTimeoutMs: 400 });
    configure(b, a.identity, ["dynamic"]);
    configure(a, b.identity, [b.address]);
    const atA = await waitFor("connected", () => a.service.connection(b.identity.id));
    const before = atA.bytesOut;
    await sleep(1000);
    // A pings, so B (with its short receive timeout) keeps the connection.
    expect(atA.bytesOut).toBeGreaterThan(before);
    expect(atA.closed).toBe(false);
    expect(b.service.connection(a.identity.id)?.closed).toBe(false);
  });

  it("closes with \"read timeout\" when a peer goes silent", async () => {
    const b = await startPeer("beta", makeIdentity(), "tcp://127.0.0.1:0", { receiveTimeoutMs: 300 });
    const quiet = makeIdentity();
    configure(b, quiet, ["dynamic"]);
    const socket = tls.connect({ host: "127.0.0.1", port: portOf(b.address), cert: quiet.certPem, key: quiet.keyPem, ALPNProtocols: ["bep/1.0"], minVersion: "TLSv1.3", rejectUnauthorized: false });
    const reader = new FrameReader();
    const frames: DecodedFrame[] = [];
    socket.on("data", (d: Buffer) => frames.push(...reader.feed(d)));
    await new Promise((r) => socket.once("secureConnect", r));
    socket.write(encodeHelloFrame({ deviceName: "quiet", clientName: "x", clientVersion: "v0", numConnections: 1, timestamp: 1n }));
    await new Promise((r) => socket.once("close", r));
    expect(frames.some((f) => f.type === "close" && f.message.reason === "read timeout")).toBe(true);
  });
});
