"use client";

import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { buttonSecondary } from "@/components/ui/styles";
import { diffText } from "./line-diff";
import { When } from "./when";

interface Version {
  version: number;
  appliedAt: number;
  appliedBy: string;
  source: string;
}

/** Every applied version, newest first; each opens as a line diff against the one before it. */
export function PlanHistory({ history }: { history: Version[] }) {
  const t = useT();
  const [open, setOpen] = useState<number | null>(history[0]?.version ?? null);
  return (
    <ol className="space-y-2" aria-label={t("dr.history.title")}>
      {history.map((v, i) => {
        const before = history[i + 1]?.source ?? "";
        const rows = open === v.version ? diffText(before, v.source) : [];
        const added = rows.filter((r) => r.op === "add").length;
        const removed = rows.filter((r) => r.op === "del").length;
        return (
          <li key={v.version} className="rounded-md border border-slate-200" data-testid={`plan-version-${v.version}`}>
            <button type="button" className="flex w-full items-center justify-between gap-3 px-3 py-2 text-left text-sm hover:bg-slate-50" aria-expanded={open === v.version} onClick={() => setOpen(open === v.version ? null : v.version)}>
              <span>
                <strong>{t("dr.history.version", { version: v.version })}</strong> · {v.appliedBy} · <When at={v.appliedAt} />
              </span>
              {open === v.version && (
                <span className="font-mono text-xs">
                  <span className="text-emerald-700">+{added}</span> <span className="text-red-700">−{removed}</span>
                </span>
              )}
            </button>
            {open === v.version && (
              <pre className="max-h-96 overflow-auto border-t border-slate-200 bg-slate-50 py-1 text-xs leading-5" aria-label={t("dr.history.diff", { version: v.version })}>
                {rows.map((r, n) => (
                  <div key={n} className={r.op === "add" ? "bg-emerald-50 text-emerald-900" : r.op === "del" ? "bg-red-50 text-red-900" : "text-slate-600"} data-op={r.op}>
                    <span className="inline-block w-5 select-none pl-1 text-slate-400">{r.op === "add" ? "+" : r.op === "del" ? "−" : " "}</span>
                    {r.text || " "}
                  </div>
                ))}
              </pre>
            )}
          </li>
        );
      })}
      {history.length > 1 && open === null && (
        <li>
          <button type="button" className={buttonSecondary} onClick={() => setOpen(history[0].version)}>
            {t("dr.history.showLatest")}
          </button>
        </li>
      )}
    </ol>
  );
}
