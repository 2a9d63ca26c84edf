"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { PageTitle } from "@/components/shell/page-title";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { input } from "@/components/ui/styles";
import { DrTabs } from "./dr-tabs";
import { runLabel, taskView, viewColours, viewLabel, type TaskView } from "./task-state";
import { useDrRefresh } from "./use-dr-refresh";

const RUN_STATES = ["queued", "running", "success", "failed", "cancelled"];
const runCell: Record<string, string> = { success: "bg-emerald-500", failed: "bg-red-600", running: "bg-sky-500", queued: "bg-slate-300", cancelled: "bg-slate-400" };

/** Airflow's grid view: a column per recent run, a row per task, a coloured cell per task state; filter by plan and run state. */
export function RunsScreen() {
  const t = useT();
  const trpc = useTRPC();
  const [planId, setPlanId] = useState("");
  const [state, setState] = useState("");
  const plans = useQuery(trpc.plans.list.queryOptions());
  const query = { planId: planId || undefined, states: state ? [state] : undefined, limit: 30 };
  const grid = useQuery({ ...trpc.drConsole.grid.queryOptions(query), staleTime: 0 });
  useDrRefresh([trpc.drConsole.grid.queryKey()]);
  const legend: TaskView[] = ["queued", "running", "retrying", "success", "failed", "skipped", "upstream_failed", "cancelled"];

  return (
    <div className="space-y-5">
      <PageTitle title="dr.runs.title" />
      <DrTabs />
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-xs font-medium text-slate-600">
          {t("dr.runs.filterPlan")}
          <select className={`${input} mt-1`} value={planId} onChange={(e) => setPlanId(e.target.value)}>
            <option value="">{t("dr.runs.allPlans")}</option>
            {(plans.data ?? []).map((p) => (
              <option key={p.plan.id} value={p.plan.id}>
                {p.plan.id}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          {t("dr.runs.filterState")}
          <select className={`${input} mt-1`} value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t("dr.runs.allStates")}</option>
            {RUN_STATES.map((s) => (
              <option key={s} value={s}>
                {t(runLabel(s))}
              </option>
            ))}
          </select>
        </label>
        <ul className="ml-auto flex flex-wrap gap-3 text-xs text-slate-600" aria-label={t("dr.runs.legend")}>
          {legend.map((v) => (
            <li key={v} className="inline-flex items-center gap-1">
              <span className={`h-3 w-3 rounded-sm ${viewColours[v].cell}`} />
              {t(viewLabel(v))}
            </li>
          ))}
        </ul>
      </div>
      {grid.error && <Notice tone="error">{t("app.error", { message: errorMessage(grid.error) })}</Notice>}
      {grid.data && !grid.data.runs.length && <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">{t("dr.runs.none")}</p>}
      {grid.data && grid.data.runs.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
          <table className="text-xs" aria-label={t("dr.runs.grid")} data-testid="runs-grid">
            <thead>
              <tr>
                <th className="pr-3 text-left font-medium text-slate-500">{t("dr.runs.taskRun")}</th>
                {grid.data.runs.map((r) => (
                  <th key={r.id} className="px-0.5 align-bottom">
                    <Link href={`/dr/runs/${r.id}`} title={`#${r.id} ${r.planId} · ${t(runLabel(r.state))}`} aria-label={t("dr.runs.openRun", { id: r.id })} className="block">
                      <span className="block text-[10px] text-slate-500">{r.id}</span>
                      <span className={`mx-auto block h-8 w-4 rounded-sm ${runCell[r.state] ?? "bg-slate-300"}`} data-testid={`grid-run-${r.id}`} data-state={r.state} />
                    </Link>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.data.tasks.map((task) => (
                <tr key={`${task.planId}/${task.taskId}`}>
                  <th scope="row" className="whitespace-nowrap pr-3 text-left font-normal text-slate-700">
                    {!planId && <span className="text-slate-400">{task.planId} / </span>}
                    {task.taskId}
                  </th>
                  {grid.data.runs.map((r) => {
                    if (r.planId !== task.planId) return <td key={r.id} className="px-0.5 py-0.5" />;
                    const c = r.cells[task.taskId];
                    const v = taskView({ state: c?.state ?? "pending", attempts: c?.attempts ?? 0 }, r.state);
                    return (
                      <td key={r.id} className="px-0.5 py-0.5">
                        <Link href={`/dr/runs/${r.id}`} title={`${task.taskId} · ${t(viewLabel(v))}`} className={`block h-4 w-4 rounded-sm ${viewColours[v].cell}`} data-testid={`grid-cell-${r.id}-${task.taskId}`} data-state={v}>
                          <span className="sr-only">{t(viewLabel(v))}</span>
                        </Link>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
