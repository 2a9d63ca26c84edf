"use client";

import { useI18n } from "@/components/i18n/i18n-provider";
import type { Outputs } from "@/components/trpc/outputs";
import { formatBytes } from "@/components/ui/format";

type Conflict = Outputs["conflicts"]["show"];
export type SidePreviewData = Conflict["preview"]["current"];
export type ConflictSideData = Conflict["winner"];

/** One version of the file: who made it, when, how big, and what it looks like. */
export function SidePanel({ title, tone, name, side, preview, deviceName, testId }: { title: string; tone: "current" | "copy"; name: string; side: ConflictSideData; preview: SidePreviewData; deviceName: (s: string) => string; testId: string }) {
  const { t, lang } = useI18n();
  const border = tone === "current" ? "border-teal-300" : "border-amber-300";
  return (
    <section data-testid={testId} className={`min-w-0 rounded-lg border ${border} bg-white shadow-sm`}>
      <header className="border-b border-slate-100 px-4 py-2.5">
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
        <div className="break-all font-mono text-xs text-slate-500">{name}</div>
      </header>
      <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 px-4 py-2.5 text-xs">
        <dt className="text-slate-500">{t("conflicts.modifiedBy")}</dt>
        <dd className="text-slate-900">{deviceName(side.modifiedBy)}</dd>
        <dt className="text-slate-500">{t("conflicts.modifiedAt")}</dt>
        <dd className="text-slate-900">{new Date(side.modifiedS * 1000).toLocaleString(lang)}</dd>
        <dt className="text-slate-500">{t("conflicts.size")}</dt>
        <dd className="text-slate-900">{formatBytes(preview.kind === "missing" ? side.size : preview.size, lang)}</dd>
        <dt className="text-slate-500">{t("conflicts.version")}</dt>
        <dd className="truncate font-mono text-slate-700" title={side.version}>
          {side.version}
        </dd>
        <dt className="text-slate-500">SHA-256</dt>
        <dd className="truncate font-mono text-slate-700" title={preview.sha256 ?? ""}>
          {preview.sha256 ? preview.sha256.slice(0, 16) + "…" : "—"}
        </dd>
      </dl>
      <div className="border-t border-slate-100 px-4 py-3">
        {preview.kind === "text" && (
          <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-mono text-xs text-slate-800">{preview.text}</pre>
        )}
        {preview.kind === "image" && preview.dataBase64 && (
          <img alt={name} src={`data:${preview.mime};base64,${preview.dataBase64}`} className="max-h-80 max-w-full rounded border border-slate-200 object-contain" />
        )}
        {preview.kind === "binary" && <p className="text-xs text-slate-500">{t("conflicts.binary")}</p>}
        {preview.kind === "missing" && <p className="text-xs text-red-700">{t("conflicts.missing")}</p>}
        {preview.note && <p className="mt-1 text-xs text-slate-500">{preview.note}</p>}
      </div>
    </section>
  );
}
