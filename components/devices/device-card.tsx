"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useState, type ReactNode } from "react";
import { RelativeTime } from "@/components/events/relative-time";
import { useI18n } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import type { DeviceStatus } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { formatBytes, formatCount, formatRate } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Pill } from "@/components/ui/pill";
import { ProgressBar } from "@/components/ui/progress-bar";
import { buttonSecondary } from "@/components/ui/styles";
import { EditDeviceForm } from "./edit-device-form";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="truncate text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/** Who runs on the other side: Ferry or Syncthing, with its version. */
function clientLabel(name: string | null, version: string | null): string {
  if (!name) return "—";
  const pretty = name === "ferry" ? "Ferry" : name === "syncthing" ? "Syncthing" : name;
  return version ? `${pretty} ${version}` : pretty;
}

export function DeviceCard({ device, folderLabels, rate }: { device: DeviceStatus; folderLabels: Map<string, string>; rate: { in: number; out: number } | undefined }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.devices.list.queryKey() });
  const update = useMutation(trpc.devices.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.devices.remove.mutationOptions({ onSuccess: refresh }));
  const outOfSync = device.folders.reduce((n, f) => n + f.needItems, 0);
  const name = device.name || device.deviceId.slice(0, 7);

  const state = device.paused ? (
    <Pill tone="muted">{t("devices.paused")}</Pill>
  ) : device.connected ? (
    <Pill tone="good">{t("devices.connected")}</Pill>
  ) : (
    <Pill tone="warn">{t("devices.disconnected")}</Pill>
  );

  return (
    <li data-testid="device" data-device-id={device.deviceId} className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-100 px-4 py-3">
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <h3 className="truncate text-sm font-semibold text-slate-900">{name}</h3>
            {state}
            {device.introducer && <Pill tone="muted">{t("devices.introducerBadge")}</Pill>}
          </div>
          <div className="mt-0.5 truncate font-mono text-xs text-slate-500" title={device.deviceId}>
            {device.deviceId}
          </div>
        </div>
        <div className="flex flex-wrap gap-2">
          <button type="button" className={buttonSecondary} disabled={update.isPending} onClick={() => update.mutate({ deviceId: device.deviceId, paused: !device.paused })}>
            {device.paused ? t("devices.resume") : t("devices.pause")}
          </button>
          <button type="button" className={buttonSecondary} onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
            {t("common.edit")}
          </button>
          <ConfirmButton
            label={t("common.remove")}
            question={t("devices.removeConfirm", { name })}
            confirmLabel={t("devices.removeYes")}
            pending={remove.isPending}
            onConfirm={() => remove.mutate({ deviceId: device.deviceId })}
          />
        </div>
      </div>
      {(update.error || remove.error) && (
        <div className="px-4 pt-3">
          <Notice tone="error">{errorMessage(update.error ?? remove.error)}</Notice>
        </div>
      )}
      {editing && (
        <div className="border-b border-slate-100 bg-slate-50 px-4 py-3">
          <EditDeviceForm device={device} onDone={() => setEditing(false)} />
        </div>
      )}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 px-4 py-3 sm:grid-cols-3 lg:grid-cols-6">
        <Field label={device.connected ? t("devices.connectedSince") : t("devices.lastSeen")}>
          {device.connected && device.connectedAt ? <RelativeTime time={device.connectedAt} /> : device.lastSeenAt ? <RelativeTime time={device.lastSeenAt} /> : t("devices.never")}
        </Field>
        <Field label={t("devices.address")}>
          <span className="font-mono text-xs" title={device.addresses.join(", ")}>
            {device.address ?? device.addresses.join(", ")}
          </span>
        </Field>
        <Field label={t("devices.client")}>
          <span data-testid="device-client">{clientLabel(device.clientName, device.clientVersion)}</span>
        </Field>
        <Field label={t("devices.rateIn")}>
          <span className="tabular-nums" title={formatBytes(device.bytesIn, lang)}>
            {formatRate(rate?.in ?? 0, lang)}
          </span>
        </Field>
        <Field label={t("devices.rateOut")}>
          <span className="tabular-nums" title={formatBytes(device.bytesOut, lang)}>
            {formatRate(rate?.out ?? 0, lang)}
          </span>
        </Field>
        <Field label={t("devices.outOfSync")}>
          <span className={`tabular-nums ${outOfSync ? "text-amber-700" : ""}`}>{formatCount(outOfSync, lang)}</span>
        </Field>
      </dl>
      {device.folders.length > 0 && (
        <ul className="space-y-2 border-t border-slate-100 px-4 py-3" aria-label={t("devices.sharedFolders")}>
          {device.folders.map((f) => (
            <li key={f.folderId} className="grid grid-cols-[minmax(0,12rem)_1fr_auto] items-center gap-3 text-sm">
              <Link href={`/folders/${encodeURIComponent(f.folderId)}`} className="truncate text-teal-800 hover:underline">
                {folderLabels.get(f.folderId) || f.folderId}
              </Link>
              <ProgressBar percent={f.percent} label={t("devices.completionOf", { folder: folderLabels.get(f.folderId) || f.folderId })} />
              <span className="w-40 text-right text-xs tabular-nums text-slate-600">
                {f.needItems ? t("devices.completionNeed", { percent: f.percent, items: formatCount(f.needItems, lang), bytes: formatBytes(f.needBytes, lang) }) : t("devices.completionFull")}
              </span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
