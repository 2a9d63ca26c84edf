"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useI18n } from "@/components/i18n/i18n-provider";
import { useFerryEvent } from "@/components/events/event-stream";
import { useRefreshOn } from "@/components/live/use-refresh-on";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { formatBytes } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary } from "@/components/ui/styles";
import type { FerryEvent } from "@/server/events/types";
import { RunView } from "./run-view";
import { isDrEvent } from "./use-dr-refresh";
import { Took } from "./when";

/** What can change a failback's preconditions: the primary's connection, what we still need, our own changes. */
const affectsFailback = (e: FerryEvent) =>
  isDrEvent(e) || ["device.connected", "device.disconnected", "folder.summary", "local.changed", "folder.reverted", "folder.typeChanged"].includes(e.type);

/**
 * "Fail back", shown on the node that was primary before the current one: the planned return, with
 * no data loss, so it is offered only while its preconditions hold, and says which one fails when
 * not. While it runs, its run is shown live; the result gives the measured RTO.
 */
export function FailbackPanel({ folderId, primaryName }: { folderId: string; primaryName: string }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = trpc.failover.failbackCheck.queryKey({ folder: folderId });
  const check = useQuery({ ...trpc.failover.failbackCheck.queryOptions({ folder: folderId }), staleTime: 0 });
  useRefreshOn(affectsFailback, [key], 400);
  const [runId, setRunId] = useState<number | null>(null);
  // Once it has failed back, the primary is this node; the result names the one it took over from.
  const [former, setFormer] = useState<string | null>(null);
  const failback = useMutation(
    trpc.failover.failback.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: key });
        void queryClient.invalidateQueries({ queryKey: trpc.failover.readiness.queryKey({ folder: folderId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.folders.list.queryKey() });
      },
    }),
  );
  // The mutation answers when the failback is over; its run appears at once, so the progress is live.
  useFerryEvent((e) => {
    if (!failback.isPending || (e.type !== "run.started" && e.type !== "run.queued")) return;
    const d = e.data as { runId: number; planId: string };
    if (d.planId === `failback-${folderId}`.slice(0, 64)) setRunId(d.runId);
  });
  const c = check.data;
  const result = failback.data;
  if (!c?.offered && !failback.isPending && !result && !failback.error) return null;
  const rtoMs = result?.run.startedAt && result.run.finishedAt ? result.run.finishedAt - result.run.startedAt : null;
  const primary = primaryName;

  return (
    <section className="mt-4 space-y-2 rounded-md border border-teal-200 bg-teal-50/40 p-3" data-testid={`failback-${folderId}`} aria-label={t("dr.failback.title")}>
      <h3 className="text-sm font-semibold text-slate-800">{t("dr.failback.title")}</h3>
      {c?.offered && (
        <>
          <p className="text-sm text-slate-700">{t("dr.failback.intro", { folder: folderId, primary })}</p>
          {c.ready ? (
            <Notice tone="success">{t("dr.failback.ready", { primary })}</Notice>
          ) : (
            <div className="text-sm text-amber-800" data-testid={`failback-blockers-${folderId}`}>
              <p>{t("dr.failback.blocked")}</p>
              <ul className="list-disc space-y-0.5 pl-5">
                {c.blockers.map((b) => (
                  <li key={b.code}>
                    {b.code === "primaryOffline"
                      ? t("dr.failback.why.primaryOffline", { primary })
                      : b.code === "behind"
                        ? t("dr.failback.why.behind", { items: b.items, size: formatBytes(b.bytes, lang), primary })
                        : b.code === "localChanges"
                          ? t("dr.failback.why.localChanges", { count: b.count })
                          : t("dr.failback.why.other")}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {!failback.isPending && (
            <ConfirmButton
              label={t("dr.failback.button")}
              question={t("dr.failback.question", { folder: folderId, primary })}
              confirmLabel={t("dr.failback.yes")}
              danger={false}
              className={buttonPrimary}
              // Disabled (with the reasons above) until nothing would be lost.
              pending={!c.ready}
              onConfirm={() => {
                setRunId(null);
                setFormer(primaryName);
                failback.mutate({ folder: folderId });
              }}
            />
          )}
        </>
      )}
      {failback.isPending && <Notice tone="info">{t("dr.failback.running")}</Notice>}
      {(runId ?? result?.run.id) && <RunView runId={(runId ?? result?.run.id)!} compact />}
      {failback.error && <Notice tone="error">{errorMessage(failback.error)}</Notice>}
      {result && (
        <div data-testid={`failback-result-${folderId}`}>
          <Notice tone={result.state === "success" ? "success" : "error"}>
            {result.state === "success" ? t("dr.failback.done", { folder: folderId, primary: former ?? primary }) : t("dr.failback.failed", { error: result.run.error ?? result.state })} {t("dr.failover.rto")}{" "}
            <Took ms={rtoMs} />
          </Notice>
        </div>
      )}
    </section>
  );
}
