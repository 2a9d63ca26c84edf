"use client";

import { useT } from "@/components/i18n/i18n-provider";
import type { Outputs } from "@/components/trpc/outputs";

type Hunk = NonNullable<Outputs["conflicts"]["show"]["preview"]["diff"]>[number];

const STYLE = { "=": "text-slate-600", "-": "bg-red-50 text-red-900", "+": "bg-emerald-50 text-emerald-900" } as const;

/** Current file → conflict copy, line by line, with a few lines of context around each change. */
export function DiffView({ hunks, note }: { hunks: Hunk[] | null; note?: string }) {
  const t = useT();
  if (!hunks) return <p className="text-sm text-slate-500">{note ?? t("conflicts.noDiff")}</p>;
  if (!hunks.length) return <p className="text-sm text-slate-500">{t("conflicts.sameText")}</p>;
  return (
    <div data-testid="diff" className="overflow-x-auto rounded-md border border-slate-200 font-mono text-xs">
      {hunks.map((h, i) => {
        let a = h.aStart;
        let b = h.bStart;
        return (
          <div key={i} className="border-b border-slate-100 last:border-0">
            <div className="bg-slate-50 px-2 py-0.5 text-slate-500">@@ −{h.aStart} +{h.bStart} @@</div>
            {h.lines.map((l, j) => {
              const left = l.op !== "+" ? a++ : "";
              const right = l.op !== "-" ? b++ : "";
              return (
                <div key={j} className={`grid grid-cols-[3rem_3rem_1rem_1fr] ${STYLE[l.op]}`}>
                  <span className="select-none pr-1 text-right text-slate-400">{left}</span>
                  <span className="select-none pr-1 text-right text-slate-400">{right}</span>
                  <span className="select-none">{l.op === "=" ? " " : l.op === "-" ? "−" : "+"}</span>
                  <span className="whitespace-pre-wrap break-all">{l.text}</span>
                </div>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}
