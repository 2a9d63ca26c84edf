import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../server/api/root";
import { createCallerFactory } from "../../server/api/trpc";
import { audit } from "../../server/db/schema";
import { pair, startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";
import { contextFor } from "../support/runtime";

// Two Ferry nodes on loopback; a 30 MiB file crosses at a limit and must take about 30 s.
const F = "bw";
const LIMIT_KIB = 1024;
const SIZE = 30 * 1024 * 1024;
let a: TestSyncNode;
let b: TestSyncNode;
const api = (n: TestSyncNode) => createCallerFactory(appRouter)(contextFor(n, { kind: "apikey", user: null, actor: "cli" }));

/** Writes a file of random bytes on node a and returns the KiB/s at which it arrived on node b. */
async function transfer(name: string, size: number): Promise<{ kibPerS: number; seconds: number }> {
  const data = randomBytes(size);
  fs.writeFileSync(path.join(a.home, F, name), data);
  await a.rt.sync.rescan(F, { wait: true });
  const started = performance.now();
  await waitFor(
    () => b.rt.events.recent(200).some((e) => e.type === "item.finished" && (e.data as { name: string; error: string | null }).name === name && !(e.data as { error: string | null }).error),
    `${name} on node b`,
    120_000,
  );
  const seconds = (performance.now() - started) / 1000;
  expect(fs.readFileSync(path.join(b.home, F, name)).equals(data)).toBe(true);
  return { kibPerS: size / 1024 / seconds, seconds };
}

beforeAll(async () => {
  [a, b] = await Promise.all([startSyncNode({ name: "a" }), startSyncNode({ name: "b" })]);
  pair(a, b);
  const opts = { id: F, rescanIntervalS: 3600, fsWatcherEnabled: false };
  a.rt.sync.addFolder({ ...opts, path: path.join(a.home, F), devices: [b.deviceId] }, "test");
  b.rt.sync.addFolder({ ...opts, path: path.join(b.home, F), devices: [a.deviceId] }, "test");
  await waitFor(() => a.rt.sync.sessions.has(b.deviceId) && b.rt.sync.sessions.has(a.deviceId), "connection", 30_000);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("bandwidth limits", () => {
  it("unlimited, a 30 MiB file crosses loopback far faster than the limit used below", async () => {
    const { kibPerS, seconds } = await transfer("unlimited.bin", SIZE);
    console.log(`unlimited: ${kibPerS.toFixed(0)} KiB/s over ${seconds.toFixed(2)} s`);
    expect(kibPerS).toBeGreaterThan(5 * LIMIT_KIB);
  });

  it("the node-wide send limit (settings) holds a 30-second transfer within 10%", async () => {
    await api(a).settings.update({ maxSendKbps: LIMIT_KIB });
    const { kibPerS, seconds } = await transfer("send-limited.bin", SIZE);
    console.log(`global send limit ${LIMIT_KIB} KiB/s: ${kibPerS.toFixed(0)} KiB/s over ${seconds.toFixed(1)} s`);
    expect(Math.abs(kibPerS - LIMIT_KIB) / LIMIT_KIB).toBeLessThan(0.1);
    expect(a.rt.events.recent(500).some((e) => e.type === "limits.changed")).toBe(true);
    await api(a).settings.update({ maxSendKbps: 0 });
  }, 120_000);

  it("a per-device receive limit (devices.update) holds a 30-second transfer within 10%", async () => {
    const limit = 2 * LIMIT_KIB;
    const d = await api(b).devices.update({ deviceId: a.deviceId, maxRecvKbps: limit });
    expect(d.maxRecvKbps).toBe(limit);
    const { kibPerS, seconds } = await transfer("recv-limited.bin", 2 * SIZE);
    console.log(`device receive limit ${limit} KiB/s: ${kibPerS.toFixed(0)} KiB/s over ${seconds.toFixed(1)} s`);
    expect(Math.abs(kibPerS - limit) / limit).toBeLessThan(0.1);
    expect(b.rt.db.select().from(audit).all().some((r) => r.action === "device.update" && r.actor === "cli")).toBe(true);
    // Lifting the limit takes effect on the open connection, without reconnecting.
    await api(b).devices.update({ deviceId: a.deviceId, maxRecvKbps: 0 });
    const { kibPerS: after } = await transfer("after-lift.bin", SIZE / 3);
    expect(after).toBeGreaterThan(2 * limit);
    expect(treeOf(path.join(b.home, F))).toEqual(treeOf(path.join(a.home, F)));
  }, 120_000);

  it("a per-device send limit and the node-wide receive limit each hold a 30-second transfer within 10%", async () => {
    await api(a).devices.update({ deviceId: b.deviceId, maxSendKbps: LIMIT_KIB });
    const send = await transfer("device-send-limited.bin", SIZE);
    console.log(`device send limit ${LIMIT_KIB} KiB/s: ${send.kibPerS.toFixed(0)} KiB/s over ${send.seconds.toFixed(1)} s`);
    expect(Math.abs(send.kibPerS - LIMIT_KIB) / LIMIT_KIB).toBeLessThan(0.1);
    await api(a).devices.update({ deviceId: b.deviceId, maxSendKbps: 0 });

    await api(b).settings.update({ maxRecvKbps: LIMIT_KIB });
    const recv = await transfer("global-recv-limited.bin", SIZE);
    console.log(`global receive limit ${LIMIT_KIB} KiB/s: ${recv.kibPerS.toFixed(0)} KiB/s over ${recv.seconds.toFixed(1)} s`);
    expect(Math.abs(recv.kibPerS - LIMIT_KIB) / LIMIT_KIB).toBeLessThan(0.1);
    await api(b).settings.update({ maxRecvKbps: 0 });
  }, 150_000);

  it("a negative limit is refused and nothing changes", async () => {
    await expect(api(b).devices.update({ deviceId: a.deviceId, maxSendKbps: -5 })).rejects.toThrow();
    await expect(api(a).settings.update({ maxRecvKbps: -1 })).rejects.toThrow();
    expect(b.rt.sync.config.device(a.deviceId)?.maxSendKbps).toBe(0);
    expect(a.rt.settings.get().maxRecvKbps).toBe(0);
  });
});
