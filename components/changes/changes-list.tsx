"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { RelativeTime } from "@/components/events/relative-time";
import type { MessageKey } from "@/components/i18n/catalog";
import { useT } from "@/components/i18n/i18n-provider";
import { useRefreshOn } from "@/components/live/use-refresh-on";
import { errorMessage } from "@/components/trpc/errors";
import type { ChangeRow } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { Pill, type PillTone } from "@/components/ui/pill";

const ACTION: Record<string, [MessageKey, PillTone]> = {
  update: ["changes.updated", "good"],
  modified: ["changes.updated", "good"],
  metadata: ["changes.metadata", "muted"],
  delete: ["changes.deleted", "bad"],
  deleted: ["changes.deleted", "bad"],
};

function Who({ row }: { row: ChangeRow }) {
  const t = useT();
  if (!row.device) return <span className="text-slate-500">{t("common.thisDevice")}</span>;
  return <span className="text-slate-900">{row.deviceName ?? row.device}</span>;
}

/** Who changed what, when: items pulled from other devices and changes found here, newest first, live. */
export function ChangesList({ folderId, limit = 100, folderLabels, showFolder = true }: { folderId?: string; limit?: number; folderLabels?: Map<string, string>; showFolder?: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const input = { folderId, limit };
  const changes = useQuery(trpc.console.recentChanges.queryOptions(input));
  useRefreshOn(
    (e) => (e.type === "item.finished" || e.type === "local.changed") && (!folderId || (e.data as { folderId: string }).folderId === folderId),
    [trpc.console.recentChanges.queryKey(input)],
    400,
  );
  if (changes.error) return <Notice tone="error">{errorMessage(changes.error)}</Notice>;
  if (!changes.data) return <p className="text-sm text-slate-500">{t("app.loading")}</p>;
  if (!changes.data.length)
    return (
      <p className="text-sm text-slate-500" data-testid="changes-none">
        {t("changes.none")}
      </p>
    );
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="changes">
        <thead className="text-left text-xs font-medium uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-1.5 pr-3">{t("changes.when")}</th>
            <th className="py-1.5 pr-3">{t("changes.who")}</th>
            <th className="py-1.5 pr-3">{t("changes.what")}</th>
            {showFolder && <th className="py-1.5 pr-3">{t("changes.folder")}</th>}
            <th className="py-1.5">{t("changes.item")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {changes.data.map((r, i) => {
            const [key, tone] = ACTION[r.action] ?? (["changes.updated", "muted"] as const);
            return (
              <tr key={`${r.id}-${i}`} data-testid="change-row" className="align-top">
                <td className="whitespace-nowrap py-1.5 pr-3 text-xs text-slate-500">
                  <RelativeTime time={r.time} />
                </td>
                <td className="whitespace-nowrap py-1.5 pr-3">
                  <Who row={r} />
                </td>
                <td className="py-1.5 pr-3">{r.error ? <Pill tone="bad">{t("changes.failed")}</Pill> : <Pill tone={tone}>{t(key)}</Pill>}</td>
                {showFolder && (
                  <td className="whitespace-nowrap py-1.5 pr-3">
                    <Link className="text-teal-800 hover:underline" href={`/folders/${encodeURIComponent(r.folderId)}`}>
                      {folderLabels?.get(r.folderId) || r.folderId}
                    </Link>
                  </td>
                )}
                <td className="py-1.5">
                  <span className="break-all font-mono text-xs text-slate-800">{r.type === "dir" || r.type === "directory" ? `${r.name}/` : r.name}</span>
                  {r.error && <div className="text-xs text-red-700">{r.error}</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
