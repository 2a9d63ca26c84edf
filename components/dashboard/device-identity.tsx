"use client";

import { useT } from "@/components/i18n/i18n-provider";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { QrCode } from "./qr-code";

export function DeviceIdentity({ deviceId, deviceName }: { deviceId: string; deviceName: string }) {
  const t = useT();
  return (
    <Card id="this-device" title={t("dashboard.thisDevice")}>
      <div className="flex flex-col gap-5 sm:flex-row sm:items-start">
        <div className="min-w-0 flex-1 space-y-3">
          <div className="text-lg font-semibold text-slate-900">{deviceName}</div>
          <div>
            <div id="device-id-label" className="text-xs font-medium uppercase tracking-wide text-slate-500">
              {t("dashboard.deviceId")}
            </div>
            <code
              aria-labelledby="device-id-label"
              data-testid="device-id"
              className="mt-1 block rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm leading-relaxed text-slate-800"
            >
              {/* Break lines only between the dash-separated groups, never inside one. */}
              {deviceId.split("-").map((group, i, all) => (
                <span key={i} className="whitespace-nowrap">
                  {group}
                  {i < all.length - 1 && "-"}
                  <wbr />
                </span>
              ))}
            </code>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <CopyButton text={deviceId} />
            <p className="text-sm text-slate-500">{t("dashboard.deviceIdHelp")}</p>
          </div>
        </div>
        <div className="self-center rounded-md border border-slate-200 p-1 sm:self-start">
          <QrCode text={deviceId} label={t("dashboard.qrLabel")} className="h-36 w-36" />
        </div>
      </div>
    </Card>
  );
}
