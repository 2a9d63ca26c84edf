"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { Pill } from "@/components/ui/pill";
import { buttonSecondary } from "@/components/ui/styles";
import { DrTabs } from "./dr-tabs";
import { PlanEditor } from "./plan-editor";
import { PlanHistory } from "./plan-history";
import { RunNowForm } from "./run-now-form";
import { RunView } from "./run-view";
import { useDrRefresh } from "./use-dr-refresh";
import { When } from "./when";

/** One plan: run now, pause/resume, the graph of its latest run (live), the editor and the history. */
export function PlanScreen({ planId }: { planId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const plan = useQuery({ ...trpc.plans.get.queryOptions({ id: planId }), staleTime: 0 });
  useDrRefresh([trpc.plans.get.queryKey({ id: planId })]);
  const [running, setRunning] = useState(false);
  const pause = useMutation(trpc.plans.pause.mutationOptions());
  const resume = useMutation(trpc.plans.resume.mutationOptions());
  if (plan.error) return <Notice tone="error">{t("app.error", { message: errorMessage(plan.error) })}</Notice>;
  if (!plan.data) return <p className="text-sm text-slate-500">{t("app.loading")}</p>;
  const p = plan.data;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">
          {t("dr.plan.title", { plan: p.plan.id })} <span className="text-sm font-normal text-slate-500">v{p.version}</span>
        </h1>
        <div className="flex gap-2">
          <button type="button" className={buttonSecondary} onClick={() => setRunning(!running)}>
            {t("dr.plans.runNow")}
          </button>
          {p.paused ? (
            <button type="button" className={buttonSecondary} onClick={() => resume.mutate({ id: planId })}>
              {t("dr.plans.resume")}
            </button>
          ) : (
            <button type="button" className={buttonSecondary} onClick={() => pause.mutate({ id: planId })}>
              {t("dr.plans.pause")}
            </button>
          )}
        </div>
      </div>
      <DrTabs />
      <p className="text-sm text-slate-600">
        {p.plan.description} {p.paused && <Pill tone="warn">{t("dr.plans.paused")}</Pill>}{" "}
        {p.next[0] ? (
          <>
            {t("dr.plans.next")}: <When at={p.next[0]} />
          </>
        ) : (
          t("dr.plans.manual")
        )}
      </p>
      {(pause.error ?? resume.error) && <Notice tone="error">{errorMessage(pause.error ?? resume.error)}</Notice>}
      {running && <RunNowForm planId={planId} params={p.plan.params} onClose={() => setRunning(false)} />}
      <Card id="plan-run" title={p.lastRun ? t("dr.plan.latestRun", { id: p.lastRun.id }) : t("dr.plan.noRun")}>
        {p.lastRun ? <RunView key={p.lastRun.id} runId={p.lastRun.id} compact /> : <p className="text-sm text-slate-500">{t("dr.plan.noRunHint")}</p>}
      </Card>
      <Card id="plan-edit" title={t("dr.plan.edit")}>
        {/* Not keyed by version: a save (or another user's) must not throw away the draft or the "saved" notice. */}
        <PlanEditor initial={p.source} planId={planId} />
      </Card>
      <Card id="plan-history" title={t("dr.history.title")}>
        <PlanHistory key={p.version} history={p.history} />
      </Card>
    </div>
  );
}
