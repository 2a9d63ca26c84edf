"use client";

import { useQuery } from "@tanstack/react-query";
import { useT } from "@/components/i18n/i18n-provider";
import { useRefreshOn } from "@/components/live/use-refresh-on";
import { useTRPC } from "@/components/trpc/trpc";

/** The open-conflict count next to "Conflicts" in the navigation; follows conflict events live. */
export function ConflictBadge() {
  const t = useT();
  const trpc = useTRPC();
  const open = useQuery(trpc.console.openConflicts.queryOptions());
  useRefreshOn((e) => e.type.startsWith("conflict."), [trpc.console.openConflicts.queryKey()], 300);
  const count = open.data?.count ?? 0;
  if (!count) return null;
  return (
    <span data-testid="conflict-count" aria-label={t("nav.conflictCount", { count })} className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-amber-500 px-1.5 text-xs font-semibold text-white tabular-nums">
      {count}
    </span>
  );
}
