"use client";

import { useT } from "@/components/i18n/i18n-provider";
import { DrTabs } from "./dr-tabs";
import { RunView } from "./run-view";

export function RunScreen({ runId }: { runId: number }) {
  const t = useT();
  return (
    <div className="space-y-5">
      <h1 className="text-xl font-semibold tracking-tight text-slate-900">{t("dr.run.heading", { id: runId })}</h1>
      <DrTabs />
      <RunView runId={runId} />
    </div>
  );
}
