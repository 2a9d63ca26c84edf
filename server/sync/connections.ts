/**
 * The connection service (bep.md §1, §3): TLS listeners, a dialer for configured devices,
 * the Hello exchange and the admission rules that decide which authenticated peer becomes
 * a BepConnection. What happens on a connection is the model's business, not this file's.
 */
import net from "node:net";
import tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { BepConnection, type ConnectionTimings } from "./connection";
import type { Identity } from "./identity";
import { DeviceId, FrameReader, ProtocolError, encodeHelloFrame, type Hello } from "./protocol";
import type { LocalDiscovery } from "./discovery";

export interface DeviceLookup {
  /** "tcp://host:port" entries, or "dynamic" for whatever discovery knows. */
  addresses: string[];
  paused: boolean;
  /** The CN (or SAN) the peer certificate must carry; "" means Syncthing's default "syncthing". */
  certName: string;
}

export interface ConnectionServiceOptions {
  identity: Identity;
  /** "tcp://host:port" (tcp4:// and tcp6:// too); port 0 picks a free port. */
  listen: string[];
  /** Our Hello for a peer. The peer's ID is known from its certificate before any Hello is sent. */
  hello: (remote: DeviceId | null) => Hello;
  /** null = not a configured device. */
  lookupDevice: (id: DeviceId) => DeviceLookup | null;
  onPendingDevice: (id: DeviceId, name: string, address: string) => void;
  onConnection: (conn: BepConnection) => void;
  /**
   * Every configured device, for the dialer. Without it the dialer only knows the devices
   * passed to dialNow(id) (the lookup callback alone cannot enumerate the config).
   */
  configuredDevices?: () => DeviceId[];
  discovery?: LocalDiscovery | null;
  log?: (line: string) => void;
  timings?: Partial<ServiceTimings & ConnectionTimings>;
}

export interface ServiceTimings {
  dialTimeoutMs: number;
  /** TLS handshake plus the Hello exchange (Syncthing: 20 s for the Hello). */
  handshakeTimeoutMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** How often the dialer looks for devices that are due. */
  dialTickMs: number;
}

const DEFAULT_SERVICE_TIMINGS: ServiceTimings = { dialTimeoutMs: 10_000, handshakeTimeoutMs: 20_000, backoffMinMs: 1_000, backoffMaxMs: 60_000, dialTickMs: 1_000 };
/** 1.19's minConnectionReplaceAge: an established connection younger than this is not replaced. */
const REPLACE_AGE_MS = 10_000;
const MAX_HANDSHAKES = 64;
const KEEPALIVE_MS = 60_000;
const ALPN = ["bep/1.0"];

interface DialState {
  nextAttempt: number;
  backoffMs: number;
  dialing: boolean;
}

type Handshake = { socket: tls.TLSSocket; id: DeviceId; cert: X509Certificate; hello: Hello; reader: FrameReader; bytesIn: number; bytesOut: number };

export class ConnectionService {
  private readonly opts: ConnectionServiceOptions;
  private readonly timings: ServiceTimings;
  private readonly log: (line: string) => void;
  private readonly servers: tls.Server[] = [];
  private readonly bound: string[] = [];
  private readonly active = new Map<string, BepConnection>();
  private readonly dialStates = new Map<string, DialState>();
  private readonly extraDialIds = new Map<string, DeviceId>();
  private readonly handshaking = new Set<tls.TLSSocket>();
  private dialTimer: NodeJS.Timeout | null = null;
  private unsubscribeDiscovery: (() => void) | null = null;
  private running = false;

  constructor(opts: ConnectionServiceOptions) {
    this.opts = opts;
    this.timings = { ...DEFAULT_SERVICE_TIMINGS, ...opts.timings };
    this.log = opts.log ?? (() => {});
  }

  get listenAddresses(): string[] {
    return [...this.bound];
  }

  connection(id: DeviceId): BepConnection | undefined {
    return this.active.get(id.toString());
  }

  connections(): BepConnection[] {
    return [...this.active.values()];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (const addr of this.opts.listen) await this.listenOn(addr);
    this.dialTimer = setInterval(() => this.dialDue(), this.timings.dialTickMs);
    this.dialTimer.unref();
    if (this.opts.discovery) this.unsubscribeDiscovery = this.opts.discovery.onChange((id) => this.dialNow(id));
    this.dialDue();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.dialTimer) clearInterval(this.dialTimer);
    this.unsubscribeDiscovery?.();
    for (const s of this.handshaking) s.destroy();
    const closing = [...this.active.values()].map((c) => new Promise<void>((resolve) => (c.closed ? resolve() : (c.once("closed", () => resolve()), c.close("shutting down")))));
    await Promise.all(closing);
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
    this.bound.length = 0;
  }

  /** Config or discovery changed: dial this device (or every device) now rather than after its backoff. */
  dialNow(id?: DeviceId): void {
    if (id) {
      if (!this.opts.configuredDevices) this.extraDialIds.set(id.toString(), id);
      const st = this.dialStates.get(id.toString());
      if (st) st.nextAttempt = 0;
    } else {
      for (const st of this.dialStates.values()) st.nextAttempt = 0;
    }
    if (this.running) this.dialDue();
  }

  // ---------------------------------------------------------------- listening

  private async listenOn(address: string): Promise<void> {
    const { host, port } = parseTcpAddress(address);
    const server = tls.createServer({ ...this.tlsBase(), requestCert: true, rejectUnauthorized: false, handshakeTimeout: this.timings.handshakeTimeoutMs });
    server.on("secureConnection", (socket) => this.accept(socket));
    // A failed TLS handshake (TLS 1.2 client, wrong ALPN, port scan) only concerns that socket.
    server.on("tlsClientError", (err, socket) => {
      this.log(`TLS handshake from ${socket.remoteAddress ?? "?"} failed: ${err.message}`);
      socket.destroy();
    });
    server.on("connection", (socket: net.Socket) => {
      if (this.handshaking.size >= MAX_HANDSHAKES) socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => this.log(`listener ${address}: ${err.message}`));
    const a = server.address() as net.AddressInfo;
    this.bound.push(formatTcpAddress(a.address, a.port));
    this.servers.push(server);
    this.log(`listening on ${this.bound[this.bound.length - 1]}`);
  }

  private tlsBase() {
    // The client never offers a saved session: a resumed session would carry no peer certificate to authenticate.
    return { cert: this.opts.identity.certPem, key: this.opts.identity.keyPem, ALPNProtocols: ALPN, minVersion: "TLSv1.3" as const };
  }

  private accept(socket: tls.TLSSocket): void {
    const address = formatTcpAddress(socket.remoteAddress ?? "?", socket.remotePort ?? 0);
    this.handshake(socket, null)
      .then((hs) => this.admit(hs, address, "incoming"))
      .catch((err: Error) => this.log(`incoming ${address}: ${err.message}`));
  }

  // ---------------------------------------------------------------- handshake and admission

  private tuneSocket(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_MS);
  }

  /** Authenticates the peer certificate and exchanges Hellos; throws (and destroys the socket) on any failure. */
  private async handshake(socket: tls.TLSSocket, expected: DeviceId | null): Promise<Handshake> {
    this.handshaking.add(socket);
    this.tuneSocket(socket);
    socket.setTimeout(this.timings.handshakeTimeoutMs, () => socket.destroy(new Error("handshake timed out")));
    try {
      const cert = peerCertificate(socket);
      const id = DeviceId.fromCertificate(cert.raw);
      if (id.equals(this.opts.identity.id)) throw new Error("connected to myself; dropped");
      if (expected && !id.equals(expected)) throw new Error(`unexpected device ID ${id.toString()}, expected ${expected.toString()}`);
      const helloFrame = encodeHelloFrame(this.opts.hello(id));
      socket.write(helloFrame); // both sides send at once (bep.md §3); nobody waits for the other
      const { hello, reader, bytesIn } = await readHello(socket);
      return { socket, id, cert, hello, reader, bytesIn, bytesOut: helloFrame.length };
    } catch (err) {
      socket.destroy();
      throw err;
    } finally {
      socket.setTimeout(0);
      this.handshaking.delete(socket);
    }
  }

  private admit(hs: Handshake, address: string, direction: "incoming" | "outgoing"): BepConnection | null {
    const { socket, id, hello } = hs;
    const key = id.toString();
    const refuse = (why: string) => {
      // After the Hello, Syncthing just hangs up; no Close message. The socket was paused after the
      // Hello, so destroy it once our FIN is out instead of waiting to read the peer's.
      socket.end(() => socket.destroy());
      this.log(`${direction} ${key} at ${address}: ${why}`);
      return null;
    };
    if (!this.running) return refuse("service stopped");
    const device = this.opts.lookupDevice(id);
    if (!device) {
      this.opts.onPendingDevice(id, hello.deviceName, address);
      return refuse(`unknown device "${hello.deviceName}" (${hello.clientName} ${hello.clientVersion}); recorded as pending`);
    }
    if (device.paused) return refuse("device is paused");
    const certName = device.certName || "syncthing";
    if (!certMatches(hs.cert, certName)) return refuse(`bad certificate: expected name ${JSON.stringify(certName)}, got subject ${JSON.stringify(hs.cert.subject)}`);

    const existing = this.active.get(key);
    if (existing && !existing.closed) {
      if (!this.newcomerWins(existing, direction)) return refuse("already connected; keeping the established connection");
      existing.close("replaced by a newer connection");
    }
    const conn = new BepConnection({
      socket,
      reader: hs.reader,
      deviceId: id,
      remoteHello: hello,
      remoteAddress: address,
      direction,
      bytesIn: hs.bytesIn,
      bytesOut: hs.bytesOut,
      timings: this.opts.timings,
      log: this.log,
    });
    this.active.set(key, conn);
    conn.once("closed", () => {
      if (this.active.get(key) === conn) this.active.delete(key);
      // Try again soon (but not in a tight loop if the peer keeps hanging up on us).
      const st = this.dialStates.get(key);
      if (st) st.nextAttempt = Math.min(st.nextAttempt, Date.now() + this.timings.backoffMinMs);
    });
    const st = this.dialStates.get(key);
    if (st) st.backoffMs = this.timings.backoffMinMs;
    this.log(`${direction} connection to ${key} at ${address} (${hello.clientName} ${hello.clientVersion})`);
    this.opts.onConnection(conn);
    conn.start();
    return conn;
  }

  /**
   * One connection per device. An established connection older than 10 s gives way to a new
   * one (1.19's minConnectionReplaceAge: the old one is probably dead, e.g. the peer restarted
   * and our side has not noticed yet). A younger one means both sides dialed at once; then the
   * connection dialed by the lower device ID stays, which both ends compute identically, so they
   * settle on the same socket. (1.19 keeps the existing one here, which can kill both.)
   */
  private newcomerWins(existing: BepConnection, newcomerDirection: "incoming" | "outgoing"): boolean {
    if (Date.now() - existing.connectedAt >= REPLACE_AGE_MS) return true;
    const weAreLower = compareIds(this.opts.identity.id, existing.deviceId) < 0;
    // The newcomer was dialed by us if it is outgoing.
    const newcomerDialedByLower = newcomerDirection === "outgoing" ? weAreLower : !weAreLower;
    return newcomerDialedByLower && existing.direction !== newcomerDirection;
  }

  // ---------------------------------------------------------------- dialing

  private dialIds(): DeviceId[] {
    return this.opts.configuredDevices ? this.opts.configuredDevices() : [...this.extraDialIds.values()];
  }

  private dialDue(): void {
    if (!this.running) return;
    const now = Date.now();
    for (const id of this.dialIds()) {
      const key = id.toString();
      if (id.equals(this.opts.identity.id) || this.active.has(key)) continue;
      const device = this.opts.lookupDevice(id);
      if (!device || device.paused) continue;
      let st = this.dialStates.get(key);
      if (!st) this.dialStates.set(key, (st = { nextAttempt: 0, backoffMs: this.timings.backoffMinMs, dialing: false }));
      if (st.dialing || st.nextAttempt > now) continue;
      const addresses = this.resolve(id, device.addresses);
      if (addresses.length === 0) continue; // nothing to try yet; discovery's onChange will call dialNow
      st.dialing = true;
      void this.dialDevice(id, addresses).then((ok) => {
        const s = this.dialStates.get(key);
        if (!s) return;
        s.dialing = false;
        if (ok) {
          s.backoffMs = this.timings.backoffMinMs;
          s.nextAttempt = Date.now() + this.timings.backoffMinMs;
        } else {
          // Exponential backoff with ±20 % jitter, so two peers that failed together don't retry in lockstep.
          s.nextAttempt = Date.now() + s.backoffMs * (0.8 + Math.random() * 0.4);
          s.backoffMs = Math.min(s.backoffMs * 2, this.timings.backoffMaxMs);
        }
      });
    }
  }

  private resolve(id: DeviceId, addresses: string[]): string[] {
    const out: string[] = [];
    for (const a of addresses) {
      if (a === "dynamic") out.push(...(this.opts.discovery?.lookup(id) ?? []));
      else out.push(a);
    }
    return [...new Set(out)].filter((a) => /^tcp[46]?:\/\//.test(a));
  }

  /** Tries each address in turn; true once one of them became (or lost to) an established connection. */
  private async dialDevice(id: DeviceId, addresses: string[]): Promise<boolean> {
    for (const address of addresses) {
      if (!this.running || this.active.has(id.toString())) return true;
      try {
        const socket = await this.connect(address);
        const hs = await this.handshake(socket, id);
        const conn = this.admit(hs, formatTcpAddress(socket.remoteAddress ?? "?", socket.remotePort ?? 0), "outgoing");
        if (conn || this.active.has(id.toString())) return true;
      } catch (err) {
        this.log(`dial ${id.shortIdString()} at ${address}: ${(err as Error).message}`);
      }
    }
    return false;
  }

  private connect(address: string): Promise<tls.TLSSocket> {
    const { host, port } = parseTcpAddress(address);
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ ...this.tlsBase(), host, port, rejectUnauthorized: false });
      const timer = setTimeout(() => socket.destroy(new Error("connect timed out")), this.timings.dialTimeoutMs);
      socket.once("secureConnect", () => {
        clearTimeout(timer);
        socket.off("error", onError);
        resolve(socket);
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      socket.once("error", onError);
    });
  }
}

// ---------------------------------------------------------------- helpers

/** The peer's certificate; Syncthing requires exactly one ("certificate list of length N != 1"). */
function peerCertificate(socket: tls.TLSSocket): X509Certificate {
  const detailed = socket.getPeerCertificate(true);
  if (!detailed || !detailed.raw) throw new Error("certificate list of length 0 != 1");
  let count = 1;
  const seen = new Set([detailed.fingerprint256]);
  for (let c = detailed.issuerCertificate; c && c.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    count++;
  }
  if (count !== 1) throw new Error(`certificate list of length ${count} != 1`);
  return new X509Certificate(detailed.raw);
}

/** Reads exactly the Hello frame; bytes after it stay in the returned reader for the connection. */
function readHello(socket: tls.TLSSocket): Promise<{ hello: Hello; reader: FrameReader; bytesIn: number }> {
  const reader = new FrameReader({ startWithHello: true });
  let bytesIn = 0;
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("close", onClose);
      socket.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      bytesIn += chunk.length;
      try {
        reader.push(chunk);
        const frame = reader.next();
        if (frame === null) return;
        if (frame.type !== "hello") throw new ProtocolError("expected Hello");
        cleanup();
        socket.pause(); // the BepConnection resumes once its listeners are attached
        resolve({ hello: frame.message, reader, bytesIn });
      } catch (err) {
        cleanup();
        reject(err);
      }
    };
    const onClose = () => {
      cleanup();
      reject(new Error("closed before Hello"));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    socket.on("data", onData);
    socket.once("close", onClose);
    socket.once("error", onError);
  });
}

/** Syncthing's CN check: Subject CN equals certName, otherwise a SAN DNS name must match it. */
function certMatches(cert: X509Certificate, certName: string): boolean {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  if (cn === certName) return true;
  return cert.checkHost(certName, { subject: "never" }) !== undefined;
}

function compareIds(a: DeviceId, b: DeviceId): number {
  const x = a.bytes;
  const y = b.bytes;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** "tcp://host:port", "tcp4://…", "tcp6://[::1]:port"; an empty host means every address. */
export function parseTcpAddress(address: string): { host: string; port: number } {
  const m = /^tcp[46]?:\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(address);
  if (!m) throw new Error(`not a tcp://host:port address: ${JSON.stringify(address)}`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`port out of range in ${JSON.stringify(address)}`);
  const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
  return { host: host === "" ? "0.0.0.0" : host, port };
}

export function formatTcpAddress(host: string, port: number): string {
  const h = host.startsWith("::ffff:") && net.isIPv4(host.slice(7)) ? host.slice(7) : host;
  return `tcp://${net.isIPv6(h) ? `[${h}]` : h}:${port}`;
}
