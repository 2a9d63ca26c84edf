"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { DeviceIdentity } from "@/components/dashboard/device-identity";
import { useT } from "@/components/i18n/i18n-provider";
import { isSyncEvent, useRefreshOn } from "@/components/live/use-refresh-on";
import { PageTitle } from "@/components/shell/page-title";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary } from "@/components/ui/styles";
import { AddDeviceForm, type DeviceDraft } from "./add-device-form";
import { DeviceCard } from "./device-card";
import { PendingDevices } from "./pending-devices";
import { useRates } from "./rates";

// Byte counters are not events (they change with every block), so while a device is connected the
// list is re-read this often to show rates; with nobody connected nothing is polled.
const RATE_SAMPLE_MS = 5000;

export function DevicesScreen() {
  const t = useT();
  const trpc = useTRPC();
  const status = useQuery(trpc.system.status.queryOptions());
  const list = useQuery({
    ...trpc.devices.list.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((d) => d.connected) ? RATE_SAMPLE_MS : false),
  });
  const pending = useQuery(trpc.devices.pending.queryOptions());
  const folders = useQuery(trpc.folders.list.queryOptions());
  const [adding, setAdding] = useState<DeviceDraft | null>(null);
  const rates = useRates(list.data, list.dataUpdatedAt);
  useRefreshOn(isSyncEvent, [trpc.devices.list.queryKey(), trpc.devices.pending.queryKey(), trpc.folders.list.queryKey()]);

  const folderLabels = new Map((folders.data ?? []).map((f) => [f.id, f.label]));
  const error = list.error ?? pending.error;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <PageTitle title="devices.title" />
        {!adding && (
          <button type="button" className={buttonPrimary} onClick={() => setAdding({ deviceId: "", name: "", address: "" })}>
            + {t("devices.add")}
          </button>
        )}
      </div>
      {error && <Notice tone="error">{t("app.error", { message: errorMessage(error) })}</Notice>}
      {pending.data && <PendingDevices pending={pending.data.devices} onAccept={setAdding} />}
      {adding && (
        <Card id="add-device" title={t("devices.add")}>
          <AddDeviceForm key={adding.deviceId} initial={adding} onDone={() => setAdding(null)} />
        </Card>
      )}
      {list.data ? (
        list.data.length ? (
          <ul className="space-y-3" aria-label={t("devices.listLabel")}>
            {list.data.map((d) => (
              <DeviceCard key={d.deviceId} device={d} folderLabels={folderLabels} rate={rates.get(d.deviceId)} />
            ))}
          </ul>
        ) : (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">{t("devices.none")}</p>
        )
      ) : (
        !error && <p className="text-sm text-slate-500">{t("app.loading")}</p>
      )}
      {status.data && <DeviceIdentity deviceId={status.data.deviceId} deviceName={status.data.deviceName} />}
    </div>
  );
}
