"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { RelativeTime } from "@/components/events/relative-time";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { useDeviceName } from "./device-name";
import { DiffView } from "./diff-view";
import { ResolvePanel } from "./resolve-panel";
import { SidePanel } from "./side-preview";

/** Both versions side by side (text diff, image preview, metadata) and the four ways out. */
export function ConflictDetailScreen({ id }: { id: number }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const folders = useQuery(trpc.folders.list.queryOptions());
  const conflict = useQuery({ ...trpc.conflicts.show.queryOptions({ id }), staleTime: 0 });
  const deviceName = useDeviceName();
  const c = conflict.data;
  useEffect(() => {
    if (c) document.title = `${c.name} · ${t("conflicts.title")} · ${t("app.name")}`;
  }, [c, t]);

  const back = (
    <Link href="/conflicts" className="text-sm text-teal-800 hover:underline">
      ← {t("conflicts.title")}
    </Link>
  );
  if (conflict.error)
    return (
      <div className="space-y-3">
        {back}
        <Notice tone="error">{errorMessage(conflict.error)}</Notice>
      </div>
    );
  if (!c) return <p className="text-sm text-slate-500">{t("app.loading")}</p>;
  const folderLabel = folders.data?.find((f) => f.id === c.folderId)?.label || c.folderId;
  return (
    <div className="space-y-5">
      <div>
        {back}
        <h1 className="mt-1 break-all text-xl font-semibold tracking-tight text-slate-900">{c.name}</h1>
        <p className="mt-1 text-xs text-slate-500">
          <Link href={`/folders/${encodeURIComponent(c.folderId)}`} className="text-teal-800 hover:underline">
            {folderLabel}
          </Link>{" "}
          · {t("conflicts.detected")} <RelativeTime time={c.detectedAt} />
        </p>
      </div>
      {c.resolvedAt !== null ? (
        <Notice tone="success">{t("conflicts.alreadyResolved", { choice: c.resolution ?? "" })}</Notice>
      ) : (
        <ResolvePanel conflict={c} onResolved={() => router.push(`/conflicts?resolved=${c.id}`)} />
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <SidePanel testId="side-current" title={t("conflicts.currentTitle")} tone="current" name={c.name} side={c.winner} preview={c.preview.current} deviceName={deviceName} />
        <SidePanel testId="side-copy" title={t("conflicts.copyTitle")} tone="copy" name={c.conflictName} side={c.loser} preview={c.preview.conflict} deviceName={deviceName} />
      </div>
      {(c.preview.current.kind === "text" || c.preview.conflict.kind === "text") && (
        <section aria-labelledby="diff-title" className="space-y-2">
          <h2 id="diff-title" className="text-sm font-semibold text-slate-800">
            {t("conflicts.diffTitle")}
          </h2>
          <DiffView hunks={c.preview.diff} note={c.preview.diffNote} />
        </section>
      )}
    </div>
  );
}
