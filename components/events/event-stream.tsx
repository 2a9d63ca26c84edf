"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { FerryEvent } from "@/server/events/types";
import { goToLogin, isUnauthorized } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";

const KEEP = 200;

/**
 * High-frequency ticks (progress, summaries) that would push everything else out of the feed. They
 * still reach useFerryEvent() listeners; strings, so types other features add need no import here.
 */
const NOT_IN_FEED: ReadonlySet<string> = new Set(["folder.progress", "folder.summary", "remote.indexUpdated", "task.log"]);

type Listener = (event: FerryEvent) => void;

export type StreamStatus = "connecting" | "live" | "reconnecting";

interface EventStream {
  /** Newest first, at most KEEP, without the high-frequency ticks. */
  events: FerryEvent[];
  status: StreamStatus;
  loaded: boolean;
  listeners: Set<Listener>;
}

const EventStreamContext = createContext<EventStream>({ events: [], status: "connecting", loaded: false, listeners: new Set() });

/** Merges by id (the first page and the subscription may overlap), newest first. */
function merge(current: FerryEvent[], incoming: FerryEvent[]): FerryEvent[] {
  const byId = new Map(current.map((e) => [e.id, e]));
  for (const e of incoming) if (!NOT_IN_FEED.has(e.type)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, KEEP);
}

/**
 * The console's one live connection: the newest events first (system.recentEvents), then
 * system.events from the newest id seen. The WebSocket client resends the last tracked id when it
 * reconnects, so no event is lost in between. Events also refresh the queries they make stale.
 */
export function EventStreamProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const recent = useQuery({ ...trpc.system.recentEvents.queryOptions({ limit: 50 }), staleTime: Infinity, refetchOnWindowFocus: false });
  const [events, setEvents] = useState<FerryEvent[]>([]);
  // The subscription's starting point is fixed once: changing its input would resubscribe.
  const [since, setSince] = useState<number | null>(null);
  const seeded = useRef(false);
  const [listeners] = useState(() => new Set<Listener>());

  useEffect(() => {
    if (!recent.data || seeded.current) return;
    seeded.current = true;
    setEvents((cur) => merge(cur, recent.data));
    setSince(recent.data.reduce((max, e) => Math.max(max, e.id), 0));
  }, [recent.data]);

  const sub = useSubscription(
    trpc.system.events.subscriptionOptions(
      { lastEventId: since ?? 0 },
      {
        enabled: since !== null,
        onData: ({ data }) => {
          setEvents((cur) => merge(cur, [data]));
          for (const listener of listeners) listener(data);
          if (data.type === "settings.changed") {
            void queryClient.invalidateQueries({ queryKey: trpc.system.status.queryKey() });
            void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey() });
          }
        },
        onError: (err) => {
          if (isUnauthorized(err)) goToLogin();
        },
      },
    ),
  );

  const everLive = useRef(false);
  if (sub.status === "pending") everLive.current = true;
  const status: StreamStatus = sub.status === "pending" ? "live" : everLive.current || sub.status === "error" ? "reconnecting" : "connecting";
  return <EventStreamContext.Provider value={{ events, status, loaded: seeded.current || recent.isSuccess, listeners }}>{children}</EventStreamContext.Provider>;
}

export function useEventStream(): EventStream {
  return useContext(EventStreamContext);
}

/**
 * Calls `onEvent` for every live event while the component is mounted, e.g. to invalidate a query
 * when "folder.state" arrives: `useFerryEvent((e) => e.type === "folder.state" && refetch())`.
 */
export function useFerryEvent(onEvent: Listener): void {
  const { listeners } = useContext(EventStreamContext);
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  useEffect(() => {
    const listener: Listener = (e) => latest.current(e);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, [listeners]);
}
