import { describe, expect, it } from "vitest";
import { RateLimiter, TokenBucket } from "../../../server/sync/ratelimit";

const KIB = 1024;

describe("token buckets for bandwidth limits", () => {
  it("an unlimited bucket never delays", () => {
    const b = new TokenBucket(0);
    expect(b.reserve(100 * 1024 * 1024)).toBe(0);
  });

  it("delays grow in call order, so frames keep their order and the long-run rate is exact", () => {
    const b = new TokenBucket(1024); // 1 MiB/s, burst 160 KiB
    expect(b.reserve(160 * KIB)).toBe(0);
    const d1 = b.reserve(512 * KIB);
    const d2 = b.reserve(512 * KIB);
    // 512 KiB at 1 MiB/s is 500 ms; the second waits behind the first.
    expect(d1).toBeGreaterThan(490);
    expect(d1).toBeLessThan(510);
    expect(d2).toBeGreaterThan(990);
    expect(d2).toBeLessThan(1010);
  });

  it("lifting a limit takes effect at once", () => {
    const b = new TokenBucket(10);
    expect(b.reserve(1024 * KIB)).toBeGreaterThan(1000);
    b.setLimit(0);
    expect(b.reserve(1024 * KIB)).toBe(0);
  });

  it("a device's traffic is charged to the node-wide bucket too; the slower one decides", () => {
    const limiter = new RateLimiter();
    limiter.setGlobal({ maxSendKbps: 1024, maxRecvKbps: 0 });
    limiter.setDevice("A", { maxSendKbps: 0, maxRecvKbps: 256 });
    const a = limiter.throttle("A");
    const b = limiter.throttle("B");
    a.sendDelay(160 * KIB);
    // Device B has no own limit but shares the node's 1 MiB/s with A.
    expect(b.sendDelay(512 * KIB)).toBeGreaterThan(490);
    expect(a.recvDelay(160 * KIB)).toBe(0);
    expect(a.recvDelay(256 * KIB)).toBeGreaterThan(990);
    expect(b.recvDelay(10 * 1024 * KIB)).toBe(0);
  });

  it("a node-wide receive limit holds every device back; a device's send limit holds back only that device", () => {
    const limiter = new RateLimiter();
    limiter.setGlobal({ maxSendKbps: 0, maxRecvKbps: 512 });
    limiter.setDevice("A", { maxSendKbps: 256, maxRecvKbps: 0 });
    const a = limiter.throttle("A");
    const b = limiter.throttle("B");
    // 160 KiB of burst, then 512 KiB at 512 KiB/s: about a second, whichever device it comes from.
    expect(a.recvDelay(160 * KIB)).toBe(0);
    expect(b.recvDelay(512 * KIB)).toBeGreaterThan(990);
    expect(a.sendDelay(160 * KIB)).toBe(0);
    expect(a.sendDelay(256 * KIB)).toBeGreaterThan(990);
    expect(b.sendDelay(10 * 1024 * KIB)).toBe(0);
  });
});
