/**
 * Local discovery v4 (bep.md §9): announce our device ID and sync addresses on UDP 21027 by
 * IPv4 broadcast and IPv6 multicast ff12::8384, and remember what other devices announce.
 * Nothing is sent until start() is called, and the owner calls it only when discovery is enabled.
 */
import dgram from "node:dgram";
import os from "node:os";
import { randomBytes } from "node:crypto";
import { DeviceId, HELLO_MAGIC, ProtocolError } from "./protocol";
import { ProtoReader, ProtoWriter, WireType } from "./protocol/protobuf";

export const DISCOVERY_PORT = 21027;
export const DISCOVERY_MULTICAST = "ff12::8384";
const RETRY_MS = 2_000;
/** The v0.13 magic; Syncthing rejects it with a warning, and so do we. */
const OLD_MAGIC = 0x7d79bc40;

export interface Announce {
  id: DeviceId;
  addresses: string[];
  instanceId: bigint;
}

export function encodeAnnounce(a: Announce): Uint8Array {
  const w = new ProtoWriter(64 + a.addresses.length * 32);
  w.bytes(1, a.id.bytes);
  for (const addr of a.addresses) w.string(2, addr, true);
  w.int64Big(3, a.instanceId);
  const body = w.finish();
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, HELLO_MAGIC);
  out.set(body, 4);
  return out;
}

export function decodeAnnounce(packet: Uint8Array): Announce {
  if (packet.length < 4) throw new ProtocolError("announcement shorter than its magic");
  const magic = new DataView(packet.buffer, packet.byteOffset, packet.byteLength).getUint32(0);
  if (magic === OLD_MAGIC) throw new ProtocolError("announcement from an old (v0.13) Syncthing");
  if (magic !== HELLO_MAGIC) throw new ProtocolError(`announcement with unknown magic 0x${magic.toString(16)}`);
  const r = new ProtoReader(packet, 4);
  let id: DeviceId | null = null;
  const addresses: string[] = [];
  let instanceId = 0n;
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WireType.LengthDelimited, "Announce.id");
      id = DeviceId.fromBytes(r.bytes());
    } else if (r.field === 2) {
      r.expect(WireType.LengthDelimited, "Announce.addresses");
      addresses.push(r.string("Announce.addresses"));
    } else if (r.field === 3) {
      r.expect(WireType.Varint, "Announce.instance_id");
      instanceId = r.int64Big();
    } else r.skip();
  }
  if (!id) throw new ProtocolError("announcement without a device ID");
  return { id, addresses, instanceId };
}

/**
 * Syncthing's rule: an address with an unspecified host (0.0.0.0, [::], empty) gets the
 * packet's source IP, keeping the port; tcp4/tcp6 only accept a source of their family.
 */
export function resolveAnnounced(address: string, sourceIp: string): string | null {
  const m = /^([a-z0-9]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)(.*)$/.exec(address);
  if (!m) return null;
  const [, scheme, rawHost, port, rest] = m;
  const host = rawHost.startsWith("[") ? rawHost.slice(1, -1) : rawHost;
  if (host !== "" && host !== "0.0.0.0" && host !== "::") return address;
  const src = sourceIp.startsWith("::ffff:") ? sourceIp.slice(7) : sourceIp;
  const v6 = src.includes(":");
  if ((scheme.endsWith("4") && v6) || (scheme.endsWith("6") && !v6)) return null;
  return `${scheme}://${v6 ? `[${src}]` : src}:${port}${rest}`;
}

export interface LocalDiscoveryOptions {
  id: DeviceId;
  /** Our sync addresses, asked at each announcement (listen addresses are known only after start). */
  addresses: () => string[];
  port?: number;
  intervalMs?: number;
  cacheLifetimeMs?: number;
  ipv4?: boolean;
  ipv6?: boolean;
  log?: (line: string) => void;
}

interface CacheEntry {
  addresses: string[];
  instanceId: bigint;
  expires: number;
}

export class LocalDiscovery {
  private readonly opts: Required<Omit<LocalDiscoveryOptions, "log">>;
  private readonly log: (line: string) => void;
  private readonly instanceId = randomBytes(8).readBigInt64BE();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly listeners = new Set<(id: DeviceId) => void>();
  private v4: dgram.Socket | null = null;
  private v6: dgram.Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(opts: LocalDiscoveryOptions) {
    this.opts = { port: DISCOVERY_PORT, intervalMs: 30_000, cacheLifetimeMs: 90_000, ipv4: true, ipv6: true, ...opts };
    this.log = opts.log ?? (() => {});
  }

  /** Addresses a device announced within the cache lifetime, with unspecified hosts already resolved. */
  lookup(id: DeviceId): string[] {
    const e = this.cache.get(id.toString());
    if (!e || e.expires < Date.now()) return [];
    return [...e.addresses];
  }

  /** Called when a device appears, restarts or changes its addresses; returns an unsubscribe function. */
  onChange(listener: (id: DeviceId) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.timer) return;
    if (this.opts.ipv4) this.v4 = await this.open("udp4");
    if (this.opts.ipv6) this.v6 = await this.open("udp6");
    this.v6?.setMulticastTTL(1); // hop limit 1, as Syncthing
    for (const ifname of ipv6Interfaces()) {
      try {
        this.v6?.addMembership(DISCOVERY_MULTICAST, `::%${ifname}`);
      } catch (err) {
        this.log(`discovery: cannot join ${DISCOVERY_MULTICAST} on ${ifname}: ${(err as Error).message}`);
      }
    }
    this.v4?.setBroadcast(true);
    this.timer = setInterval(() => this.announce(), this.opts.intervalMs);
    this.timer.unref();
    this.announce();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = null;
    await Promise.all([this.v4, this.v6].map((s) => (s ? new Promise<void>((resolve) => s.close(() => resolve())) : undefined)));
    this.v4 = this.v6 = null;
  }

  /**
   * Binds the shared port with SO_REUSEADDR so a Syncthing on the same host can listen too. If
   * the port is held without it, we still announce from an ephemeral port but hear nothing on
   * that family. Observed with 1.19.2: its IPv4 broadcast socket holds 0.0.0.0:21027 exclusively
   * (EADDRINUSE for us), while its IPv6 multicast socket shares [::]:21027, so next to a running
   * Syncthing we hear peers over IPv6 only; Syncthing still hears our IPv4 and IPv6 announcements.
   */
  private async open(type: "udp4" | "udp6"): Promise<dgram.Socket | null> {
    const bind = (port: number) =>
      new Promise<dgram.Socket>((resolve, reject) => {
        const s = dgram.createSocket({ type, reuseAddr: true, ipv6Only: type === "udp6" });
        s.once("error", reject);
        s.bind(port, () => {
          s.off("error", reject);
          s.on("error", (err) => this.log(`discovery ${type}: ${err.message}`));
          s.on("message", (msg, rinfo) => this.receive(msg, rinfo.address));
          resolve(s);
        });
      });
    try {
      return await bind(this.opts.port);
    } catch (err) {
      this.log(`discovery ${type}: cannot bind port ${this.opts.port} (${(err as Error).message}); announcing only`);
      try {
        return await bind(0);
      } catch (err2) {
        this.log(`discovery ${type}: disabled (${(err2 as Error).message})`);
        return null;
      }
    }
  }

  private announce(): void {
    const packet = encodeAnnounce({ id: this.opts.id, addresses: this.opts.addresses(), instanceId: this.instanceId });
    const report = (err: Error | null) => {
      if (!err) return;
      this.log(`discovery: send failed: ${err.message}`);
      // The network is often not up yet when the node starts (no route, address still tentative):
      // try again soon rather than staying silent until the next 30 s announcement.
      if (!this.retryTimer && this.timer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (this.timer) this.announce();
        }, RETRY_MS);
        this.retryTimer.unref();
      }
    };
    if (this.v4) for (const dest of ipv4Broadcasts()) this.v4.send(packet, this.opts.port, dest, report);
    if (this.v6) {
      for (const ifname of ipv6Interfaces()) {
        try {
          this.v6.setMulticastInterface(`::%${ifname}`);
          this.v6.send(packet, this.opts.port, `${DISCOVERY_MULTICAST}%${ifname}`, report);
        } catch (err) {
          report(err as Error);
        }
      }
    }
  }

  private receive(packet: Buffer, source: string): void {
    let a: Announce;
    try {
      a = decodeAnnounce(packet);
    } catch (err) {
      this.log(`discovery: bad announcement from ${source}: ${(err as Error).message}`);
      return;
    }
    if (a.id.equals(this.opts.id)) return; // our own broadcast, looped back
    // Syncthing 1.19 also announces a port-0 entry and duplicates once hosts are filled in (observed); neither is dialable twice.
    const addresses = [...new Set(a.addresses.map((x) => resolveAnnounced(x, source)))].filter((x): x is string => x !== null && !/:0$/.test(x));
    const key = a.id.toString();
    const old = this.cache.get(key);
    this.cache.set(key, { addresses, instanceId: a.instanceId, expires: Date.now() + this.opts.cacheLifetimeMs });
    const isNew = !old || old.expires < Date.now() || old.instanceId !== a.instanceId;
    if (isNew) this.announce(); // Syncthing answers a newcomer at once, so it need not wait 30 s for us
    if (isNew || old?.addresses.join(" ") !== addresses.join(" ")) {
      for (const l of this.listeners) l(a.id);
    }
  }
}

/** Each running IPv4 interface's broadcast address (loopback has none), else the limited broadcast. */
function ipv4Broadcasts(): string[] {
  const out = new Set<string>();
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family !== "IPv4" || a.internal) continue;
      const ip = a.address.split(".").map(Number);
      const mask = a.netmask.split(".").map(Number);
      out.add(ip.map((b, i) => (b | (~mask[i] & 0xff)) & 0xff).join("."));
    }
  }
  return out.size > 0 ? [...out] : ["255.255.255.255"];
}

/** Interfaces with an IPv6 address other than loopback: where the multicast group is joined and sent to. */
function ipv6Interfaces(): string[] {
  return Object.entries(os.networkInterfaces())
    .filter(([, addrs]) => (addrs ?? []).some((a) => a.family === "IPv6" && !a.internal))
    .map(([name]) => name);
}
