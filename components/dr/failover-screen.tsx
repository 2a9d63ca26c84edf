"use client";

import { useQuery } from "@tanstack/react-query";
import { useT } from "@/components/i18n/i18n-provider";
import { PageTitle } from "@/components/shell/page-title";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { DrTabs } from "./dr-tabs";
import { FailoverCard } from "./failover-card";

/** Failover per folder: who is primary at which epoch, how far each copy lags, and Promote this node. */
export function FailoverScreen() {
  const t = useT();
  const trpc = useTRPC();
  const folders = useQuery(trpc.folders.list.queryOptions());
  const devices = useQuery(trpc.devices.list.queryOptions());
  const status = useQuery(trpc.system.status.queryOptions());
  return (
    <div className="space-y-5">
      <PageTitle title="dr.failover.title" />
      <DrTabs />
      <p className="text-sm text-slate-600">{t("dr.failover.intro")}</p>
      {folders.error && <Notice tone="error">{t("app.error", { message: errorMessage(folders.error) })}</Notice>}
      {folders.data && !folders.data.length && <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">{t("dr.failover.noFolders")}</p>}
      {folders.data?.map((f) => <FailoverCard key={f.id} folder={f} devices={devices.data ?? []} selfId={status.data?.deviceId ?? ""} />)}
    </div>
  );
}
