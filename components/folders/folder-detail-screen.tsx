"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useEffect } from "react";
import { ChangesList } from "@/components/changes/changes-list";
import { RelativeTime } from "@/components/events/relative-time";
import { useI18n } from "@/components/i18n/i18n-provider";
import { isSyncEvent, useRefreshOn } from "@/components/live/use-refresh-on";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { formatBytes, formatCount } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Stat } from "@/components/ui/stat";
import { FailedItems } from "./failed-items";
import { FolderActions } from "./folder-actions";
import { FolderIgnores } from "./folder-ignores";
import { FolderSharing } from "./folder-sharing";
import { FolderStatePill, needItems } from "./folder-state";
import { LocalChanges, OutOfSync } from "./local-changes";
import { VersionsBrowser } from "./versions-browser";
import { VersioningForm } from "./versioning-form";

export function FolderDetailScreen({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const list = useQuery(trpc.folders.list.queryOptions());
  const conflicts = useQuery(trpc.conflicts.list.queryOptions({ folderId: id }));
  useRefreshOn(isSyncEvent, [trpc.folders.list.queryKey(), trpc.conflicts.list.queryKey()]);
  const folder = list.data?.find((f) => f.id === id);
  const title = folder ? folder.label || folder.id : id;
  useEffect(() => {
    document.title = `${title} · ${t("app.name")}`;
  }, [title, t]);

  if (list.error) return <Notice tone="error">{t("app.error", { message: errorMessage(list.error) })}</Notice>;
  if (!list.data) return <p className="text-sm text-slate-500">{t("app.loading")}</p>;
  if (!folder)
    return (
      <div className="space-y-3">
        <Notice tone="error">{t("folders.notFound", { id })}</Notice>
        <Link href="/folders" className="text-sm text-teal-800 hover:underline">
          ← {t("folders.title")}
        </Link>
      </div>
    );

  const need = needItems(folder);
  const openConflicts = conflicts.data?.length ?? 0;
  return (
    <div className="space-y-5">
      <div>
        <Link href="/folders" className="text-sm text-teal-800 hover:underline">
          ← {t("folders.title")}
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold tracking-tight text-slate-900">{title}</h1>
          <div className="w-48">
            <FolderStatePill folder={folder} withBar />
          </div>
        </div>
        <div className="mt-1 flex flex-wrap gap-x-4 text-xs text-slate-500">
          <span className="font-mono">{folder.path}</span>
          <span>
            {t("folders.id")}: <span className="font-mono">{folder.id}</span>
          </span>
          <span>{t(`folders.type.${folder.type}`)}</span>
          {folder.lastScanAt && (
            <span>
              {t("folders.lastScan")} <RelativeTime time={folder.lastScanAt} />
            </span>
          )}
        </div>
        {folder.error && (
          <div className="mt-2">
            <Notice tone="error">{folder.error}</Notice>
          </div>
        )}
      </div>
      <FolderActions key={folder.type} folder={folder} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Stat label={t("folders.local")} value={formatCount(folder.local.files, lang)} hint={`${formatBytes(folder.local.bytes, lang)} · ${t("folders.dirs", { count: formatCount(folder.local.directories, lang) })}`} />
        <Stat label={t("folders.global")} value={formatCount(folder.global.files, lang)} hint={formatBytes(folder.global.bytes, lang)} />
        <Stat label={t("folders.needed")} value={formatCount(need, lang)} hint={formatBytes(folder.need.bytes, lang)} tone={need ? "warn" : "good"} />
        <Stat label={t("folders.failed")} value={formatCount(folder.failedItems.length, lang)} tone={folder.failedItems.length ? "bad" : "plain"} href={folder.failedItems.length ? "#failed-items" : undefined} />
        <Stat label={t("nav.conflicts")} value={formatCount(openConflicts, lang)} tone={openConflicts ? "warn" : "plain"} href={`/conflicts?folder=${encodeURIComponent(folder.id)}`} testId="folder-conflicts" />
      </div>
      <FailedItems folder={folder} />
      {folder.type === "receiveonly" && <LocalChanges folder={folder} />}
      {folder.type === "sendonly" && <OutOfSync folder={folder} />}
      <div className="grid gap-5 lg:grid-cols-2">
        <FolderSharing folder={folder} />
        <VersioningForm folderId={folder.id} />
      </div>
      <Card id="folder-changes" title={t("changes.title")}>
        <ChangesList folderId={folder.id} limit={30} showFolder={false} />
      </Card>
      <VersionsBrowser folderId={folder.id} receiveOnly={folder.type === "receiveonly"} />
      <FolderIgnores folderId={folder.id} />
    </div>
  );
}
