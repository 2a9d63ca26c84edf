"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useState } from "react";
import { useI18n } from "@/components/i18n/i18n-provider";
import { isSyncEvent, useRefreshOn } from "@/components/live/use-refresh-on";
import { PageTitle } from "@/components/shell/page-title";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { formatBytes, formatCount } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary } from "@/components/ui/styles";
import { AddFolderForm } from "./add-folder-form";
import { FolderStatePill, needItems } from "./folder-state";
import { PendingFolders } from "./pending-folders";

/** Where accepted folders go by default: next to the node's home, in a "folders" directory. */
function suggestedRoot(home: string | undefined): string {
  if (!home) return "/srv/sync";
  return `${home.replace(/\/+$/, "")}/folders`;
}

export function FoldersScreen() {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const list = useQuery(trpc.folders.list.queryOptions());
  const pending = useQuery(trpc.devices.pending.queryOptions());
  const devices = useQuery(trpc.devices.list.queryOptions());
  const status = useQuery(trpc.system.status.queryOptions());
  const [adding, setAdding] = useState(false);
  useRefreshOn(isSyncEvent, [trpc.folders.list.queryKey(), trpc.devices.pending.queryKey()]);
  const deviceNames = new Map((devices.data ?? []).map((d) => [d.deviceId, d.name || d.deviceId.slice(0, 7)]));

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <PageTitle title="folders.title" />
        {!adding && (
          <button type="button" className={buttonPrimary} onClick={() => setAdding(true)}>
            + {t("folders.add")}
          </button>
        )}
      </div>
      {list.error && <Notice tone="error">{t("app.error", { message: errorMessage(list.error) })}</Notice>}
      {pending.data && <PendingFolders pending={pending.data.folders} devices={devices.data ?? []} suggestedRoot={suggestedRoot(status.data?.home)} />}
      {adding && (
        <Card id="add-folder" title={t("folders.add")}>
          <AddFolderForm onDone={() => setAdding(false)} />
        </Card>
      )}
      {list.data &&
        (list.data.length ? (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
            <table className="w-full text-sm">
              <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-4 py-2">{t("folders.folder")}</th>
                  <th className="px-4 py-2">{t("folders.stateColumn")}</th>
                  <th className="px-4 py-2">{t("folders.type")}</th>
                  <th className="px-4 py-2 text-right">{t("folders.local")}</th>
                  <th className="px-4 py-2 text-right">{t("folders.global")}</th>
                  <th className="px-4 py-2 text-right">{t("folders.needed")}</th>
                  <th className="px-4 py-2">{t("folders.sharedWith")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.data.map((f) => (
                  <tr key={f.id} data-testid="folder-row" data-folder-id={f.id} className="align-top hover:bg-slate-50">
                    <td className="px-4 py-2.5">
                      <Link href={`/folders/${encodeURIComponent(f.id)}`} className="font-medium text-teal-800 hover:underline">
                        {f.label || f.id}
                      </Link>
                      <div className="max-w-xs truncate font-mono text-xs text-slate-500" title={f.path}>
                        {f.path}
                      </div>
                    </td>
                    <td className="w-44 px-4 py-2.5">
                      <FolderStatePill folder={f} withBar />
                    </td>
                    <td className="px-4 py-2.5 text-slate-700">{t(`folders.type.${f.type}`)}</td>
                    <td className="px-4 py-2.5 text-right tabular-nums text-slate-700">
                      {formatCount(f.local.files, lang)}
                      <div className="text-xs text-slate-500">{formatBytes(f.local.bytes, lang)}</div>
                    </td>
                    <td className="px-4 py-2.5 text-right tabular-nums text-slate-700">
                      {formatCount(f.global.files, lang)}
                      <div className="text-xs text-slate-500">{formatBytes(f.global.bytes, lang)}</div>
                    </td>
                    <td className={`px-4 py-2.5 text-right tabular-nums ${needItems(f) ? "text-amber-700" : "text-slate-500"}`}>
                      {formatCount(needItems(f), lang)}
                      {needItems(f) > 0 && <div className="text-xs">{formatBytes(f.need.bytes, lang)}</div>}
                    </td>
                    <td className="px-4 py-2.5 text-slate-700">{f.devices.map((d) => deviceNames.get(d) ?? d.slice(0, 7)).join(", ") || <span className="text-slate-400">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">{t("folders.none")}</p>
        ))}
      {!list.data && !list.error && <p className="text-sm text-slate-500">{t("app.loading")}</p>}
    </div>
  );
}
