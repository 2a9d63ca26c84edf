"use client";

import { useQuery } from "@tanstack/react-query";
import { PageTitle } from "@/components/shell/page-title";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { DrPanel } from "@/components/dr/dr-panel";
import { DeviceIdentity } from "./device-identity";
import { EventFeed } from "./event-feed";
import { HealthTiles } from "./health-tiles";
import { NodeStatus } from "./node-status";

export function DashboardScreen() {
  const t = useT();
  const trpc = useTRPC();
  const status = useQuery(trpc.system.status.queryOptions());
  return (
    <div className="space-y-5">
      <PageTitle title="dashboard.title" />
      {status.error && <Notice tone="error">{t("app.error", { message: errorMessage(status.error) })}</Notice>}
      {status.data && <HealthTiles sync={status.data.sync} />}
      <DrPanel />
      <div className="grid gap-5 lg:grid-cols-5">
        <div className="space-y-5 lg:col-span-3">
          {status.data ? (
            <>
              <DeviceIdentity deviceId={status.data.deviceId} deviceName={status.data.deviceName} />
              <NodeStatus status={status.data} />
            </>
          ) : (
            !status.error && <p className="text-sm text-slate-500">{t("app.loading")}</p>
          )}
        </div>
        <div className="lg:col-span-2">
          <EventFeed />
        </div>
      </div>
    </div>
  );
}
