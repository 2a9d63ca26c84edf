import type { ReactNode } from "react";

const tones = {
  good: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  busy: "bg-sky-50 text-sky-800 ring-sky-600/20",
  warn: "bg-amber-50 text-amber-800 ring-amber-600/20",
  bad: "bg-red-50 text-red-800 ring-red-600/20",
  muted: "bg-slate-100 text-slate-600 ring-slate-500/20",
} as const;

export type PillTone = keyof typeof tones;

/** A small status label (Up to date, Syncing 40 %, Paused…). */
export function Pill({ tone, children, testId }: { tone: PillTone; children: ReactNode; testId?: string }) {
  return (
    <span data-testid={testId} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}>
      {children}
    </span>
  );
}
