"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useEffect, useRef, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Notice } from "@/components/ui/notice";
import { Pill } from "@/components/ui/pill";
import { DagGraph } from "./dag-graph";
import { runLabel, runTone, taskView, viewColours, viewLabel } from "./task-state";
import { useRun, type LogLine } from "./use-run";
import { Took, When } from "./when";

/**
 * One run: its graph with live task states, a table of tasks with timings per attempt, and the
 * log of the selected attempt following the tool's output. Cancel while it runs.
 */
export function RunView({ runId, compact = false }: { runId: number; compact?: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const { show, plan, logs } = useRun(runId);
  const [selected, setSelected] = useState<string | null>(null);
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const retry = useMutation(trpc.runs.retryTask.mutationOptions());
  if (show.error) return <Notice tone="error">{t("app.error", { message: errorMessage(show.error) })}</Notice>;
  if (!show.data) return <p className="text-sm text-slate-500">{t("app.loading")}</p>;
  const { run, tasks, attempts } = show.data;
  const retries = new Map((plan.data?.tasks ?? []).map((x) => [x.id, x.retries]));
  const views = new Map(tasks.map((x) => [x.id, taskView({ state: x.state, attempts: x.attempts - x.earlierAttempts, retries: retries.get(x.id) }, run.state)]));
  const live = run.state === "running" || run.state === "queued";
  const task = selected ? tasks.find((x) => x.id === selected) : null;

  return (
    <div className="space-y-4" data-testid="run-view" data-state={run.state}>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <Pill tone={runTone(run.state)} testId="run-state">
          {t(runLabel(run.state))}
        </Pill>
        <span>
          {t("dr.run.heading", { id: run.id })} ·{" "}
          <Link className="text-teal-800 hover:underline" href={`/dr/plans/${encodeURIComponent(run.planId)}`}>
            {run.planId}
          </Link>{" "}
          v{run.planVersion} · {t(`dr.trigger.${run.trigger}` as "dr.trigger.manual")} · {run.actor}
        </span>
        <span className="text-slate-500">
          {t("dr.run.started")} <When at={run.startedAt} /> · {t("dr.run.took")} <Took ms={run.startedAt ? (run.finishedAt ?? Date.now()) - run.startedAt : null} />
        </span>
        {live && !compact && (
          <ConfirmButton label={t("dr.run.cancel")} question={t("dr.run.cancelQuestion", { id: run.id })} confirmLabel={t("dr.run.cancelYes")} pending={cancel.isPending} onConfirm={() => cancel.mutate({ id: run.id })} />
        )}
      </div>
      {Object.keys(run.params).length > 0 && (
        <p className="font-mono text-xs text-slate-600">
          {Object.entries(run.params)
            .map(([k, v]) => `${k}=${v}`)
            .join("  ")}
        </p>
      )}
      {run.error && <Notice tone="error">{run.error}</Notice>}
      {cancel.error && <Notice tone="error">{errorMessage(cancel.error)}</Notice>}
      {retry.error && <Notice tone="error">{errorMessage(retry.error)}</Notice>}
      <DagGraph label={t("dr.graph.runLabel", { id: run.id })} tasks={tasks.map((x) => ({ id: x.id, kind: x.kind, needs: x.needs, view: views.get(x.id)! }))} selected={selected} onSelect={setSelected} />
      {!compact && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm" aria-label={t("dr.run.tasks")}>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2">{t("dr.run.task")}</th>
                <th className="px-3 py-2">{t("dr.run.state")}</th>
                <th className="px-3 py-2">{t("dr.run.attempts")}</th>
                <th className="px-3 py-2">{t("dr.run.timings")}</th>
                <th className="px-3 py-2">{t("dr.run.error")}</th>
                <th className="px-3 py-2">
                  <span className="sr-only">{t("dr.run.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tasks.map((x) => {
                const v = views.get(x.id)!;
                const mine = attempts.filter((a) => a.taskId === x.id && a.attempt > 0);
                return (
                  <tr key={x.id} data-testid={`run-task-${x.id}`} className={selected === x.id ? "bg-teal-50" : undefined}>
                    <td className="px-3 py-2">
                      <button type="button" className="font-medium text-teal-800 hover:underline" onClick={() => setSelected(x.id)}>
                        {x.id}
                      </button>
                      <span className="ml-2 text-xs text-slate-500">{x.kind}</span>
                    </td>
                    <td className="px-3 py-2">
                      <span className="inline-flex items-center gap-1.5">
                        <span className={`h-2.5 w-2.5 rounded-sm ${viewColours[v].cell}`} />
                        {t(viewLabel(v))}
                      </span>
                    </td>
                    <td className="px-3 py-2">{mine.length}</td>
                    <td className="px-3 py-2 text-xs">
                      {mine.map((a) => (
                        <div key={a.id}>
                          #{a.attempt}: <Took ms={(a.finishedAt ?? Date.now()) - a.startedAt} />
                        </div>
                      ))}
                    </td>
                    <td className="max-w-sm truncate px-3 py-2 text-xs text-red-700" title={x.error ?? undefined}>
                      {x.error}
                    </td>
                    <td className="px-3 py-2">
                      {x.retryScope && !live && (
                        <ConfirmButton
                          label={t("dr.run.retry")}
                          question={t("dr.run.retryQuestion", { task: x.id, tasks: x.retryScope.join(", ") })}
                          confirmLabel={t("dr.run.retryYes")}
                          danger={false}
                          pending={retry.isPending}
                          // The log tail follows the retried task's new attempts.
                          onConfirm={() => retry.mutate({ runId: run.id, taskId: x.id }, { onSuccess: () => setSelected(x.id) })}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {task && (
        <TaskLogs
          taskId={task.id}
          attempts={attempts.filter((a) => a.taskId === task.id && a.attempt > 0).map((a) => ({ id: a.id, attempt: a.attempt, state: a.state }))}
          logs={logs}
          onClose={() => setSelected(null)}
        />
      )}
    </div>
  );
}

function TaskLogs({ taskId, attempts, logs, onClose }: { taskId: string; attempts: { id: number; attempt: number; state: string }[]; logs: LogLine[]; onClose: () => void }) {
  const t = useT();
  const [chosen, setChosen] = useState<number | null>(null);
  const attemptId = chosen ?? attempts.at(-1)?.id ?? null;
  const lines = logs.filter((l) => l.attemptId === attemptId && attemptId !== null);
  const box = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  useEffect(() => {
    if (box.current && follow.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines.length]);
  return (
    <section aria-label={t("dr.log.title", { task: taskId })} className="rounded-lg border border-slate-200 bg-white" data-testid="task-log">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2 text-sm">
        <strong>{t("dr.log.title", { task: taskId })}</strong>
        {attempts.map((a) => (
          <button
            key={a.id}
            type="button"
            aria-pressed={a.id === attemptId}
            onClick={() => setChosen(a.id)}
            className={`rounded px-2 py-0.5 text-xs ${a.id === attemptId ? "bg-teal-700 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
          >
            {t("dr.log.attempt", { n: a.attempt })} · {a.state}
          </button>
        ))}
        <button type="button" className="ml-auto text-xs text-slate-500 hover:text-slate-800" onClick={onClose}>
          {t("dr.log.close")}
        </button>
      </header>
      <pre
        ref={box}
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        className="max-h-80 overflow-auto bg-slate-900 px-3 py-2 text-xs leading-5 text-slate-100"
      >
        {attempts.length === 0 ? t("dr.log.none") : lines.length === 0 ? t("dr.log.empty") : null}
        {lines.map((l) => (
          <div key={l.key} className={l.stream === "stderr" || l.stream === "warn" ? "text-amber-300" : undefined}>
            <span className="select-none text-slate-500">{new Date(l.time).toISOString().slice(11, 23)} </span>
            {l.line}
          </div>
        ))}
      </pre>
    </section>
  );
}
