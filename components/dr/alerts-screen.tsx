"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { PageTitle } from "@/components/shell/page-title";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, buttonSecondary, input } from "@/components/ui/styles";
import { DrTabs } from "./dr-tabs";
import { SecretsCard } from "./secrets-card";
import { WebhooksCard } from "./webhooks-card";

/** Where alerts go (SMTP, webhooks), each with a test, and the secrets tasks refer to by name. */
export function AlertsScreen() {
  return (
    <div className="space-y-5">
      <PageTitle title="dr.alerts.title" />
      <DrTabs />
      <SmtpCard />
      <WebhooksCard />
      <SecretsCard />
    </div>
  );
}

interface SmtpDraft {
  host: string;
  port: string;
  secure: boolean;
  from: string;
  user: string;
  passwordSecret: string;
  allowInvalidCert: boolean;
}

const label = "block text-xs font-medium text-slate-600";

function SmtpCard() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const smtp = useQuery(trpc.secrets.smtp.queryOptions());
  const [draft, setDraft] = useState<SmtpDraft | null>(null);
  const [to, setTo] = useState("");
  useEffect(() => {
    if (smtp.isSuccess && draft === null) {
      const s = smtp.data;
      setDraft({ host: s?.host ?? "", port: String(s?.port ?? 587), secure: s?.secure ?? false, from: s?.from ?? "", user: s?.user ?? "", passwordSecret: s?.passwordSecret ?? "", allowInvalidCert: s?.allowInvalidCert ?? false });
    }
  }, [smtp.isSuccess, smtp.data, draft]);
  const save = useMutation(trpc.secrets.setSmtp.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.secrets.smtp.queryKey() }) }));
  const test = useMutation(trpc.drConsole.testSmtp.mutationOptions());
  if (!draft) return <Card id="smtp" title={t("dr.alerts.smtp")}>{t("app.loading")}</Card>;
  const set = (patch: Partial<SmtpDraft>) => setDraft({ ...draft, ...patch });
  return (
    <Card id="smtp" title={t("dr.alerts.smtp")}>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ host: draft.host.trim(), port: Number(draft.port), secure: draft.secure, from: draft.from.trim(), user: draft.user.trim() || undefined, passwordSecret: draft.passwordSecret.trim() || undefined, allowInvalidCert: draft.allowInvalidCert });
        }}
      >
        <div className="grid gap-3 sm:grid-cols-3">
          <label className={`${label} sm:col-span-2`}>
            {t("dr.alerts.host")}
            <input className={`${input} mt-1`} value={draft.host} onChange={(e) => set({ host: e.target.value })} placeholder="smtp.example.com" />
          </label>
          <label className={label}>
            {t("dr.alerts.port")}
            <input className={`${input} mt-1`} inputMode="numeric" value={draft.port} onChange={(e) => set({ port: e.target.value })} />
          </label>
          <label className={label}>
            {t("dr.alerts.from")}
            <input className={`${input} mt-1`} value={draft.from} onChange={(e) => set({ from: e.target.value })} placeholder="ferry@example.com" />
          </label>
          <label className={label}>
            {t("dr.alerts.user")}
            <input className={`${input} mt-1`} value={draft.user} onChange={(e) => set({ user: e.target.value })} />
          </label>
          <label className={label}>
            {t("dr.alerts.passwordSecret")}
            <input className={`${input} mt-1 font-mono`} value={draft.passwordSecret} onChange={(e) => set({ passwordSecret: e.target.value })} placeholder="smtp-password" />
          </label>
        </div>
        <div className="flex flex-wrap gap-4 text-sm text-slate-700">
          <label className="inline-flex items-center gap-2">
            <input type="checkbox" checked={draft.secure} onChange={(e) => set({ secure: e.target.checked })} /> {t("dr.alerts.secure")}
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="checkbox" checked={draft.allowInvalidCert} onChange={(e) => set({ allowInvalidCert: e.target.checked })} /> {t("dr.alerts.allowInvalidCert")}
          </label>
        </div>
        {save.error && <Notice tone="error">{errorMessage(save.error)}</Notice>}
        {save.isSuccess && <Notice tone="success">{t("dr.alerts.smtpSaved")}</Notice>}
        <button type="submit" className={buttonPrimary} disabled={save.isPending}>
          {save.isPending ? t("common.saving") : t("common.save")}
        </button>
      </form>
      <form
        className="mt-4 flex flex-wrap items-end gap-2 border-t border-slate-200 pt-4"
        onSubmit={(e) => {
          e.preventDefault();
          test.mutate({ to: to.trim() });
        }}
      >
        <label className={`${label} min-w-64 flex-1`}>
          {t("dr.alerts.testTo")}
          <input className={`${input} mt-1`} type="email" value={to} onChange={(e) => setTo(e.target.value)} placeholder="oncall@example.com" />
        </label>
        <button type="submit" className={buttonSecondary} disabled={test.isPending || !to.trim() || !smtp.data}>
          {t("dr.alerts.sendTest")}
        </button>
      </form>
      <div className="mt-2">
        {test.error && <Notice tone="error">{errorMessage(test.error)}</Notice>}
        {test.isSuccess && <Notice tone="success">{t("dr.alerts.testSent", { to })}</Notice>}
      </div>
    </Card>
  );
}
