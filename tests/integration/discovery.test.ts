/**
 * Local discovery end to end, isolated from the machine's real network: two network
 * namespaces joined by a veth pair (10.231.77.1/24 and .2/24), one Ferry peer in each, each
 * knowing the other only as "dynamic". They must find each other by broadcast and connect.
 * Needs root and iproute2; otherwise the test is skipped with the reason.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDeviceCertificate } from "../../server/sync/certificate";
import { decodeAnnounce, encodeAnnounce, resolveAnnounced } from "../../server/sync/discovery";
import { DeviceId } from "../../server/sync/protocol";

const ROOT = path.resolve(import.meta.dirname, "../..");
const isRoot = process.getuid?.() === 0;
const haveIp = spawnSync("ip", ["-V"]).status === 0;
const skipReason = !isRoot ? "needs root to create network namespaces" : !haveIp ? "needs the `ip` command (iproute2)" : null;
if (skipReason) console.warn(`discovery test skipped: ${skipReason}`);

// Short unique names: interface names are limited to 15 characters.
const tag = `${process.pid % 100000}`;
const NS = [`ferry-a-${tag}`, `ferry-b-${tag}`];
const VETH = [`fva${tag}`, `fvb${tag}`];
const ADDR = ["10.231.77.1/24", "10.231.77.2/24"];

function ip(...args: string[]): void {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr.trim()}`);
}

interface Peer {
  id: DeviceId;
  child: ChildProcess;
  output: string;
}

describe("announce packets (no network)", () => {
  it("round-trips Syncthing's v4 layout: magic then protobuf Announce", () => {
    const id = DeviceId.fromCertificate(Buffer.from("x"));
    const packet = encodeAnnounce({ id, addresses: ["tcp://0.0.0.0:22000", "quic://[::]:22000"], instanceId: -5n });
    expect(Buffer.from(packet.subarray(0, 4)).toString("hex")).toBe("2ea7d90b");
    expect(packet[4]).toBe(0x0a); // field 1, length-delimited: the 32-byte ID
    const back = decodeAnnounce(packet);
    expect(back.id.equals(id)).toBe(true);
    expect(back.addresses).toEqual(["tcp://0.0.0.0:22000", "quic://[::]:22000"]);
    expect(back.instanceId).toBe(-5n);
    const old = Uint8Array.from(packet);
    old.set([0x7d, 0x79, 0xbc, 0x40]);
    expect(() => decodeAnnounce(old)).toThrow(/old/);
  });

  it("replaces an unspecified host with the sender's address, respecting tcp4/tcp6", () => {
    expect(resolveAnnounced("tcp://0.0.0.0:22000", "192.168.1.5")).toBe("tcp://192.168.1.5:22000");
    expect(resolveAnnounced("tcp://:22000", "192.168.1.5")).toBe("tcp://192.168.1.5:22000");
    expect(resolveAnnounced("tcp://[::]:22000", "fe80::1")).toBe("tcp://[fe80::1]:22000");
    expect(resolveAnnounced("tcp4://0.0.0.0:22000", "fe80::1")).toBeNull();
    expect(resolveAnnounced("tcp6://[::]:22000", "10.0.0.1")).toBeNull();
    expect(resolveAnnounced("tcp://10.1.2.3:22000", "192.168.1.5")).toBe("tcp://10.1.2.3:22000");
  });
});

describe.skipIf(skipReason !== null)("local discovery between two network namespaces", () => {
  const peers: Peer[] = [];
  let dir = "";

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-disco-"));
    for (const ns of NS) ip("netns", "add", ns);
    // Created directly inside the namespaces, so the machine's own namespace never sees them.
    ip("link", "add", VETH[0], "netns", NS[0], "type", "veth", "peer", "name", VETH[1], "netns", NS[1]);
    for (let i = 0; i < 2; i++) {
      ip("-n", NS[i], "addr", "add", ADDR[i], "dev", VETH[i]);
      ip("-n", NS[i], "link", "set", VETH[i], "up");
      ip("-n", NS[i], "link", "set", "lo", "up");
    }
  });

  afterAll(async () => {
    await Promise.all(
      peers.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            const timer = setTimeout(() => p.child.kill("SIGKILL"), 5000);
            p.child.once("exit", () => (clearTimeout(timer), resolve()));
            p.child.kill("SIGTERM");
          }),
      ),
    );
    // Deleting a namespace removes its end of the veth pair, and with it the other end.
    for (const ns of NS) spawnSync("ip", ["netns", "del", ns]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("two peers configured as dynamic find each other and connect", async () => {
    const certs = [0, 1].map((i) => {
      const { certPem, keyPem } = generateDeviceCertificate();
      fs.writeFileSync(path.join(dir, `cert${i}.pem`), certPem);
      fs.writeFileSync(path.join(dir, `key${i}.pem`), keyPem, { mode: 0o600 });
      return DeviceId.fromCertificate(new X509Certificate(certPem).raw);
    });
    for (let i = 0; i < 2; i++) {
      const child = spawn("ip", ["netns", "exec", NS[i], process.execPath, "--import", "tsx", path.join(ROOT, "tests/support/discovery-peer.ts")], {
        cwd: ROOT,
        env: { ...process.env, PEER_CERT: path.join(dir, `cert${i}.pem`), PEER_KEY: path.join(dir, `key${i}.pem`), PEER_OTHER: certs[1 - i].toString(), PEER_NAME: `peer-${i}` },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const peer: Peer = { id: certs[i], child, output: "" };
      child.stdout?.on("data", (d) => (peer.output += d));
      child.stderr?.on("data", (d) => (peer.output += d));
      peers.push(peer);
    }
    const deadline = Date.now() + 30_000;
    // The last CONNECTED line: a simultaneous dial may have replaced the first connection.
    const connected = (p: Peer, other: DeviceId) => [...p.output.matchAll(new RegExp(`^CONNECTED ${other.toString()} (incoming|outgoing) tcp://(10\\.231\\.77\\.\\d+):\\d+$`, "gm"))].pop();
    while (!(connected(peers[0], certs[1]) && connected(peers[1], certs[0]))) {
      if (Date.now() > deadline) throw new Error(`peers did not connect:\n--- peer 0\n${peers[0].output}\n--- peer 1\n${peers[1].output}`);
      if (peers.some((p) => p.child.exitCode !== null)) throw new Error(`a peer exited:\n--- peer 0\n${peers[0].output}\n--- peer 1\n${peers[1].output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (process.env.DISCOVERY_DEBUG) console.log(`--- peer 0\n${peers[0].output}\n--- peer 1\n${peers[1].output}`);
    // Each side reached the other over the veth (the announced 0.0.0.0 was replaced by the source address).
    expect(connected(peers[0], certs[1])?.[2]).toBe("10.231.77.2");
    expect(connected(peers[1], certs[0])?.[2]).toBe("10.231.77.1");
    // One connection, seen from both ends.
    expect(connected(peers[0], certs[1])?.[1]).not.toBe(connected(peers[1], certs[0])?.[1]);
  });
});
