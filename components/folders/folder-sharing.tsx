"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import type { FolderStatus } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { Pill } from "@/components/ui/pill";
import { ProgressBar } from "@/components/ui/progress-bar";
import { buttonSecondary, input } from "@/components/ui/styles";

/** Who the folder is shared with, how far along each is, and sharing with one more device. */
export function FolderSharing({ folder }: { folder: FolderStatus }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const devices = useQuery(trpc.devices.list.queryOptions());
  const [pick, setPick] = useState("");
  const share = useMutation(
    trpc.folders.share.mutationOptions({
      onSuccess: () => {
        setPick("");
        void queryClient.invalidateQueries({ queryKey: trpc.folders.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.devices.list.queryKey() });
      },
    }),
  );
  const all = devices.data ?? [];
  const shared = all.filter((d) => folder.devices.includes(d.deviceId));
  const others = all.filter((d) => !folder.devices.includes(d.deviceId));
  return (
    <Card id="sharing" title={t("folders.sharedWith")}>
      {shared.length === 0 ? (
        <p className="text-sm text-slate-500">{t("folders.notShared")}</p>
      ) : (
        <ul className="-my-1 space-y-2">
          {shared.map((d) => {
            const c = d.folders.find((f) => f.folderId === folder.id);
            return (
              <li key={d.deviceId} className="grid grid-cols-[minmax(0,9rem)_auto_1fr_3rem] items-center gap-3 text-sm">
                <Link href="/devices" className="truncate text-teal-800 hover:underline">
                  {d.name || d.deviceId.slice(0, 7)}
                </Link>
                {d.connected ? <Pill tone="good">{t("devices.connected")}</Pill> : <Pill tone="warn">{t("devices.disconnected")}</Pill>}
                <ProgressBar percent={c?.percent ?? 0} label={t("devices.completionOf", { folder: folder.label || folder.id })} />
                <span className="text-right text-xs tabular-nums text-slate-600">{c?.percent ?? 0} %</span>
              </li>
            );
          })}
        </ul>
      )}
      {others.length > 0 && (
        <form
          className="mt-4 flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (pick) share.mutate({ id: folder.id, deviceId: pick });
          }}
        >
          <select className={input} aria-label={t("folders.shareWithDevice")} value={pick} onChange={(e) => setPick(e.target.value)}>
            <option value="">{t("folders.shareWithDevice")}</option>
            {others.map((d) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.name || d.deviceId.slice(0, 7)}
              </option>
            ))}
          </select>
          <button type="submit" className={buttonSecondary} disabled={!pick || share.isPending}>
            {t("folders.share")}
          </button>
        </form>
      )}
      {share.error && (
        <div className="mt-2">
          <Notice tone="error">{errorMessage(share.error)}</Notice>
        </div>
      )}
    </Card>
  );
}
