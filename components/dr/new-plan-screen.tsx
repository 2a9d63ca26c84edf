"use client";

import { useQuery } from "@tanstack/react-query";
import { useT } from "@/components/i18n/i18n-provider";
import { PageTitle } from "@/components/shell/page-title";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { DrTabs } from "./dr-tabs";
import { PlanEditor } from "./plan-editor";

/** A new plan starts from the built-in DR test template, to edit before the first save. */
export function NewPlanScreen() {
  const t = useT();
  const trpc = useTRPC();
  const template = useQuery({ ...trpc.plans.template.queryOptions(), staleTime: Infinity });
  return (
    <div className="space-y-5">
      <PageTitle title="dr.plans.new" />
      <DrTabs />
      <Card id="plan-new" title={t("dr.editor.title")}>
        {template.data ? <PlanEditor initial={template.data.source} /> : <p className="text-sm text-slate-500">{t("app.loading")}</p>}
      </Card>
    </div>
  );
}
