"use client";

import { useQuery } from "@tanstack/react-query";
import { folderHealth } from "@/components/folders/folder-state";
import { useI18n } from "@/components/i18n/i18n-provider";
import { isSyncEvent, useRefreshOn } from "@/components/live/use-refresh-on";
import type { Outputs } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { formatCount } from "@/components/ui/format";
import { Stat } from "@/components/ui/stat";

type Sync = Outputs["system"]["status"]["sync"];

/** Health at a glance; every number links to the page that explains it. */
export function HealthTiles({ sync }: { sync: Sync }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const conflicts = useQuery(trpc.console.openConflicts.queryOptions());
  useRefreshOn(isSyncEvent, [trpc.system.status.queryKey(), trpc.console.openConflicts.queryKey()]);
  const health = sync.folders.map((f) => ({ f, h: folderHealth(f) }));
  const upToDate = health.filter(({ h }) => h.key === "upToDate").length;
  const busy = health.filter(({ h }) => h.key === "scanning" || h.key === "syncing" || h.key === "waiting").length;
  const broken = health.filter(({ h }) => h.key === "error" || h.key === "failed");
  const failedItems = sync.folders.reduce((n, f) => n + f.failedItems.length, 0);
  const active = sync.devices.filter((d) => !d.paused);
  const connected = active.filter((d) => d.connected).length;
  const pending = sync.pending.devices.filter((p) => !p.ignored).length + sync.pending.folders.filter((p) => !p.ignored).length;
  const open = conflicts.data?.count ?? 0;
  const errorsHref = broken.length === 1 ? `/folders/${encodeURIComponent(broken[0].f.id)}` : "/folders";
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="health">
      <Stat
        testId="health-folders"
        label={t("dashboard.foldersUpToDate")}
        value={`${formatCount(upToDate, lang)} / ${formatCount(sync.folders.length, lang)}`}
        hint={busy ? t("dashboard.foldersBusy", { count: busy }) : sync.folders.length ? t("dashboard.foldersAllHint") : t("dashboard.noFolders")}
        tone={sync.folders.length && upToDate === sync.folders.length ? "good" : "plain"}
        href="/folders"
      />
      <Stat
        testId="health-devices"
        label={t("dashboard.devicesConnected")}
        value={`${formatCount(connected, lang)} / ${formatCount(active.length, lang)}`}
        hint={pending ? t("dashboard.pendingRequests", { count: pending }) : active.length ? t("dashboard.devicesHint") : t("dashboard.noDevices")}
        tone={pending ? "warn" : active.length && connected === active.length ? "good" : "plain"}
        href={pending && sync.pending.folders.some((p) => !p.ignored) ? "/folders" : "/devices"}
      />
      <Stat testId="health-conflicts" label={t("dashboard.conflictsOpen")} value={formatCount(open, lang)} hint={t("dashboard.conflictsHint")} tone={open ? "warn" : "good"} href="/conflicts" />
      <Stat
        testId="health-errors"
        label={t("dashboard.errors")}
        value={formatCount(broken.length, lang)}
        hint={failedItems ? t("dashboard.failedItems", { count: failedItems }) : t("dashboard.errorsHint")}
        tone={broken.length ? "bad" : "good"}
        href={errorsHref}
      />
    </div>
  );
}
