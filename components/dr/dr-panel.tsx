"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useT } from "@/components/i18n/i18n-provider";
import { useNow } from "@/components/events/relative-time";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { RpoBadge } from "./rpo-badge";
import { rpoTone } from "./rpo-tone";
import { useDrRefresh } from "./use-dr-refresh";
import { When } from "./when";

const DAY_MS = 24 * 3600 * 1000;
/** A plan that restores or verifies a copy is a DR test (the built-in template is one). */
const TEST_KINDS = /^(restore\.|verify\.|vm\.revert)/;
const severity = { bad: 3, warn: 2, good: 1, muted: 0, busy: 0 } as const;

/** The dashboard's DR summary: the worst RPO against its target, failed runs in the last day, the next DR test. */
export function DrPanel() {
  const t = useT();
  const trpc = useTRPC();
  const now = useNow(1000);
  const objectives = useQuery({ ...trpc.plans.objectives.queryOptions(), staleTime: 0 });
  const plans = useQuery({ ...trpc.plans.list.queryOptions(), staleTime: 0 });
  const failed = useQuery({ ...trpc.runs.list.queryOptions({ states: ["failed"], limit: 200 }), staleTime: 0 });
  useDrRefresh([trpc.plans.objectives.queryKey(), trpc.plans.list.queryKey(), trpc.runs.list.queryKey()]);

  const figures = [...(objectives.data?.rpo.plans ?? []), ...(objectives.data?.rpo.subjects ?? [])].filter((f) => f.targetMs !== null);
  const ranked = figures
    .map((f) => ({ f, tone: rpoTone(f.newestCopyAt === null ? null : now - f.newestCopyAt, f.targetMs), ratio: f.newestCopyAt === null ? Infinity : (now - f.newestCopyAt) / f.targetMs! }))
    .sort((a, b) => severity[b.tone] - severity[a.tone] || b.ratio - a.ratio);
  const worst = ranked[0]?.f;
  const lastDay = (failed.data ?? []).filter((r) => (r.finishedAt ?? r.createdAt) > now - DAY_MS);
  const tests = (plans.data ?? []).filter((p) => !p.paused && p.next[0] && p.plan.tasks.some((x) => TEST_KINDS.test(x.kind))).sort((a, b) => a.next[0] - b.next[0]);
  const nextTest = tests[0];

  return (
    <Card id="dr-panel" title={t("dr.panel.title")} actions={<Link href="/dr" className="text-xs font-medium text-teal-800 hover:underline">{t("dr.panel.open")}</Link>}>
      <dl className="grid gap-4 sm:grid-cols-3">
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{t("dr.panel.worstRpo")}</dt>
          <dd className="mt-1 text-sm" data-testid="dr-worst-rpo">
            {worst ? (
              <>
                <RpoBadge newestCopyAt={worst.newestCopyAt} targetMs={worst.targetMs} testId="dr-worst-rpo-badge" /> <span className="text-slate-600">{worst.key}</span>
              </>
            ) : (
              <span className="text-slate-500">{t("dr.panel.noTargets")}</span>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{t("dr.panel.failedDay")}</dt>
          <dd className="mt-1 text-sm" data-testid="dr-failed-day">
            <Link href="/dr/runs" className={`text-lg font-semibold ${lastDay.length ? "text-red-700" : "text-slate-800"}`}>
              {lastDay.length}
            </Link>
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{t("dr.panel.nextTest")}</dt>
          <dd className="mt-1 text-sm" data-testid="dr-next-test">
            {nextTest ? (
              <Link href={`/dr/plans/${encodeURIComponent(nextTest.plan.id)}`} className="hover:underline">
                {nextTest.plan.id} · <When at={nextTest.next[0]} />
              </Link>
            ) : (
              <span className="text-slate-500">{t("dr.panel.noTest")}</span>
            )}
          </dd>
        </div>
      </dl>
    </Card>
  );
}
