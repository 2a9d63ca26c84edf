"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useI18n } from "@/components/i18n/i18n-provider";
import { useTRPC } from "@/components/trpc/trpc";
import { formatCount } from "@/components/ui/format";
import { input } from "@/components/ui/styles";

/**
 * An .stignore editor that shows, as you type, which existing files the patterns would exclude:
 * the folder's index for a folder that exists, the files at `path` for one being added.
 */
export function IgnoreEditor({ value, onChange, folderId, path }: { value: string; onChange: (v: string) => void; folderId?: string; path?: string }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const ids = useId();
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), 300);
    return () => clearTimeout(timer);
  }, [value]);
  const preview = useQuery({
    ...trpc.console.previewIgnore.queryOptions({ id: folderId, path: path || undefined, patterns: debounced }),
    enabled: debounced.trim().length > 0 && !!(folderId || path),
    placeholderData: (prev) => prev,
  });
  const p = debounced.trim() ? preview.data : undefined;
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <div>
        <label htmlFor={`${ids}-ignores`} className="block text-sm font-medium text-slate-700">
          {t("folders.ignorePatterns")}
        </label>
        <textarea
          id={`${ids}-ignores`}
          rows={7}
          spellCheck={false}
          className={`${input} mt-1 font-mono text-xs`}
          placeholder={"*.tmp\n/build\n(?d).DS_Store"}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
        <p className="mt-1 text-xs text-slate-500">{t("folders.ignoreHelp")}</p>
      </div>
      <div className="min-w-0" aria-live="polite" data-testid="ignore-preview">
        <div className="text-sm font-medium text-slate-700">{t("folders.ignorePreview")}</div>
        <div className="mt-1 h-40 overflow-auto rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-xs">
          {!p ? (
            <span className="text-slate-500">{folderId || path ? t("folders.ignorePreviewEmpty") : t("folders.ignorePreviewNoPath")}</span>
          ) : !p.ok ? (
            <span role="alert" className="text-red-700">
              {t("folders.ignoreBadLine", { line: p.lineNumber ?? "?", message: p.error ?? "" })}
            </span>
          ) : p.total === 0 ? (
            <span className="text-slate-500">{t("folders.ignoreNone", { scanned: formatCount(p.scanned, lang) })}</span>
          ) : (
            <>
              <div className="mb-1 font-medium text-amber-800">
                {t("folders.ignoreCount", { count: formatCount(p.total, lang), scanned: formatCount(p.scanned, lang) })}
                {p.truncated && ` ${t("folders.ignoreTruncated")}`}
              </div>
              <ul className="space-y-0.5 font-mono text-slate-700">
                {p.ignored.map((n) => (
                  <li key={n} className="truncate">
                    {n}
                  </li>
                ))}
                {p.total > p.ignored.length && <li className="text-slate-500">… {formatCount(p.total - p.ignored.length, lang)}</li>}
              </ul>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
