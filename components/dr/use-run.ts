"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useFerryEvent } from "@/components/events/event-stream";
import { useTRPC } from "@/components/trpc/trpc";
import { useDrRefresh } from "./use-dr-refresh";

export interface LogLine {
  key: string;
  attemptId: number | null;
  taskId: string | null;
  time: number;
  stream: string;
  line: string;
}

const LIVE_KEEP = 5000;

/**
 * A run with its tasks, attempts and logs, kept live: state changes refetch the run (throttled),
 * and log lines arrive one by one from task.log events, so a tail follows a tool's output as it
 * prints without re-reading the whole log. Stored rows win once they exist, so nothing shows twice.
 */
export function useRun(runId: number) {
  const trpc = useTRPC();
  const show = useQuery({ ...trpc.runs.show.queryOptions({ id: runId, logLimit: 10_000 }), enabled: runId > 0, staleTime: 0 });
  const plan = useQuery({ ...trpc.drConsole.planAt.queryOptions({ id: show.data?.run.planId ?? "", version: show.data?.run.planVersion ?? 1 }), enabled: !!show.data, staleTime: Infinity });
  useDrRefresh([trpc.runs.show.queryKey({ id: runId, logLimit: 10_000 })]);
  const [live, setLive] = useState<LogLine[]>([]);
  useFerryEvent((e) => {
    if (e.type !== "task.log") return;
    const d = (e as { data: { runId: number; attemptId: number | null; taskId: string; stream: string; line: string; time: number } }).data;
    if (d.runId !== runId) return;
    setLive((cur) => [...cur.slice(-LIVE_KEEP), { key: `e${e.id}`, attemptId: d.attemptId, taskId: d.taskId, time: d.time, stream: d.stream, line: d.line }]);
  });

  const stored: LogLine[] = (show.data?.logs ?? []).map((l) => ({ key: `r${l.id}`, attemptId: l.attemptId, taskId: null, time: l.time, stream: l.stream, line: l.line }));
  // A line is an event first and a row ~200 ms later with the same time and text; a live line is
  // shown only while its row has not arrived (counted, so repeated identical lines all show).
  const rows = new Map<string, number>();
  const keyOf = (l: LogLine) => `${l.attemptId}|${l.time}|${l.line}`;
  for (const l of stored) rows.set(keyOf(l), (rows.get(keyOf(l)) ?? 0) + 1);
  const pending = live.filter((l) => {
    const n = rows.get(keyOf(l)) ?? 0;
    if (n > 0) rows.set(keyOf(l), n - 1);
    return n === 0;
  });
  return { show, plan, logs: [...stored, ...pending] };
}
