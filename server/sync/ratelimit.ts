/**
 * Bandwidth limits as token buckets: one pair (send, receive) for the whole node and one pair per
 * device, like Syncthing's maxSendKbps / maxRecvKbps (which are KiB/s despite the name; 0 means
 * unlimited). A connection asks for the delay before it may move n bytes; it waits on send and
 * pauses the socket on receive, so TCP flow control slows the peer down.
 */

/** Bytes per KiB: Syncthing's "kbps" settings are KiB per second. */
const KIB = 1024;
/**
 * How much may pass at once after an idle spell, in seconds of the rate. Small, so a 30 s transfer
 * is within a few percent of the limit; at least one BEP block plus framing, so a Response fits.
 */
const BURST_S = 0.1;
const MIN_BURST_BYTES = 160 * KIB;

export class TokenBucket {
  private rate = 0; // bytes per second; 0 = unlimited
  private tokens = 0;
  private capacity = 0;
  private last = performance.now();

  constructor(kibPerS = 0) {
    this.setLimit(kibPerS);
  }

  get limitKibPerS(): number {
    return this.rate / KIB;
  }

  setLimit(kibPerS: number): void {
    const rate = Math.max(0, Math.floor(kibPerS)) * KIB;
    if (rate === this.rate) return;
    const wasUnlimited = this.rate === 0;
    this.rate = rate;
    this.capacity = Math.max(MIN_BURST_BYTES, rate * BURST_S);
    // A new limit starts with a full burst (as Go's rate.Limiter does); a changed one keeps its debt.
    this.tokens = wasUnlimited ? this.capacity : Math.min(this.tokens, this.capacity);
    this.last = performance.now();
  }

  /**
   * Takes n bytes' worth of tokens and returns how many ms to wait before moving them. Tokens may
   * go negative: later callers then wait behind earlier ones, which keeps a connection's frames in
   * order and the long-run rate exact.
   */
  reserve(n: number): number {
    if (this.rate === 0) return 0;
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }
}

/** What a connection consults before it writes or after it reads: the global and its device's bucket. */
export interface Throttle {
  sendDelay(bytes: number): number;
  recvDelay(bytes: number): number;
}

export interface Limits {
  maxSendKbps: number;
  maxRecvKbps: number;
}

/** The node's buckets. Limits change at runtime (settings, devices.update) without reconnecting. */
export class RateLimiter {
  private readonly globalSend = new TokenBucket();
  private readonly globalRecv = new TokenBucket();
  private readonly devices = new Map<string, { send: TokenBucket; recv: TokenBucket }>();

  setGlobal(limits: Limits): void {
    this.globalSend.setLimit(limits.maxSendKbps);
    this.globalRecv.setLimit(limits.maxRecvKbps);
  }

  setDevice(deviceId: string, limits: Limits): void {
    const d = this.device(deviceId);
    d.send.setLimit(limits.maxSendKbps);
    d.recv.setLimit(limits.maxRecvKbps);
  }

  forgetDevice(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  /** Both buckets are charged; the slower one decides. */
  throttle(deviceId: string): Throttle {
    const d = this.device(deviceId);
    return {
      sendDelay: (n) => Math.max(this.globalSend.reserve(n), d.send.reserve(n)),
      recvDelay: (n) => Math.max(this.globalRecv.reserve(n), d.recv.reserve(n)),
    };
  }

  private device(deviceId: string) {
    let d = this.devices.get(deviceId);
    if (!d) {
      d = { send: new TokenBucket(), recv: new TokenBucket() };
      this.devices.set(deviceId, d);
    }
    return d;
  }
}
