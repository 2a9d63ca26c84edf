"use client";

import { useRef } from "react";
import type { DeviceStatus } from "@/components/trpc/outputs";

interface Sample {
  at: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * Transfer rates from two successive snapshots of the byte counters (the engine counts bytes, the
 * console divides by the time between two looks). A reconnect resets the counters: no negative rates.
 */
export function useRates(devices: DeviceStatus[] | undefined, fetchedAt: number): Map<string, { in: number; out: number }> {
  const last = useRef(new Map<string, Sample>());
  const rates = useRef(new Map<string, { in: number; out: number }>());
  const seenAt = useRef(0);
  if (devices && fetchedAt !== seenAt.current) {
    seenAt.current = fetchedAt;
    for (const d of devices) {
      const prev = last.current.get(d.deviceId);
      const now: Sample = { at: fetchedAt, bytesIn: d.bytesIn, bytesOut: d.bytesOut };
      if (!d.connected) rates.current.set(d.deviceId, { in: 0, out: 0 });
      else if (prev && now.at > prev.at) {
        const dt = (now.at - prev.at) / 1000;
        rates.current.set(d.deviceId, { in: Math.max(0, (now.bytesIn - prev.bytesIn) / dt), out: Math.max(0, (now.bytesOut - prev.bytesOut) / dt) });
      }
      last.current.set(d.deviceId, now);
    }
  }
  return rates.current;
}
