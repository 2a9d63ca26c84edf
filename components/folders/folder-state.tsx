"use client";

import { useI18n } from "@/components/i18n/i18n-provider";
import type { FolderStatus } from "@/components/trpc/outputs";
import { Pill, type PillTone } from "@/components/ui/pill";
import { ProgressBar } from "@/components/ui/progress-bar";

export function needItems(f: Pick<FolderStatus, "need">): number {
  return f.need.files + f.need.directories + f.need.symlinks + f.need.deleted;
}

/** One word for where a folder stands, the way an operator reads it: up to date, syncing 40 %, 3 failed. */
export function folderHealth(f: FolderStatus): { key: "paused" | "stopped" | "error" | "scanning" | "syncing" | "waiting" | "failed" | "outOfSync" | "upToDate"; tone: PillTone; percent: number | null } {
  const percent = f.progress && f.progress.totalBytes > 0 ? Math.floor((100 * f.progress.doneBytes) / f.progress.totalBytes) : null;
  if (f.paused || f.state === "paused") return { key: "paused", tone: "muted", percent: null };
  if (f.state === "error") return { key: "error", tone: "bad", percent: null };
  if (f.state === "scanning") return { key: "scanning", tone: "busy", percent };
  if (f.state === "syncing") return { key: "syncing", tone: "busy", percent };
  if (f.state === "stopped") return { key: "stopped", tone: "muted", percent: null };
  if (f.awaitingIndexFrom.length) return { key: "waiting", tone: "busy", percent: null };
  if (f.failedItems.length) return { key: "failed", tone: "bad", percent: null };
  if (needItems(f) > 0) return { key: "outOfSync", tone: "warn", percent: null };
  return { key: "upToDate", tone: "good", percent: null };
}

export function FolderStatePill({ folder, withBar = false }: { folder: FolderStatus; withBar?: boolean }) {
  const { t } = useI18n();
  const h = folderHealth(folder);
  const label = t(`folders.state.${h.key}`) + (h.percent !== null ? ` ${h.percent} %` : "") + (h.key === "failed" ? ` (${folder.failedItems.length})` : "");
  return (
    <div className="min-w-0 space-y-1">
      <Pill tone={h.tone} testId="folder-state">
        {label}
      </Pill>
      {withBar && h.percent !== null && <ProgressBar percent={h.percent} label={label} />}
    </div>
  );
}
