"use client";

import { useEffect, useState } from "react";
import { useI18n } from "@/components/i18n/i18n-provider";

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Infinity],
];

export function formatRelative(ms: number, now: number, lang: string): string {
  let value = (ms - now) / 1000;
  const fmt = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  if (Math.abs(value) < 10) return fmt.format(0, "second");
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return fmt.format(Math.round(value), unit);
    value /= size;
  }
  return fmt.format(Math.round(value), "year");
}

/** A clock that re-renders its users every `everyMs`; local only, no network. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * "3 minutes ago", with the exact local time on hover. The server renders it with its clock and
 * time zone and the browser with its own (pages arrive with their data), hence no mismatch warning.
 */
export function RelativeTime({ time }: { time: number }) {
  const { lang } = useI18n();
  const now = useNow();
  const date = new Date(time);
  return (
    <time suppressHydrationWarning dateTime={date.toISOString()} title={date.toLocaleString(lang)}>
      {formatRelative(time, Math.max(now, time), lang)}
    </time>
  );
}
