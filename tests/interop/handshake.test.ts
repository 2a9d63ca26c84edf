/**
 * TLS + Hello + ClusterConfig against Debian's real Syncthing 1.19.2 on loopback, in both
 * directions, plus pending devices on both sides. Discovery is off everywhere.
 */
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDeviceCertificate } from "../../server/sync/certificate";
import type { BepConnection } from "../../server/sync/connection";
import { ConnectionService, type DeviceLookup } from "../../server/sync/connections";
import type { Identity } from "../../server/sync/identity";
import { DeviceId, type ClusterConfig } from "../../server/sync/protocol";
import { SYNCTHING_BIN, startSyncthing, type SyncthingInstance } from "../support/syncthing";

const haveSyncthing = fs.existsSync(SYNCTHING_BIN);

function makeIdentity(): Identity {
  const { certPem, keyPem } = generateDeviceCertificate();
  const certDer = new X509Certificate(certPem).raw;
  const id = DeviceId.fromCertificate(certDer);
  return { certPem, keyPem, certDer, id, deviceId: id.toString() };
}

interface Ferry {
  identity: Identity;
  service: ConnectionService;
  devices: Map<string, DeviceLookup>;
  pending: { id: string; name: string; address: string }[];
  connected: Promise<{ conn: BepConnection; clusterConfig: ClusterConfig }>;
  address: string;
  logs: string[];
}

async function startFerry(name: string): Promise<Ferry> {
  const identity = makeIdentity();
  const devices = new Map<string, DeviceLookup>();
  const pending: Ferry["pending"] = [];
  const logs: string[] = [];
  let resolveConnected!: (v: { conn: BepConnection; clusterConfig: ClusterConfig }) => void;
  const connected = new Promise<{ conn: BepConnection; clusterConfig: ClusterConfig }>((r) => (resolveConnected = r));
  const service = new ConnectionService({
    identity,
    listen: ["tcp://127.0.0.1:0"],
    hello: () => ({ deviceName: name, clientName: "ferry", clientVersion: "v0.1.0", numConnections: 1, timestamp: BigInt(Date.now()) * 1_000_000n }),
    lookupDevice: (id) => devices.get(id.toString()) ?? null,
    configuredDevices: () => [...devices.keys()].map((k) => DeviceId.parse(k)),
    onPendingDevice: (id, n, address) => pending.push({ id: id.toString(), name: n, address }),
    onConnection: (conn) => {
      conn.once("clusterConfig", (clusterConfig) => resolveConnected({ conn, clusterConfig }));
      void conn.send({ type: "clusterConfig", message: { folders: [], secondary: false } }).catch(() => {});
    },
    log: (l) => logs.push(l),
  });
  await service.start();
  return { identity, service, devices, pending, connected, address: service.listenAddresses[0], logs };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function withTimeout<T>(p: Promise<T>, what: string, ms = 30_000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}

describe.skipIf(!haveSyncthing)("handshake with real Syncthing 1.19", () => {
  let st: SyncthingInstance;
  const ferries: Ferry[] = [];

  beforeAll(async () => {
    st = await startSyncthing();
  });

  afterAll(async () => {
    await Promise.all(ferries.map((f) => f.service.stop()));
    await st?.stop();
  });

  async function ferry(name: string) {
    const f = await startFerry(name);
    ferries.push(f);
    return f;
  }

  it("Ferry dials Syncthing: TLS 1.3, Hello from syncthing v1.19.2, ClusterConfig arrives", async () => {
    const f = await ferry("ferry-dialer");
    await st.addDevice(f.identity.deviceId, "dynamic", "ferry-dialer");
    f.devices.set(st.deviceId, { addresses: [st.syncAddress], paused: false, certName: "" });
    f.service.dialNow(DeviceId.parse(st.deviceId));
    const { conn, clusterConfig } = await withTimeout(f.connected, `connection to Syncthing\n${f.logs.join("\n")}\n${st.log()}`);
    expect(conn.direction).toBe("outgoing");
    expect(conn.deviceId.toString()).toBe(st.deviceId);
    expect(conn.remoteHello.clientName).toBe("syncthing");
    expect(conn.remoteHello.clientVersion).toMatch(/^v1\.19\.2/);
    expect(conn.remoteHello.deviceName).not.toBe(""); // it knows us, so it names itself
    expect(clusterConfig.folders).toEqual([]);
    // Syncthing sees us as connected, with our client name and version.
    const status = await waitFor("Syncthing to list the connection", async () => {
      const c = await st.rest<{ connections: Record<string, { connected: boolean; clientVersion: string }> }>("GET", "/rest/system/connections");
      return c.connections[f.identity.deviceId]?.connected ? c.connections[f.identity.deviceId] : null;
    });
    // 1.19 shows a non-Syncthing peer as "<clientName> <clientVersion>".
    expect(status.clientVersion).toBe("ferry v0.1.0");
  });

  it("Syncthing dials Ferry: the incoming connection is authenticated and gets a ClusterConfig", async () => {
    const f = await ferry("ferry-listener");
    f.devices.set(st.deviceId, { addresses: ["dynamic"], paused: false, certName: "" }); // never dials: no discovery
    await st.addDevice(f.identity.deviceId, f.address, "ferry-listener");
    const { conn, clusterConfig } = await withTimeout(f.connected, `incoming connection from Syncthing\n${f.logs.join("\n")}`, 60_000);
    expect(conn.direction).toBe("incoming");
    expect(conn.deviceId.toString()).toBe(st.deviceId);
    expect(conn.remoteHello.clientName).toBe("syncthing");
    expect(conn.remoteHello.clientVersion).toMatch(/^v1\.19\.2/);
    expect(clusterConfig.secondary).toBe(false);
  });

  it("an unknown Ferry shows up in Syncthing's pending devices with the name from our Hello", async () => {
    const f = await ferry("ferry-stranger");
    f.devices.set(st.deviceId, { addresses: [st.syncAddress], paused: false, certName: "" });
    f.service.dialNow(DeviceId.parse(st.deviceId));
    const pending = await waitFor("pending device in Syncthing", async () => (await st.pendingDevices())[f.identity.deviceId]);
    expect(pending.name).toBe("ferry-stranger");
    expect(pending.address).toMatch(/^127\.0\.0\.1:\d+$/); // 1.19 records host:port, without a scheme
    expect(f.service.connection(DeviceId.parse(st.deviceId))).toBeUndefined();
  });

  it("an unknown Syncthing dialing us becomes our pending device and is dropped", async () => {
    const f = await ferry("ferry-picky");
    await st.addDevice(f.identity.deviceId, f.address, "picky");
    const p = await waitFor("onPendingDevice for Syncthing", () => f.pending.find((x) => x.id === st.deviceId), 60_000);
    expect(p.address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(p.name).not.toBe(""); // Syncthing knows us, so its Hello carries its name
    expect(f.service.connections()).toHaveLength(0);
  });
});
