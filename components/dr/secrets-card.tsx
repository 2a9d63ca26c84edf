"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, input } from "@/components/ui/styles";
import { When } from "./when";

/** The secrets store: a value goes in once and is never shown again; only names and dates are listed. */
export function SecretsCard() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.secrets.list.queryOptions());
  const refresh = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey() }) };
  const set = useMutation(trpc.secrets.set.mutationOptions(refresh));
  const remove = useMutation(trpc.secrets.remove.mutationOptions(refresh));
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  return (
    <Card id="secrets" title={t("dr.secrets.title")}>
      <p className="mb-3 text-sm text-slate-600">{t("dr.secrets.help")}</p>
      {list.data && list.data.length > 0 ? (
        <ul className="mb-4 divide-y divide-slate-100" aria-label={t("dr.secrets.title")}>
          {list.data.map((s) => (
            <li key={s.name} className="flex items-center gap-3 py-2 text-sm" data-testid={`secret-${s.name}`}>
              <span className="font-mono">{s.name}</span>
              <span className="text-xs text-slate-500">
                {t("dr.secrets.updated")} <When at={s.updatedAt} />
              </span>
              <span className="ml-auto">
                <ConfirmButton label={t("dr.alerts.remove")} question={t("dr.secrets.removeQuestion", { name: s.name })} confirmLabel={t("dr.alerts.remove")} onConfirm={() => remove.mutate({ name: s.name })} />
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mb-4 text-sm text-slate-500">{t("dr.secrets.none")}</p>
      )}
      <form
        className="grid gap-2 sm:grid-cols-3"
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          set.mutate({ name: name.trim(), value }, { onSuccess: () => (setName(""), setValue("")) });
        }}
      >
        <input aria-label={t("dr.secrets.name")} placeholder={t("dr.secrets.name")} className={`${input} font-mono`} value={name} onChange={(e) => setName(e.target.value)} />
        <input aria-label={t("dr.secrets.value")} placeholder={t("dr.secrets.value")} type="password" autoComplete="new-password" className={input} value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit" className={buttonPrimary} disabled={set.isPending || !name.trim() || !value}>
          {t("dr.secrets.save")}
        </button>
      </form>
      <div className="mt-2">
        {(set.error ?? remove.error) && <Notice tone="error">{errorMessage(set.error ?? remove.error)}</Notice>}
        {set.isSuccess && <Notice tone="success">{t("dr.secrets.saved", { name: set.data.name })}</Notice>}
      </div>
    </Card>
  );
}
