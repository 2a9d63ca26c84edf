"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RelativeTime } from "@/components/events/relative-time";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import type { PendingRequests } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, buttonSecondary } from "@/components/ui/styles";
import type { DeviceDraft } from "./add-device-form";

/** Devices that tried to connect but are not configured: Accept opens the add form filled in, Ignore hides them for good. */
export function PendingDevices({ pending, onAccept }: { pending: PendingRequests["devices"]; onAccept: (draft: DeviceDraft) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ignore = useMutation(trpc.devices.ignorePending.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.devices.pending.queryKey() }) }));
  const shown = pending.filter((p) => !p.ignored);
  if (!shown.length) return null;
  return (
    <section aria-labelledby="pending-devices-title" className="rounded-lg border border-amber-300 bg-amber-50/60 shadow-sm">
      <h2 id="pending-devices-title" className="border-b border-amber-200 px-4 py-3 text-sm font-semibold text-amber-900">
        {t("devices.pendingTitle", { count: shown.length })}
      </h2>
      <ul className="divide-y divide-amber-200">
        {shown.map((p) => (
          <li key={p.deviceId} data-testid="pending-device" className="flex flex-wrap items-center gap-3 px-4 py-3">
            <div className="min-w-0 flex-1 text-sm">
              <div className="text-slate-900">{t("devices.pendingWants", { name: p.name || t("devices.unnamed"), address: p.address || "?" })}</div>
              <div className="mt-0.5 break-all font-mono text-xs text-slate-600">{p.deviceId}</div>
              <div className="mt-0.5 text-xs text-slate-500">
                {t("devices.lastAttempt")} <RelativeTime time={p.lastSeenAt} />
              </div>
            </div>
            <div className="flex gap-2">
              <button type="button" className={buttonPrimary} onClick={() => onAccept({ deviceId: p.deviceId, name: p.name, address: p.address })}>
                {t("common.accept")}
              </button>
              <button type="button" className={buttonSecondary} disabled={ignore.isPending} onClick={() => ignore.mutate({ deviceId: p.deviceId })}>
                {t("common.ignore")}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {ignore.error && (
        <div className="px-4 pb-3">
          <Notice tone="error">{errorMessage(ignore.error)}</Notice>
        </div>
      )}
    </section>
  );
}
