"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, buttonSecondary, input } from "@/components/ui/styles";

/** Saved webhook endpoints, each with a test POST whose status is shown beside it. */
export function WebhooksCard() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.drConsole.webhooks.queryOptions());
  const refresh = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.drConsole.webhooks.queryKey() }) };
  const save = useMutation(trpc.drConsole.saveWebhook.mutationOptions(refresh));
  const remove = useMutation(trpc.drConsole.removeWebhook.mutationOptions(refresh));
  const test = useMutation(trpc.drConsole.testWebhook.mutationOptions());
  const [draft, setDraft] = useState({ name: "", url: "", token: "" });
  return (
    <Card id="webhooks" title={t("dr.alerts.webhooks")}>
      {list.data && list.data.length > 0 ? (
        <ul className="mb-4 divide-y divide-slate-100" aria-label={t("dr.alerts.webhooks")}>
          {list.data.map((w) => (
            <li key={w.name} className="flex flex-wrap items-center gap-3 py-2 text-sm" data-testid={`webhook-${w.name}`}>
              <strong>{w.name}</strong>
              <span className="min-w-0 flex-1 truncate font-mono text-xs text-slate-600">{w.url}</span>
              {w.token && <span className="text-xs text-slate-500">{t("dr.alerts.tokenFrom", { name: w.token })}</span>}
              <button type="button" className={buttonSecondary} disabled={test.isPending} onClick={() => test.mutate({ name: w.name })}>
                {t("dr.alerts.sendTest")}
              </button>
              <ConfirmButton label={t("dr.alerts.remove")} question={t("dr.alerts.removeWebhook", { name: w.name })} confirmLabel={t("dr.alerts.remove")} onConfirm={() => remove.mutate({ name: w.name })} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="mb-4 text-sm text-slate-500">{t("dr.alerts.noWebhooks")}</p>
      )}
      {test.error && <Notice tone="error">{errorMessage(test.error)}</Notice>}
      {test.isSuccess && <Notice tone="success">{t("dr.alerts.webhookAnswered", { status: test.data.status })}</Notice>}
      <form
        className="mt-2 grid gap-2 sm:grid-cols-4"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ name: draft.name.trim(), url: draft.url.trim(), token: draft.token.trim() || undefined }, { onSuccess: () => setDraft({ name: "", url: "", token: "" }) });
        }}
      >
        <input aria-label={t("dr.alerts.webhookName")} placeholder={t("dr.alerts.webhookName")} className={input} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <input aria-label={t("dr.alerts.webhookUrl")} placeholder="https://chat.example.com/hook" className={`${input} sm:col-span-2`} value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} />
        <input aria-label={t("dr.alerts.webhookToken")} placeholder={t("dr.alerts.webhookToken")} className={`${input} font-mono`} value={draft.token} onChange={(e) => setDraft({ ...draft, token: e.target.value })} />
        <div className="sm:col-span-4">
          {save.error && <Notice tone="error">{errorMessage(save.error)}</Notice>}
          <button type="submit" className={`${buttonPrimary} mt-2`} disabled={save.isPending || !draft.name.trim() || !draft.url.trim()}>
            {t("dr.alerts.addWebhook")}
          </button>
        </div>
      </form>
    </Card>
  );
}
