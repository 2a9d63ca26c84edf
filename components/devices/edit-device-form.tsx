"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import type { DeviceStatus } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, buttonSecondary, input } from "@/components/ui/styles";
import { parseAddresses } from "./add-device-form";

export function EditDeviceForm({ device, onDone }: { device: DeviceStatus; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = useId();
  const [name, setName] = useState(device.name);
  const [addresses, setAddresses] = useState(device.addresses.join(", "));
  const [introducer, setIntroducer] = useState(device.introducer);
  const update = useMutation(
    trpc.devices.update.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.devices.list.queryKey() });
        onDone();
      },
    }),
  );
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({ deviceId: device.deviceId, name: name.trim(), addresses: parseAddresses(addresses), introducer });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor={`${ids}-name`} className="block text-sm font-medium text-slate-700">
            {t("devices.name")}
          </label>
          <input id={`${ids}-name`} className={`${input} mt-1`} value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        </div>
        <div>
          <label htmlFor={`${ids}-addr`} className="block text-sm font-medium text-slate-700">
            {t("devices.addresses")}
          </label>
          <input id={`${ids}-addr`} className={`${input} mt-1 font-mono`} value={addresses} onChange={(e) => setAddresses(e.target.value)} />
        </div>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={introducer} onChange={(e) => setIntroducer(e.target.checked)} className="h-4 w-4 accent-teal-700" />
        {t("devices.introducer")}
      </label>
      {update.error && <Notice tone="error">{errorMessage(update.error)}</Notice>}
      <div className="flex gap-2">
        <button type="submit" className={buttonPrimary} disabled={update.isPending}>
          {update.isPending ? t("common.saving") : t("common.save")}
        </button>
        <button type="button" className={buttonSecondary} onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
