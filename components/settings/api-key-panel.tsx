"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Notice } from "@/components/ui/notice";
import { buttonDanger, buttonSecondary } from "@/components/ui/styles";

/** The API key stays on the server until the user asks to see or copy it. */
export function ApiKeyPanel() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [revealed, setRevealed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const keyOptions = trpc.settings.apiKey.queryOptions();
  const key = useQuery({ ...keyOptions, enabled: revealed });
  const regenerate = useMutation(
    trpc.settings.regenerateApiKey.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(keyOptions.queryKey, data);
        setConfirming(false);
      },
    }),
  );

  return (
    <Card id="api-key" title={t("settings.apiKey")}>
      <div className="space-y-3">
        <p className="text-sm text-slate-500">{t("settings.apiKeyHelp")}</p>
        <div className="flex flex-wrap items-center gap-2">
          <code data-testid="api-key" className="min-w-0 flex-1 break-all rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-800">
            {revealed ? (key.data?.apiKey ?? t("app.loading")) : <span className="block overflow-hidden whitespace-nowrap tracking-widest text-slate-400" aria-label={t("settings.apiKeyHidden")}>
                ••••••••••••••••
              </span>}
          </code>
          <button type="button" className={buttonSecondary} aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
            {revealed ? t("settings.hide") : t("settings.reveal")}
          </button>
          <CopyButton getText={async () => (await queryClient.fetchQuery(keyOptions)).apiKey} />
          <button type="button" className={buttonSecondary} onClick={() => setConfirming(true)} disabled={confirming}>
            {t("settings.regenerate")}
          </button>
        </div>
        {confirming && (
          <div role="alertdialog" aria-labelledby="regenerate-question" className="flex flex-wrap items-center gap-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2">
            <p id="regenerate-question" className="flex-1 text-sm text-amber-900">
              {t("settings.regenerateConfirm")}
            </p>
            <button type="button" className={buttonDanger} onClick={() => regenerate.mutate()} disabled={regenerate.isPending}>
              {t("settings.regenerateYes")}
            </button>
            <button type="button" className={buttonSecondary} onClick={() => setConfirming(false)} autoFocus>
              {t("common.cancel")}
            </button>
          </div>
        )}
        {regenerate.error && <Notice tone="error">{errorMessage(regenerate.error)}</Notice>}
        {regenerate.isSuccess && !confirming && <Notice tone="success">{t("settings.regenerated")}</Notice>}
        {key.error && <Notice tone="error">{errorMessage(key.error)}</Notice>}
      </div>
    </Card>
  );
}
