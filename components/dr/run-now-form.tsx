"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, buttonSecondary, input } from "@/components/ui/styles";

/** "Run now" with the plan's params prefilled; changed values go with the run only, the plan keeps its defaults. */
export function RunNowForm({ planId, params, onClose }: { planId: string; params: Record<string, string>; onClose: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState(params);
  const start = useMutation(
    trpc.runs.start.mutationOptions({
      onSuccess: (run) => {
        if (run) router.push(`/dr/runs/${run.id}`);
      },
    }),
  );
  const changed = Object.fromEntries(Object.entries(values).filter(([k, v]) => params[k] !== v));
  return (
    <form
      className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3"
      aria-label={t("dr.runNow.title", { plan: planId })}
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate({ planId, params: changed });
      }}
    >
      {Object.keys(params).length ? (
        <div className="grid gap-2 sm:grid-cols-2">
          {Object.entries(values).map(([k, v]) => (
            <label key={k} className="block text-xs font-medium text-slate-600">
              {k}
              <input className={`${input} mt-1 font-mono`} value={v} onChange={(e) => setValues({ ...values, [k]: e.target.value })} />
            </label>
          ))}
        </div>
      ) : (
        <p className="text-sm text-slate-600">{t("dr.runNow.noParams")}</p>
      )}
      {start.error && <Notice tone="error">{errorMessage(start.error)}</Notice>}
      <div className="flex gap-2">
        <button type="submit" className={buttonPrimary} disabled={start.isPending}>
          {t("dr.runNow.start")}
        </button>
        <button type="button" className={buttonSecondary} onClick={onClose}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
