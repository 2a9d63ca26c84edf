/**
 * One authenticated BEP connection to one device, after TLS and the Hello exchange
 * (bep.md §4). It owns the socket: framing, the ClusterConfig-first rule, Request/Response
 * matching, keepalive pings, the receive timeout, and closing with a Close message.
 * It knows nothing about folders; the model listens to its events.
 */
import { EventEmitter } from "node:events";
import type { TLSSocket } from "node:tls";
import {
  ErrorCode,
  FrameReader,
  ProtocolError,
  encodeExtensionFrame,
  encodeMessage,
  encodeResponseParts,
  type BepMessage,
  type ClusterConfig,
  type CompressionMode,
  type DecodedFrame,
  type DeviceId,
  type DownloadProgress,
  type Hello,
  type Index,
  type Request,
} from "./protocol";
import type { Throttle } from "./ratelimit";

/** The peer answered a Request with a non-zero ErrorCode (1 generic, 2 no such file, 3 invalid file). */
export class RequestError extends Error {
  constructor(readonly code: number) {
    super(`request failed with error code ${code} (${CODE_NAMES[code] ?? "unknown"})`);
    this.name = "RequestError";
  }
}

const CODE_NAMES: Record<number, string> = { 1: "generic", 2: "no such file", 3: "invalid file" };

/** The connection closed before an answer arrived or before a message could be sent. */
export class ConnectionClosedError extends Error {
  constructor(readonly reason: string) {
    super(`connection closed: ${reason}`);
    this.name = "ConnectionClosedError";
  }
}

/**
 * What a request listener answers: data (with `release`, called once the data has been written to
 * the socket or can no longer be, so its buffer may be reused), or an ErrorCode.
 */
export type RequestAnswer = { data: Uint8Array; release?: () => void } | { code: number };

export interface BepConnectionEvents {
  clusterConfig: [ClusterConfig];
  index: [Index];
  indexUpdate: [Index];
  downloadProgress: [DownloadProgress];
  request: [req: Request, respond: (answer: RequestAnswer) => void];
  closed: [reason: string];
  /** A message type BEP does not define: Ferry's own extensions (server/sync/epoch.ts). */
  extension: [type: number, body: Uint8Array];
}

/** Syncthing's keepalive values (bep.md §4); overridable so tests need not wait minutes. */
export interface ConnectionTimings {
  /** How often to check whether we have been silent long enough to ping (Syncthing: 45 s). */
  pingCheckMs: number;
  /** Ping when nothing was written for this long (Syncthing: PingSendInterval/2 = 45 s, so ≤ 90 s between writes). */
  pingIdleMs: number;
  /** Close with "read timeout" when nothing arrived for this long (Syncthing: 300 s, checked every 150 s). */
  receiveTimeoutMs: number;
  /** How long a Close may take to flush before the socket is destroyed (Syncthing: 10 s). */
  closeFlushMs: number;
}

export const DEFAULT_TIMINGS: ConnectionTimings = { pingCheckMs: 45_000, pingIdleMs: 45_000, receiveTimeoutMs: 300_000, closeFlushMs: 10_000 };

/**
 * Bytes of Request data we may be serving at once. Above it the socket stops reading,
 * so a peer flooding us with Requests fills its own TCP window, not our heap.
 */
const MAX_SERVING_BYTES = 64 * 1024 * 1024;

export interface BepConnectionOptions {
  socket: TLSSocket;
  /** The reader that parsed the Hello; it may already hold bytes that followed it. */
  reader: FrameReader;
  deviceId: DeviceId;
  remoteHello: Hello;
  remoteAddress: string;
  direction: "incoming" | "outgoing";
  /** Bytes already read and written during the Hello exchange, so the counters cover the whole session. */
  bytesIn?: number;
  bytesOut?: number;
  compression?: CompressionMode;
  timings?: Partial<ConnectionTimings>;
  log?: (line: string) => void;
}

interface Outstanding {
  resolve: (data: readonly Uint8Array[]) => void;
  reject: (err: Error) => void;
  cleanup: () => void;
}

export class BepConnection extends EventEmitter<BepConnectionEvents> {
  readonly deviceId: DeviceId;
  readonly remoteHello: Hello;
  readonly remoteAddress: string;
  readonly direction: "incoming" | "outgoing";
  readonly connectedAt = Date.now();
  bytesIn: number;
  bytesOut: number;
  compression: CompressionMode;
  /** Bandwidth limits for this device (ratelimit.ts); the engine sets it before start(). */
  throttle: Throttle | null = null;

  private readonly socket: TLSSocket;
  private readonly reader: FrameReader;
  private readonly timings: ConnectionTimings;
  private readonly log: (line: string) => void;
  private readonly outstanding = new Map<number, Outstanding>();
  private nextRequestId = 0;
  private gotClusterConfig = false;
  private closeReason: string | null = null;
  private lastWrite = Date.now();
  private lastRead = Date.now();
  private servingBytes = 0;
  /** The last write still waiting for send tokens: later frames queue behind it to keep their order. */
  private throttledTail: Promise<void> | null = null;
  /** Reading is held back until this time (performance.now()) to honour the receive limit. */
  private recvHoldUntil = 0;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(opts: BepConnectionOptions) {
    super();
    this.socket = opts.socket;
    this.reader = opts.reader;
    this.deviceId = opts.deviceId;
    this.remoteHello = opts.remoteHello;
    this.remoteAddress = opts.remoteAddress;
    this.direction = opts.direction;
    this.bytesIn = opts.bytesIn ?? 0;
    this.bytesOut = opts.bytesOut ?? 0;
    this.compression = opts.compression ?? "metadata";
    this.timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.log = opts.log ?? (() => {});

    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("end", () => this.finish("remote closed the connection"));
    this.socket.on("close", () => this.finish("connection closed"));
    this.socket.on("error", (err) => this.finish(`socket error: ${err.message}`));
    this.timers.push(setInterval(() => this.keepalive(), this.timings.pingCheckMs).unref());
    this.timers.push(setInterval(() => this.checkReceive(), Math.max(1, Math.floor(this.timings.receiveTimeoutMs / 2))).unref());
  }

  /**
   * Starts delivering messages. The owner calls this once it has attached its listeners, so
   * frames that arrived together with the Hello are not emitted into the void.
   */
  start(): void {
    this.drain();
    this.socket.resume();
  }

  get closed(): boolean {
    return this.closeReason !== null;
  }

  /** Resolves once the frame is handed to the kernel; while the socket buffer is full it also waits for 'drain'. */
  send(msg: BepMessage): Promise<void> {
    if (this.closeReason !== null) return Promise.reject(new ConnectionClosedError(this.closeReason));
    let frame: Frame;
    try {
      frame = (msg.type === "response" && encodeResponseParts(msg.message, { compress: this.compression })) || encodeMessage(msg, { compress: this.compression });
    } catch (err) {
      return Promise.reject(err);
    }
    return this.write(frame);
  }

  /** Sends a Ferry extension message; only call it for peers whose Hello says client_name "ferry". */
  sendExtension(type: number, body: Uint8Array): Promise<void> {
    if (this.closeReason !== null) return Promise.reject(new ConnectionClosedError(this.closeReason));
    return this.write(encodeExtensionFrame(type, body));
  }

  private write(frame: Frame): Promise<void> {
    const delay = this.throttle ? this.throttle.sendDelay(frameLength(frame)) : 0;
    if (delay <= 0 && !this.throttledTail) return this.writeNow(frame);
    const readyAt = performance.now() + delay;
    const prev = this.throttledTail ?? Promise.resolve();
    const p = prev.then(async () => {
      const wait = readyAt - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.closeReason !== null) throw new ConnectionClosedError(this.closeReason);
      return this.writeNow(frame);
    });
    const tail = p.catch(() => {});
    this.throttledTail = tail;
    void tail.then(() => {
      if (this.throttledTail === tail) this.throttledTail = null;
    });
    return p;
  }

  /** One "drain" listener however many writers wait (dozens of block responses at once). */
  private drainWaiters: (() => void)[] | null = null;
  private onDrain(fn: () => void): void {
    if (!this.drainWaiters) {
      const waiters: (() => void)[] = (this.drainWaiters = []);
      this.socket.once("drain", () => {
        if (this.drainWaiters === waiters) this.drainWaiters = null;
        for (const w of waiters) w();
      });
    }
    this.drainWaiters.push(fn);
  }

  private writeNow(frame: Frame): Promise<void> {
    this.lastWrite = Date.now();
    this.bytesOut += frameLength(frame);
    return new Promise((resolve, reject) => {
      let pending = 1;
      const done = () => {
        if (--pending === 0) resolve();
      };
      // Writes are queued by the socket in call order, so concurrent senders never interleave frames.
      const onWritten = (err?: Error | null) => (err ? reject(new ConnectionClosedError(err.message)) : done());
      let flowing: boolean;
      if (frame instanceof Uint8Array) flowing = this.socket.write(frame, onWritten);
      else {
        // Corked, the pieces reach TLS as one write: one record run, no partial frame between them.
        this.socket.cork();
        for (let i = 0; i < frame.length - 1; i++) this.socket.write(frame[i]);
        flowing = this.socket.write(frame[frame.length - 1], onWritten);
        this.socket.uncork();
      }
      if (!flowing) {
        pending++;
        this.onDrain(done);
      }
    });
  }

  /** Sends a Request and resolves with the Response data in one buffer. */
  async request(req: Omit<Request, "id">, signal?: AbortSignal): Promise<Uint8Array> {
    const parts = await this.requestParts(req, signal);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /**
   * Sends a Request and resolves with the Response data as it arrived: views of the received
   * chunks (a block spread over TLS records is not joined; see FrameReader.scatteredResponse), or
   * one buffer (see ownData).
   */
  requestParts(req: Omit<Request, "id">, signal?: AbortSignal): Promise<readonly Uint8Array[]> {
    if (this.closeReason !== null) return Promise.reject(new ConnectionClosedError(this.closeReason));
    if (signal?.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error("request aborted"));
    const id = this.nextRequestId;
    // Request ids are int32 on the wire; wrap before the sign bit.
    this.nextRequestId = (this.nextRequestId + 1) & 0x7fffffff;
    return new Promise<readonly Uint8Array[]>((resolve, reject) => {
      const onAbort = () => {
        // A late Response for this id is then ignored as unknown.
        this.outstanding.delete(id);
        reject(signal?.reason instanceof Error ? signal.reason : new Error("request aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const cleanup = () => signal?.removeEventListener("abort", onAbort);
      this.outstanding.set(id, { resolve, reject, cleanup });
      this.send({ type: "request", message: { ...req, id } }).catch((err: Error) => {
        const entry = this.outstanding.get(id);
        if (!entry) return;
        this.outstanding.delete(id);
        entry.cleanup();
        entry.reject(err);
      });
    });
  }

  /** Sends Close{reason}, then ends the socket; destroys it if the Close cannot flush in time. */
  close(reason: string): void {
    if (this.closeReason !== null) return;
    const frame = encodeMessage({ type: "close", message: { reason } }, { compress: "never" });
    this.bytesOut += frame.length;
    this.socket.end(frame);
    // Keep reading (and discarding) so the peer's FIN is seen and the socket closes promptly.
    this.socket.resume();
    const timer = setTimeout(() => this.socket.destroy(), this.timings.closeFlushMs);
    timer.unref();
    this.finish(reason);
  }

  // ---------------------------------------------------------------- receiving

  private onData(chunk: Buffer): void {
    if (this.closeReason !== null) return;
    this.bytesIn += chunk.length;
    this.lastRead = Date.now();
    try {
      this.reader.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.drain();
    const delay = this.throttle ? this.throttle.recvDelay(chunk.length) : 0;
    if (delay > 0 && this.closeReason === null) {
      // Stop reading until the tokens for this chunk have accrued; the peer's TCP window fills meanwhile.
      this.recvHoldUntil = Math.max(this.recvHoldUntil, performance.now() + delay);
      this.socket.pause();
      setTimeout(() => this.resumeReading(), delay).unref();
    }
  }

  /** Reads again unless the receive limit or the Request backlog still holds the socket. */
  private resumeReading(): void {
    if (this.closeReason !== null || this.servingBytes > MAX_SERVING_BYTES) return;
    const left = this.recvHoldUntil - performance.now();
    if (left > 1) {
      setTimeout(() => this.resumeReading(), left).unref();
      return;
    }
    this.socket.resume();
  }

  /** Dispatches every complete buffered frame, stopping early if the connection closes meanwhile. */
  private drain(): void {
    while (this.closeReason === null) {
      let frame: DecodedFrame | null;
      try {
        frame = this.reader.next();
        if (frame === null) return;
        this.dispatch(frame);
      } catch (err) {
        this.fail(err);
        return;
      }
    }
  }

  private fail(err: unknown): void {
    if (err instanceof ProtocolError) {
      this.log(`${this.deviceId.shortIdString()}: protocol error: ${err.message}`);
      this.close(`protocol error: ${err.message}`);
      return;
    }
    // A listener threw: the model is in an unknown state for this peer, so start over with a new connection.
    const message = err instanceof Error ? err.message : String(err);
    this.log(`${this.deviceId.shortIdString()}: internal error handling a message: ${message}`);
    this.close(`internal error: ${message}`);
  }

  private dispatch(frame: DecodedFrame): void {
    switch (frame.type) {
      case "hello":
        throw new ProtocolError("unexpected second Hello");
      case "unknown":
        // Forward compatibility: skipped (bep.md §4), unless a Ferry extension listens for it.
        this.emit("extension", frame.typeCode, frame.body);
        return;
      case "ping":
        return;
      case "close":
        this.socket.end();
        this.finish(`remote closed: ${frame.message.reason}`);
        return;
      case "clusterConfig":
        this.gotClusterConfig = true;
        this.emit("clusterConfig", frame.message);
        return;
    }
    // Syncthing's state machine: nothing but ClusterConfig (or Ping/Close) before the first ClusterConfig.
    if (!this.gotClusterConfig) throw new ProtocolError(`invalid state: ${frame.type} before ClusterConfig`);
    switch (frame.type) {
      case "index":
        this.emit("index", frame.message);
        return;
      case "indexUpdate":
        this.emit("indexUpdate", frame.message);
        return;
      case "downloadProgress":
        this.emit("downloadProgress", frame.message);
        return;
      case "response": {
        const entry = this.outstanding.get(frame.message.id);
        if (!entry) return; // aborted earlier, or a confused peer: nothing waits for it
        this.outstanding.delete(frame.message.id);
        entry.cleanup();
        if (frame.message.code !== ErrorCode.NoError) entry.reject(new RequestError(frame.message.code));
        else entry.resolve(frame.message.dataParts ?? [ownData(frame.message.data)]);
        return;
      }
      case "request":
        this.serve(frame.message);
        return;
    }
  }

  private serve(req: Request): void {
    const size = Math.max(0, req.size);
    this.servingBytes += size;
    if (this.servingBytes > MAX_SERVING_BYTES) this.socket.pause();
    let answered = false;
    const respond = (answer: RequestAnswer) => {
      if (answered) return;
      answered = true;
      this.servingBytes -= size;
      if (this.servingBytes <= MAX_SERVING_BYTES) this.resumeReading();
      const release = "release" in answer ? answer.release : undefined;
      if (this.closeReason !== null) return release?.();
      const message = "data" in answer ? { id: req.id, data: answer.data, code: ErrorCode.NoError } : { id: req.id, data: new Uint8Array(0), code: answer.code };
      // A closed connection already told everyone; either way the data is no longer needed after.
      void this.send({ type: "response", message }).then(release, release);
    };
    if (this.listenerCount("request") === 0) respond({ code: ErrorCode.Generic });
    else this.emit("request", req, respond);
  }

  // ---------------------------------------------------------------- keepalive and teardown

  private keepalive(): void {
    if (this.closeReason !== null) return;
    if (Date.now() - this.lastWrite < this.timings.pingIdleMs) return;
    this.send({ type: "ping", message: {} }).catch(() => {});
  }

  private checkReceive(): void {
    if (this.closeReason !== null) return;
    if (Date.now() - this.lastRead >= this.timings.receiveTimeoutMs) this.close("read timeout");
  }

  /** Runs once: stops timers, fails outstanding requests, emits "closed". */
  private finish(reason: string): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    for (const t of this.timers) clearInterval(t);
    if (!this.socket.writableEnded) this.socket.destroy();
    const err = new ConnectionClosedError(reason);
    for (const entry of this.outstanding.values()) {
      entry.cleanup();
      entry.reject(err);
    }
    this.outstanding.clear();
    this.log(`${this.deviceId.shortIdString()}: connection closed: ${reason}`);
    this.emit("closed", reason);
  }
}

/** A frame to write: one buffer, or pieces written back to back (a Response around its data). */
type Frame = Uint8Array | readonly Uint8Array[];

function frameLength(frame: Frame): number {
  if (frame instanceof Uint8Array) return frame.length;
  let n = 0;
  for (const piece of frame) n += piece.length;
  return n;
}

/**
 * Response data to hand out: a view of the received frame when that frame is most of its buffer
 * (a block-sized frame is merged from TLS records into a buffer of its own, holding at most part of
 * the next record besides), a copy when the view would keep a much larger buffer alive. Copying
 * every block cost a second allocation and memcpy per block (bench (a)).
 */
function ownData(data: Uint8Array): Uint8Array {
  return data.byteLength * 2 >= data.buffer.byteLength ? data : Uint8Array.prototype.slice.call(data);
}
