"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useFerryEvent } from "@/components/events/event-stream";
import type { FerryEvent } from "@/server/events/types";

/**
 * Refetches the given queries when a matching live event arrives. A burst (a pull of 10,000 files
 * sends 10,000 item.finished events) becomes at most one refetch per `throttleMs`, so the page
 * follows the engine without hammering it.
 */
export function useRefreshOn(match: (e: FerryEvent) => boolean, queryKeys: QueryKey[], throttleMs = 700): void {
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const keys = useRef(queryKeys);
  useEffect(() => {
    keys.current = queryKeys;
  });
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useFerryEvent((e) => {
    if (!match(e) || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      for (const queryKey of keys.current) void queryClient.invalidateQueries({ queryKey });
    }, throttleMs);
  });
}

/** Event types that change what the sync screens show. */
export const SYNC_EVENT = /^(device|folder|local|item|conflict|remote)\./;
export const isSyncEvent = (e: FerryEvent) => SYNC_EVENT.test(e.type);
