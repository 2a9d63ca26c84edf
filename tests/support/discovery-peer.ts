/**
 * One Ferry peer for the discovery test, run inside a network namespace the test created:
 *   ip netns exec NS node --import tsx tests/support/discovery-peer.ts
 * Env: PEER_CERT / PEER_KEY (our PEM files), PEER_OTHER (the other device's ID), PEER_NAME.
 * It runs LocalDiscovery and a ConnectionService that knows the other device only as
 * "dynamic", and prints "LISTENING …" and then "CONNECTED <id> <direction> <address>".
 * Never run it outside a namespace: it broadcasts on every interface it sees.
 */
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import { ConnectionService } from "../../server/sync/connections";
import { LocalDiscovery } from "../../server/sync/discovery";
import { DeviceId } from "../../server/sync/protocol";

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

const certPem = fs.readFileSync(env("PEER_CERT"), "utf8");
const keyPem = fs.readFileSync(env("PEER_KEY"), "utf8");
const certDer = new X509Certificate(certPem).raw;
const id = DeviceId.fromCertificate(certDer);
const other = DeviceId.parse(env("PEER_OTHER"));
const name = env("PEER_NAME");

let service: ConnectionService | null = null;
const discovery = new LocalDiscovery({ id, addresses: () => service?.listenAddresses ?? [], log: (l) => console.log(`log: ${l}`) });
service = new ConnectionService({
  identity: { certPem, keyPem, certDer, id, deviceId: id.toString() },
  // Unspecified host on purpose: the receiver must substitute our source address (bep.md §9).
  listen: ["tcp://0.0.0.0:22100"],
  hello: () => ({ deviceName: name, clientName: "ferry", clientVersion: "v0.1.0", numConnections: 1, timestamp: BigInt(Date.now()) * 1_000_000n }),
  lookupDevice: (d) => (d.equals(other) ? { addresses: ["dynamic"], paused: false, certName: "" } : null),
  configuredDevices: () => [other],
  onPendingDevice: (d) => console.log(`PENDING ${d.toString()}`),
  onConnection: (conn) => {
    void conn.send({ type: "clusterConfig", message: { folders: [], secondary: false } }).catch(() => {});
    conn.once("clusterConfig", () => console.log(`CONNECTED ${conn.deviceId.toString()} ${conn.direction} ${conn.remoteAddress}`));
    conn.once("closed", (reason) => console.log(`CLOSED ${reason}`));
  },
  discovery,
  log: (l) => console.log(`log: ${l}`),
});

await service.start();
await discovery.start();
console.log(`LISTENING ${service.listenAddresses.join(" ")} as ${id.toString()}`);

const shutdown = async () => {
  await discovery.stop();
  await service?.stop();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
