"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage, fieldErrors } from "@/components/trpc/errors";
import type { MessageKey } from "@/components/i18n/catalog";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, focusRing, input } from "@/components/ui/styles";
import { Field } from "./field";

interface Draft {
  deviceName: string;
  guiAddress: string;
  listenAddresses: string;
  localDiscovery: boolean;
}

const splitLines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

const FIELD_LABELS: Record<string, MessageKey> = {
  deviceName: "settings.deviceName",
  guiAddress: "settings.guiAddress",
  listenAddresses: "settings.listenAddresses",
  localDiscovery: "settings.localDiscovery",
};

function EffectiveNote({ id, value }: { id: string; value: string }) {
  const t = useT();
  // The reason (flag, environment, pending restart) is explained once under the form.
  return (
    <p id={id} data-testid={id} className="mt-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900">
      {t("settings.effective", { value })}
    </p>
  );
}

export function GeneralForm() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const [draft, setDraft] = useState<Draft | null>(null);
  const [result, setResult] = useState<{ changed: string[]; restartNeeded: boolean } | null>(null);

  const stored = settings.data?.stored;
  const effective = settings.data?.effective;
  // Fill the form once; later refetches must not overwrite what the user is typing.
  useEffect(() => {
    if (stored && !draft)
      setDraft({ deviceName: stored.deviceName, guiAddress: stored.guiAddress, listenAddresses: stored.listenAddresses.join("\n"), localDiscovery: stored.localDiscovery });
  }, [stored, draft]);

  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (res) => {
        setResult(res);
        void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.system.status.queryKey() });
      },
    }),
  );

  if (!draft || !stored || !effective) return <Card title={t("settings.general")}>{settings.error ? <Notice tone="error">{errorMessage(settings.error)}</Notice> : <p className="text-sm text-slate-500">{t("app.loading")}</p>}</Card>;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft || !stored) return;
    setResult(null);
    const listen = splitLines(draft.listenAddresses);
    const patch: Record<string, unknown> = {};
    if (draft.deviceName.trim() !== stored.deviceName) patch.deviceName = draft.deviceName.trim();
    if (draft.guiAddress.trim() !== stored.guiAddress) patch.guiAddress = draft.guiAddress.trim();
    if (listen.join("\n") !== stored.listenAddresses.join("\n")) patch.listenAddresses = listen;
    if (draft.localDiscovery !== stored.localDiscovery) patch.localDiscovery = draft.localDiscovery;
    update.mutate(patch);
  }

  const saveError = update.error
    ? fieldErrors(update.error)
        .map((f) => {
          const field = f.path.split(".")[0];
          return `${FIELD_LABELS[field] ? t(FIELD_LABELS[field]) : field}: ${f.message}`;
        })
        .join("; ") || errorMessage(update.error)
    : null;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft({ ...draft, [key]: value });
  const listenDiffers = stored.listenAddresses.join("\n") !== effective.listen.join("\n");

  return (
    <Card id="general" title={t("settings.general")}>
      <form onSubmit={submit} className="space-y-4">
        <Field id="deviceName" label={t("settings.deviceName")} help={t("settings.deviceNameHelp")}>
          <input id="deviceName" aria-describedby="deviceName-help" required maxLength={64} className={input} value={draft.deviceName} onChange={(e) => set("deviceName", e.target.value)} />
        </Field>
        <Field
          id="guiAddress"
          label={t("settings.guiAddress")}
          help={t("settings.guiAddressHelp")}
          note={stored.guiAddress !== effective.gui && <EffectiveNote id="guiAddress-effective" value={effective.gui} />}
        >
          <input id="guiAddress" aria-describedby="guiAddress-help" required className={`${input} font-mono`} value={draft.guiAddress} onChange={(e) => set("guiAddress", e.target.value)} />
        </Field>
        <Field
          id="listenAddresses"
          label={t("settings.listenAddresses")}
          help={t("settings.listenAddressesHelp")}
          note={listenDiffers && <EffectiveNote id="listenAddresses-effective" value={effective.listen.join(", ")} />}
        >
          <textarea
            id="listenAddresses"
            aria-describedby="listenAddresses-help"
            required
            rows={Math.max(2, splitLines(draft.listenAddresses).length)}
            className={`${input} font-mono`}
            value={draft.listenAddresses}
            onChange={(e) => set("listenAddresses", e.target.value)}
          />
        </Field>
        <div>
          <div className="flex items-start gap-3">
            <input
              id="localDiscovery"
              type="checkbox"
              aria-describedby="localDiscovery-help"
              className={`mt-0.5 h-4 w-4 rounded border-slate-300 accent-teal-700 ${focusRing}`}
              checked={draft.localDiscovery}
              onChange={(e) => set("localDiscovery", e.target.checked)}
            />
            <div>
              <label htmlFor="localDiscovery" className="text-sm font-medium text-slate-700">
                {t("settings.localDiscovery")}
              </label>
              <p id="localDiscovery-help" className="text-xs text-slate-500">
                {t("settings.localDiscoveryHelp")}
              </p>
            </div>
          </div>
          {stored.localDiscovery !== effective.discovery && (
            <EffectiveNote id="localDiscovery-effective" value={effective.discovery ? t("common.on") : t("common.off")} />
          )}
        </div>
        {(stored.guiAddress !== effective.gui || listenDiffers || stored.localDiscovery !== effective.discovery) && (
          <p className="text-xs text-slate-500">{t("settings.effectiveNote")}</p>
        )}
        {saveError && <Notice tone="error">{saveError}</Notice>}
        {result && !update.isPending && (
          <Notice tone={result.restartNeeded ? "info" : "success"}>
            {result.changed.length === 0 ? t("settings.unchanged") : result.restartNeeded ? `${t("settings.saved")} ${t("settings.restartNeeded")}` : t("settings.saved")}
          </Notice>
        )}
        <button type="submit" className={buttonPrimary} disabled={update.isPending}>
          {update.isPending ? t("common.saving") : t("common.save")}
        </button>
      </form>
    </Card>
  );
}
