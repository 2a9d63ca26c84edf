"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, input } from "@/components/ui/styles";
import { DagGraph } from "./dag-graph";
import { FORM_FIELDS, readFields, writeField, type FormField } from "./plan-fields";

const CHECK_DELAY_MS = 300;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

/**
 * The plan editor: a form for the common fields beside the YAML, both editing one text. The server's
 * validator checks the draft as it changes (nothing is stored) and its problems are listed by line,
 * with the lines marked in the gutter, before Save is possible.
 */
export function PlanEditor({ initial, planId }: { initial: string; planId?: string }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [source, setSource] = useState(initial);
  const checked = useDebounced(source, CHECK_DELAY_MS);
  const validation = useQuery({ ...trpc.drConsole.validate.queryOptions({ source: checked }), placeholderData: (prev) => prev });
  const apply = useMutation(
    trpc.plans.applyPlan.mutationOptions({
      onSuccess: (r) => {
        void queryClient.invalidateQueries({ queryKey: trpc.plans.pathKey() });
        if (!planId || r.plan.id !== planId) router.push(`/dr/plans/${encodeURIComponent(r.plan.id)}`);
      },
    }),
  );
  const fields = readFields(source);
  const issues = validation.data?.issues ?? [];
  const badLines = new Set(issues.map((i) => i.line).filter((l): l is number => l !== null));
  const lines = source.split("\n").length;
  const valid = validation.data?.ok === true && checked === source;

  const setField = (f: FormField, v: string) => setSource(writeField(source, f, v));

  return (
    <div className="space-y-4">
      <div className="grid gap-4 lg:grid-cols-5">
        <fieldset className="space-y-3 lg:col-span-2" disabled={!fields}>
          <legend className="mb-1 text-sm font-semibold text-slate-800">{t("dr.editor.form")}</legend>
          {FORM_FIELDS.map((f) => (
            <label key={f} className="block text-xs font-medium text-slate-600">
              {t(`dr.editor.field.${f}`)}
              {f === "overlap" ? (
                <select className={`${input} mt-1`} value={fields?.overlap ?? ""} onChange={(e) => setField(f, e.target.value)}>
                  <option value="">{t("dr.editor.overlap.default")}</option>
                  <option value="skip">skip</option>
                  <option value="queue">queue</option>
                </select>
              ) : (
                <input className={`${input} mt-1 font-mono`} value={fields?.[f] ?? ""} onChange={(e) => setField(f, e.target.value)} placeholder={t(`dr.editor.hint.${f}`)} />
              )}
            </label>
          ))}
          {!fields && <p className="text-xs text-amber-700">{t("dr.editor.formWaits")}</p>}
        </fieldset>
        <div className="lg:col-span-3">
          <label htmlFor="plan-yaml" className="mb-1 block text-sm font-semibold text-slate-800">
            {t("dr.editor.yaml")}
          </label>
          <div className="flex overflow-hidden rounded-md border border-slate-300 bg-white font-mono text-xs leading-5 shadow-sm focus-within:ring-2 focus-within:ring-teal-600/30">
            <div aria-hidden className="select-none border-r border-slate-200 bg-slate-50 px-2 py-2 text-right text-slate-400">
              {Array.from({ length: lines }, (_, i) => (
                <div key={i} className={badLines.has(i + 1) ? "bg-red-100 font-bold text-red-700" : undefined}>
                  {i + 1}
                </div>
              ))}
            </div>
            <textarea
              id="plan-yaml"
              spellCheck={false}
              wrap="off"
              className="min-h-96 flex-1 resize-y overflow-x-auto whitespace-pre px-2 py-2 outline-none"
              style={{ height: `${Math.max(24, lines + 2) * 20}px` }}
              value={source}
              onChange={(e) => setSource(e.target.value)}
            />
          </div>
        </div>
      </div>
      <div aria-live="polite" data-testid="plan-validation">
        {issues.length > 0 ? (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <p className="font-medium">{t("dr.editor.invalid", { count: issues.length })}</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5 font-mono text-xs">
              {issues.map((i, n) => (
                <li key={n}>
                  {i.line ? t("dr.editor.line", { line: i.line }) + " " : ""}
                  {i.field ? <strong>{i.field}</strong> : null}
                  {i.field ? ": " : ""}
                  {i.message}
                </li>
              ))}
            </ul>
          </div>
        ) : valid ? (
          <Notice tone="success">{t("dr.editor.valid", { count: validation.data?.plan?.tasks.length ?? 0 })}</Notice>
        ) : (
          <p className="text-sm text-slate-500">{t("dr.editor.checking")}</p>
        )}
      </div>
      {validation.data?.plan && <DagGraph label={t("dr.graph.label", { plan: validation.data.plan.id })} tasks={validation.data.plan.tasks.map((x) => ({ ...x, view: null }))} />}
      {apply.error && <Notice tone="error">{errorMessage(apply.error)}</Notice>}
      {apply.data && !apply.isPending && <Notice tone="success">{apply.data.changed ? t("dr.editor.saved", { version: apply.data.version }) : t("dr.editor.unchanged")}</Notice>}
      <button type="button" className={buttonPrimary} disabled={!valid || apply.isPending} onClick={() => apply.mutate({ source })}>
        {apply.isPending ? t("common.saving") : t("dr.editor.save")}
      </button>
    </div>
  );
}
