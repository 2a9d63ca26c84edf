"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, buttonSecondary, input } from "@/components/ui/styles";
import { describeIdProblem } from "./id-reason";

export interface DeviceDraft {
  deviceId: string;
  name: string;
  address: string;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

export function parseAddresses(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** Add a device by ID: the ID is checked as it is typed (check characters included), before anything is saved. */
export function AddDeviceForm({ initial, onDone }: { initial?: DeviceDraft; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = useId();
  const [deviceId, setDeviceId] = useState(initial?.deviceId ?? "");
  const [name, setName] = useState(initial?.name ?? "");
  // A pending device's address is the source of its incoming connection (an ephemeral port), so
  // "dynamic" is the better default: it dials the addresses the device announces or connects from.
  const [addresses, setAddresses] = useState("dynamic");
  const [introducer, setIntroducer] = useState(false);
  const typed = useDebounced(deviceId.trim(), 250);
  const check = useQuery({ ...trpc.devices.validateId.queryOptions({ deviceId: typed }), enabled: typed.length > 0, staleTime: Infinity });
  const add = useMutation(
    trpc.devices.add.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.devices.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.devices.pending.queryKey() });
        onDone();
      },
    }),
  );

  const verdict = typed && check.data && typed === deviceId.trim() ? check.data : null;
  const idProblem = verdict && !verdict.ok ? describeIdProblem(verdict.reason, t) : verdict?.ok && verdict.own ? t("devices.idOwn") : null;
  const canSubmit = !!verdict?.ok && !verdict.own && !add.isPending;

  return (
    <form
      className="space-y-4"
      aria-label={t("devices.add")}
      onSubmit={(e) => {
        e.preventDefault();
        if (!canSubmit) return;
        add.mutate({ deviceId: verdict.deviceId, name: name.trim() || undefined, addresses: parseAddresses(addresses), introducer });
      }}
    >
      <div>
        <label htmlFor={`${ids}-id`} className="block text-sm font-medium text-slate-700">
          {t("devices.deviceId")}
        </label>
        <textarea
          id={`${ids}-id`}
          rows={2}
          spellCheck={false}
          autoComplete="off"
          className={`${input} mt-1 font-mono`}
          placeholder="XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX-XXXXXXX"
          value={deviceId}
          aria-invalid={!!idProblem}
          aria-describedby={`${ids}-id-check`}
          onChange={(e) => setDeviceId(e.target.value)}
        />
        <p id={`${ids}-id-check`} data-testid="device-id-check" className={`mt-1 min-h-5 text-sm ${idProblem ? "text-red-700" : "text-emerald-700"}`} role={idProblem ? "alert" : undefined}>
          {idProblem ?? (verdict?.ok ? `✓ ${t("devices.idValid")}` : "")}
        </p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
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
          <p className="mt-1 text-xs text-slate-500">{t("devices.addressesHelp")}</p>
        </div>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={introducer} onChange={(e) => setIntroducer(e.target.checked)} className="h-4 w-4 accent-teal-700" />
        {t("devices.introducer")}
        <span className="text-xs text-slate-500">— {t("devices.introducerHelp")}</span>
      </label>
      {add.error && <Notice tone="error">{errorMessage(add.error)}</Notice>}
      <div className="flex gap-2">
        <button type="submit" className={buttonPrimary} disabled={!canSubmit}>
          {add.isPending ? t("common.saving") : t("devices.addSubmit")}
        </button>
        <button type="button" className={buttonSecondary} onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
