"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { Fragment, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { PageTitle } from "@/components/shell/page-title";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { Pill } from "@/components/ui/pill";
import { buttonPrimary, buttonSecondary } from "@/components/ui/styles";
import { DrTabs } from "./dr-tabs";
import { RpoBadge } from "./rpo-badge";
import { RunNowForm } from "./run-now-form";
import { runLabel, runTone } from "./task-state";
import { useDrRefresh } from "./use-dr-refresh";
import { When } from "./when";

/** Every plan on one table: schedule, next run, last result, RPO against its target, last test; pause, resume, run now. */
export function PlansScreen() {
  const t = useT();
  const trpc = useTRPC();
  const plans = useQuery({ ...trpc.plans.list.queryOptions(), staleTime: 0 });
  const objectives = useQuery({ ...trpc.plans.objectives.queryOptions(), staleTime: 0 });
  useDrRefresh([trpc.plans.list.queryKey(), trpc.plans.objectives.queryKey()]);
  const [running, setRunning] = useState<string | null>(null);
  const pause = useMutation(trpc.plans.pause.mutationOptions());
  const resume = useMutation(trpc.plans.resume.mutationOptions());
  const rpoOf = new Map((objectives.data?.rpo.plans ?? []).map((r) => [r.key, r]));
  const testedOf = new Map<string, number>();
  for (const r of objectives.data?.rto.restores ?? []) testedOf.set(r.planId, Math.max(testedOf.get(r.planId) ?? 0, r.at));
  const error = plans.error ?? pause.error ?? resume.error;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <PageTitle title="dr.plans.title" />
        <Link href="/dr/plans/new" className={buttonPrimary}>
          + {t("dr.plans.new")}
        </Link>
      </div>
      <DrTabs />
      {error && <Notice tone="error">{t("app.error", { message: errorMessage(error) })}</Notice>}
      {plans.data && !plans.data.length && <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">{t("dr.plans.none")}</p>}
      {plans.data && plans.data.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full text-sm" aria-label={t("dr.plans.title")}>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2">{t("dr.plans.plan")}</th>
                <th className="px-3 py-2">{t("dr.plans.schedule")}</th>
                <th className="px-3 py-2">{t("dr.plans.next")}</th>
                <th className="px-3 py-2">{t("dr.plans.last")}</th>
                <th className="px-3 py-2">{t("dr.plans.rpo")}</th>
                <th className="px-3 py-2">{t("dr.plans.tested")}</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {plans.data.map((p) => {
                const rpo = rpoOf.get(p.plan.id);
                return (
                  <Fragment key={p.plan.id}>
                    <tr data-testid={`plan-row-${p.plan.id}`} className="align-top">
                      <td className="px-3 py-2">
                        <Link href={`/dr/plans/${encodeURIComponent(p.plan.id)}`} className="font-medium text-teal-800 hover:underline">
                          {p.plan.id}
                        </Link>
                        {p.plan.description && <p className="max-w-xs truncate text-xs text-slate-500">{p.plan.description}</p>}
                      </td>
                      <td className="px-3 py-2 font-mono text-xs">
                        {p.plan.schedule ?? t("dr.plans.manual")} {p.plan.schedule && <span className="text-slate-500">({p.plan.timezone})</span>}
                        {p.paused && (
                          <span className="ml-2">
                            <Pill tone="warn">{t("dr.plans.paused")}</Pill>
                          </span>
                        )}
                      </td>
                      <td className="px-3 py-2">{p.next[0] ? <When at={p.next[0]} /> : "—"}</td>
                      <td className="px-3 py-2">
                        {p.lastRun ? (
                          <Link href={`/dr/runs/${p.lastRun.id}`} data-testid={`plan-last-${p.plan.id}`}>
                            <Pill tone={runTone(p.lastRun.state)}>{t(runLabel(p.lastRun.state))}</Pill> <When at={p.lastRun.finishedAt ?? p.lastRun.createdAt} />
                          </Link>
                        ) : (
                          "—"
                        )}
                      </td>
                      <td className="px-3 py-2">{rpo ? <RpoBadge newestCopyAt={rpo.newestCopyAt} targetMs={rpo.targetMs} testId={`plan-rpo-${p.plan.id}`} /> : "—"}</td>
                      <td className="px-3 py-2">
                        <When at={testedOf.get(p.plan.id) ?? null} />
                      </td>
                      <td className="whitespace-nowrap px-3 py-2 text-right">
                        <div className="flex justify-end gap-2">
                          <button type="button" className={buttonSecondary} onClick={() => setRunning(running === p.plan.id ? null : p.plan.id)}>
                            {t("dr.plans.runNow")}
                          </button>
                          {p.paused ? (
                            <button type="button" className={buttonSecondary} disabled={resume.isPending} onClick={() => resume.mutate({ id: p.plan.id })}>
                              {t("dr.plans.resume")}
                            </button>
                          ) : (
                            <button type="button" className={buttonSecondary} disabled={pause.isPending} onClick={() => pause.mutate({ id: p.plan.id })}>
                              {t("dr.plans.pause")}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                    {running === p.plan.id && (
                      <tr>
                        <td colSpan={7} className="px-3 pb-3">
                          <RunNowForm planId={p.plan.id} params={p.plan.params} onClose={() => setRunning(null)} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {!plans.data && !error && <p className="text-sm text-slate-500">{t("app.loading")}</p>}
    </div>
  );
}
