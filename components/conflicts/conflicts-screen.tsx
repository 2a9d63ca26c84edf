"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { RelativeTime } from "@/components/events/relative-time";
import { useI18n } from "@/components/i18n/i18n-provider";
import { useRefreshOn } from "@/components/live/use-refresh-on";
import { PageTitle } from "@/components/shell/page-title";
import { errorMessage } from "@/components/trpc/errors";
import type { Outputs } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { formatBytes } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { input } from "@/components/ui/styles";
import { useDeviceName } from "./device-name";

/** Every open conflict across folders, filtered by folder and name, with bulk Keep current / Keep conflict copy. */
export function ConflictsScreen() {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const folderId = params.get("folder") ?? "";
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [debounced, setDebounced] = useState(search);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const folders = useQuery(trpc.folders.list.queryOptions());
  const input_ = { folderId: folderId || undefined, search: debounced || undefined };
  const list = useQuery({ ...trpc.conflicts.list.queryOptions(input_), placeholderData: (prev) => prev });
  useRefreshOn((e) => e.type.startsWith("conflict."), [trpc.conflicts.list.queryKey()], 300);
  const deviceName = useDeviceName();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const bulk = useMutation(
    trpc.conflicts.resolveMany.mutationOptions({
      onSuccess: () => {
        setSelected(new Set());
        void queryClient.invalidateQueries({ queryKey: trpc.conflicts.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.console.openConflicts.queryKey() });
      },
    }),
  );
  const rows = list.data ?? [];
  const visible = new Set(rows.map((r) => r.id));
  const chosen = [...selected].filter((id) => visible.has(id));
  const labels = new Map((folders.data ?? []).map((f) => [f.id, f.label || f.id]));
  const setFolder = (id: string) => {
    const next = new URLSearchParams(params.toString());
    if (id) next.set("folder", id);
    else next.delete("folder");
    router.replace(`/conflicts${next.size ? `?${next}` : ""}`);
  };
  const toggle = (id: number, on: boolean) =>
    setSelected((cur) => {
      const next = new Set(cur);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <div className="space-y-5">
      <PageTitle title="conflicts.title" />
      <div className="flex flex-wrap items-center gap-3">
        <select className={`${input} w-56`} aria-label={t("changes.folder")} value={folderId} onChange={(e) => setFolder(e.target.value)}>
          <option value="">{t("changes.allFolders")}</option>
          {(folders.data ?? []).map((f) => (
            <option key={f.id} value={f.id}>
              {f.label || f.id}
            </option>
          ))}
        </select>
        <input type="search" className={`${input} w-72`} placeholder={t("conflicts.search")} aria-label={t("common.search")} value={search} onChange={(e) => setSearch(e.target.value)} />
        {chosen.length > 0 && (
          <div className="ml-auto flex flex-wrap items-center gap-2" data-testid="bulk-actions">
            <span className="text-sm text-slate-600">{t("conflicts.selected", { count: chosen.length })}</span>
            <ConfirmButton
              label={t("conflicts.keepCurrent")}
              question={t("conflicts.bulkKeepCurrentConfirm", { count: chosen.length })}
              confirmLabel={t("conflicts.bulkYes")}
              pending={bulk.isPending}
              onConfirm={() => bulk.mutate({ ids: chosen, choice: "keepCurrent" })}
            />
            <ConfirmButton
              label={t("conflicts.keepConflict")}
              question={t("conflicts.bulkKeepConflictConfirm", { count: chosen.length })}
              confirmLabel={t("conflicts.bulkYes")}
              pending={bulk.isPending}
              onConfirm={() => bulk.mutate({ ids: chosen, choice: "keepConflict" })}
            />
          </div>
        )}
      </div>
      {list.error && <Notice tone="error">{errorMessage(list.error)}</Notice>}
      {bulk.error && <Notice tone="error">{errorMessage(bulk.error)}</Notice>}
      {bulk.data && <BulkResult data={bulk.data} />}
      {!list.data && !list.error && <p className="text-sm text-slate-500">{t("app.loading")}</p>}
      {list.data && rows.length === 0 && (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">{debounced || folderId ? t("conflicts.noneMatching") : t("conflicts.none")}</p>
      )}
      {rows.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
              <tr>
                <th className="w-8 px-3 py-2">
                  <input
                    type="checkbox"
                    className="h-4 w-4 accent-teal-700"
                    aria-label={t("conflicts.selectAll")}
                    checked={chosen.length === rows.length}
                    onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())}
                  />
                </th>
                <th className="px-3 py-2">{t("conflicts.file")}</th>
                <th className="px-3 py-2">{t("changes.folder")}</th>
                <th className="px-3 py-2">{t("conflicts.current")}</th>
                <th className="px-3 py-2">{t("conflicts.copy")}</th>
                <th className="px-3 py-2">{t("conflicts.detected")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((c) => (
                <tr key={c.id} data-testid="conflict-row" className="hover:bg-slate-50">
                  <td className="px-3 py-2">
                    <input type="checkbox" className="h-4 w-4 accent-teal-700" aria-label={t("conflicts.select", { name: c.name })} checked={selected.has(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />
                  </td>
                  <td className="px-3 py-2">
                    <Link href={`/conflicts/${c.id}`} className="break-all font-mono text-xs font-medium text-teal-800 hover:underline">
                      {c.name}
                    </Link>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-slate-700">{labels.get(c.folderId) ?? c.folderId}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-600">
                    {deviceName(c.winner.modifiedBy)} · {formatBytes(c.winner.size, lang)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-600">
                    {deviceName(c.loser.modifiedBy)} · {formatBytes(c.loser.size, lang)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-500">
                    <RelativeTime time={c.detectedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function BulkResult({ data }: { data: Outputs["conflicts"]["resolveMany"] }) {
  const { t } = useI18n();
  return (
    <Notice tone={data.failed.length ? "error" : "success"}>
      {t("conflicts.bulkDone", { count: data.resolved.length })}
      {data.failed.length > 0 && ` ${t("conflicts.bulkFailed", { list: data.failed.map((f) => `#${f.id}: ${f.error}`).join("; ") })}`}
    </Notice>
  );
}
