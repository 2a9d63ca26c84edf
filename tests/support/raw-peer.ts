import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import { generateDeviceCertificate } from "../../server/sync/certificate";
import {
  DeviceId,
  encodeHelloFrame,
  encodeMessage,
  FolderType,
  FrameReader,
  ProtocolError,
  type BepMessage,
  type ClusterConfig,
  type DecodedFrame,
  type Hello,
} from "../../server/sync/protocol";

/**
 * A scripted BEP peer for tests: its own certificate and device ID, a real TLS 1.3 connection
 * with a Hello exchange, and then whatever bytes the test wants to send — well-formed messages
 * or deliberate garbage. It records every frame the node sends back, Close reasons included.
 */
export interface RawPeerIdentity {
  certPem: string;
  keyPem: string;
  id: DeviceId;
  deviceId: string;
}

export function createRawPeerIdentity(): RawPeerIdentity {
  const { certPem, keyPem } = generateDeviceCertificate();
  const id = DeviceId.fromCertificate(new X509Certificate(certPem).raw);
  return { certPem, keyPem, id, deviceId: id.toString() };
}

/** Answers the node's Requests: bytes for a (name, offset, size), or null for "no such file". */
export type RawBlockServer = (name: string, offset: number, size: number) => Uint8Array | null;

export class RawConnection {
  readonly frames: DecodedFrame[] = [];
  remoteHello: Hello | null = null;
  /** The reason from the node's Close message, once one arrived. */
  closeReason: string | null = null;
  /** True once the TCP connection is gone, whether or not a Close came first. */
  ended = false;
  /** Set when the node's bytes did not parse (should never happen: the node is well-behaved). */
  readError: Error | null = null;
  serveBlocks: RawBlockServer | null = null;
  private readonly reader = new FrameReader({ startWithHello: true });
  private readonly endedPromise: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: tls.TLSSocket) {
    this.endedPromise = new Promise((resolve) => {
      const done = () => {
        this.ended = true;
        this.wake();
        resolve();
      };
      socket.once("close", done);
    });
    socket.on("error", () => {}); // a reset after Close is expected; "close" follows
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer) {
    try {
      this.reader.push(chunk);
      for (let f = this.reader.next(); f !== null; f = this.reader.next()) this.onFrame(f);
    } catch (err) {
      this.readError = err instanceof ProtocolError ? err : (err as Error);
    }
    this.wake();
  }

  private onFrame(f: DecodedFrame) {
    this.frames.push(f);
    if (f.type === "hello") this.remoteHello = f.message;
    if (f.type === "close") this.closeReason = f.message.reason;
    if (f.type === "request" && this.serveBlocks) {
      const data = this.serveBlocks(f.message.name, f.message.offset, f.message.size);
      const message = data ? { id: f.message.id, data, code: 0 } : { id: f.message.id, data: new Uint8Array(0), code: 2 };
      this.writeRaw(encodeMessage({ type: "response", message }, { compress: "never" }));
    }
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  /** Resolves when check() holds, re-checked after every received chunk; rejects after timeoutMs. */
  waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw peer: timed out waiting for ${what}`)), timeoutMs);
      const test = () => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(test);
      };
      test();
    });
  }

  waitFrame(type: DecodedFrame["type"], timeoutMs = 10_000): Promise<void> {
    return this.waitUntil(() => this.frames.some((f) => f.type === type), `a ${type} frame`, timeoutMs);
  }

  /** Resolves with the Close reason (null if the node hung up without one) once the socket is gone. */
  async waitClosed(timeoutMs = 10_000): Promise<string | null> {
    await this.waitUntil(() => this.ended, "the node to close the connection", timeoutMs);
    await this.endedPromise;
    return this.closeReason;
  }

  send(msg: BepMessage): void {
    this.writeRaw(encodeMessage(msg, { compress: "never" }));
  }

  writeRaw(bytes: Uint8Array): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Connects to a node's sync listener as `peer`, exchanges Hellos and returns the open connection. */
export async function connectRaw(address: string, peer: RawPeerIdentity, opts: { clientName?: string; timeoutMs?: number } = {}): Promise<RawConnection> {
  const url = new URL(address);
  const socket = tls.connect({
    host: url.hostname,
    port: Number(url.port),
    cert: peer.certPem,
    key: peer.keyPem,
    ALPNProtocols: ["bep/1.0"],
    minVersion: "TLSv1.3",
    rejectUnauthorized: false,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`TLS handshake with ${address} timed out`)), opts.timeoutMs ?? 10_000);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  const conn = new RawConnection(socket);
  conn.writeRaw(encodeHelloFrame({ deviceName: "raw", clientName: opts.clientName ?? "raw-peer", clientVersion: "v0.0.1", numConnections: 1, timestamp: BigInt(Date.now()) * 1_000_000n }));
  await conn.waitFrame("hello", opts.timeoutMs ?? 10_000);
  return conn;
}

/** A ClusterConfig sharing `folderId` between the raw peer and the node; the peer's own index is announced at `peerMaxSequence`, none of the node's held. */
export function clusterConfigFor(folderId: string, peer: RawPeerIdentity, node: DeviceId, indexId = 1n, peerMaxSequence = 0): ClusterConfig {
  const device = (id: DeviceId, idx: bigint, maxSequence = 0) => ({
    id,
    name: "",
    addresses: ["dynamic"],
    compression: 0,
    certName: "",
    maxSequence,
    introducer: false,
    indexId: idx,
    skipIntroductionRemovals: false,
    encryptionPasswordToken: new Uint8Array(0),
  });
  return {
    secondary: false,
    folders: [
      {
        id: folderId,
        label: folderId,
        type: FolderType.SendReceive,
        ignorePermissions: false,
        ignoreDelete: false,
        disableTempIndexes: false,
        paused: false,
        devices: [device(peer.id, indexId, peerMaxSequence), device(node, 0n)],
      },
    ],
  };
}
