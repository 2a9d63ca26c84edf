"use client";

import type { QueryKey } from "@tanstack/react-query";
import { useRefreshOn } from "@/components/live/use-refresh-on";
import type { FerryEvent } from "@/server/events/types";

/** Events that change what the DR screens show (task.log is streamed separately, line by line). */
export const isDrEvent = (e: FerryEvent) => /^(plan|run|task|failover)\./.test(e.type) && e.type !== "task.log";

/**
 * Refetches DR queries on plan/run/task/failover events, a few times a second at most.
 * Events that arrive while a screen is not mounted do not reach it, so DR screens also pass
 * staleTime: 0 and refetch on every visit instead of trusting a 30 s old cache.
 */
export function useDrRefresh(keys: QueryKey[], throttleMs = 300): void {
  useRefreshOn(isDrEvent, keys, throttleMs);
}
