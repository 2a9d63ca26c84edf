"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useI18n } from "@/components/i18n/i18n-provider";
import { useFerryEvent } from "@/components/events/event-stream";
import { errorMessage } from "@/components/trpc/errors";
import type { DeviceStatus, FolderStatus } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { formatBytes, shortDeviceId } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Pill } from "@/components/ui/pill";
import { buttonDanger, buttonSecondary, input } from "@/components/ui/styles";
import { FailbackPanel } from "./failback-panel";
import { RunView } from "./run-view";
import { useDrRefresh } from "./use-dr-refresh";
import { Took, When } from "./when";

/**
 * One folder's failover panel. Promote is behind a readiness check and a typed confirmation (the
 * folder ID); while it runs, its run is shown live (graph and log); the result gives the measured RTO.
 */
export function FailoverCard({ folder, devices, selfId }: { folder: FolderStatus; devices: DeviceStatus[]; selfId: string }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ready = useQuery(trpc.failover.readiness.queryOptions({ folder: folder.id }));
  useDrRefresh([trpc.failover.readiness.queryKey({ folder: folder.id })]);
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState("");
  const [runId, setRunId] = useState<number | null>(null);
  const promote = useMutation(
    trpc.failover.promote.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.failover.readiness.queryKey({ folder: folder.id }) });
        void queryClient.invalidateQueries({ queryKey: trpc.folders.list.queryKey() });
      },
    }),
  );
  // The mutation answers when the failover is over; its run appears at once, so the progress is live.
  useFerryEvent((e) => {
    if (!promote.isPending || (e.type !== "run.started" && e.type !== "run.queued")) return;
    const d = e.data as { runId: number; planId: string };
    if (d.planId === `failover-${folder.id}`.slice(0, 64)) setRunId(d.runId);
  });
  const name = (id: string | null) => (!id ? t("dr.failover.unknown") : id === selfId ? t("dr.failover.thisNode") : (devices.find((d) => d.deviceId === id)?.name || shortDeviceId(id)));
  const r = ready.data;
  const warnings: string[] = [];
  if (r) {
    if (r.behindItems > 0) warnings.push(t("dr.failover.behind", { items: r.behindItems, size: formatBytes(r.behindBytes, lang) }));
    if (r.localChanges > 0) warnings.push(t("dr.failover.localChanges", { count: r.localChanges }));
    if (r.primaryConnected && !r.isPrimary) warnings.push(t("dr.failover.primaryUp"));
  }
  const isPrimaryHere = !!r && r.isPrimary && r.type !== "receiveonly";
  const result = promote.data;
  const rtoMs = result?.run.startedAt && result.run.finishedAt ? result.run.finishedAt - result.run.startedAt : null;

  return (
    <Card id={`failover-${folder.id}`} title={`${folder.label || folder.id} (${folder.id})`}>
      {ready.error && <Notice tone="error">{errorMessage(ready.error)}</Notice>}
      {r && (
        <dl className="grid gap-3 text-sm sm:grid-cols-4" data-testid={`failover-status-${folder.id}`}>
          <div>
            <dt className="text-xs uppercase tracking-wide text-slate-500">{t("dr.failover.primary")}</dt>
            <dd data-testid={`failover-primary-${folder.id}`}>
              {name(r.primary)} {isPrimaryHere && <Pill tone="good">{t("dr.failover.primaryHere")}</Pill>}
            </dd>
          </div>
          <div>
            <dt className="text-xs uppercase tracking-wide text-slate-500">{t("dr.failover.epoch")}</dt>
            <dd data-testid={`failover-epoch-${folder.id}`}>{r.epoch}</dd>
          </div>
          <div>
            <dt className="text-xs uppercase tracking-wide text-slate-500">{t("dr.failover.typeHere")}</dt>
            <dd>{t(`folders.type.${r.type}` as "folders.type.sendreceive")}</dd>
          </div>
          <div>
            <dt className="text-xs uppercase tracking-wide text-slate-500">{t("dr.failover.primarySeen")}</dt>
            <dd>{isPrimaryHere ? "—" : r.primaryConnected ? t("dr.failover.connected") : <When at={r.primaryLastSeenAt} />}</dd>
          </div>
        </dl>
      )}
      <table className="mt-4 min-w-full text-sm" aria-label={t("dr.failover.replicas")}>
        <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-1">{t("dr.failover.device")}</th>
            <th className="py-1">{t("dr.failover.lag")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {r && (
            <tr>
              <td className="py-1">{t("dr.failover.thisNode")}</td>
              <td className="py-1">{r.behindItems ? t("dr.failover.lagItems", { items: r.behindItems, size: formatBytes(r.behindBytes, lang) }) : t("dr.failover.upToDate")}</td>
            </tr>
          )}
          {devices
            .filter((d) => folder.devices.includes(d.deviceId))
            .map((d) => {
              const c = d.folders.find((x) => x.folderId === folder.id);
              return (
                <tr key={d.deviceId}>
                  <td className="py-1">
                    {d.name || shortDeviceId(d.deviceId)} {!d.connected && <Pill tone="muted">{t("dr.failover.offline")}</Pill>}
                  </td>
                  <td className="py-1">{!c ? "—" : c.needItems ? t("dr.failover.lagItems", { items: c.needItems, size: formatBytes(c.needBytes, lang) }) + ` (${c.percent} %)` : t("dr.failover.upToDate")}</td>
                </tr>
              );
            })}
        </tbody>
      </table>
      {r && (
        <div className="mt-4 space-y-2" data-testid={`failover-readiness-${folder.id}`}>
          <h3 className="text-sm font-semibold text-slate-800">{t("dr.failover.readiness")}</h3>
          {isPrimaryHere ? (
            <Notice tone="info">{t("dr.failover.alreadyPrimary")}</Notice>
          ) : warnings.length ? (
            <ul className="list-disc space-y-0.5 pl-5 text-sm text-amber-800">
              {warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : (
            <Notice tone="success">{t("dr.failover.ready")}</Notice>
          )}
        </div>
      )}
      {r && <FailbackPanel folderId={folder.id} primaryName={name(r.primary)} />}
      {r && !isPrimaryHere && !asking && !promote.isPending && (
        <button type="button" className={`${buttonDanger} mt-3`} onClick={() => (setAsking(true), setTyped(""))}>
          {t("dr.failover.promote")}
        </button>
      )}
      {asking && (
        <form
          className="mt-3 space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          onSubmit={(e) => {
            e.preventDefault();
            setAsking(false);
            setRunId(null);
            promote.mutate({ folder: folder.id });
          }}
        >
          <p>{t("dr.failover.confirmText", { folder: folder.id })}</p>
          <label className="block text-xs font-medium">
            {t("dr.failover.typeId")}
            <input className={`${input} mt-1 font-mono`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </label>
          <div className="flex gap-2">
            <button type="submit" className={buttonDanger} disabled={typed !== folder.id}>
              {t("dr.failover.promoteYes")}
            </button>
            <button type="button" className={buttonSecondary} onClick={() => setAsking(false)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
      {promote.isPending && <Notice tone="info">{t("dr.failover.running")}</Notice>}
      {(runId ?? result?.run.id) && (
        <div className="mt-3">
          <RunView runId={(runId ?? result?.run.id)!} compact />
        </div>
      )}
      {promote.error && <Notice tone="error">{errorMessage(promote.error)}</Notice>}
      {result && (
        <div className="mt-3" data-testid={`failover-result-${folder.id}`}>
          <Notice tone={result.state === "success" ? "success" : "error"}>
            {result.state === "success" ? t("dr.failover.done", { folder: folder.id }) : t("dr.failover.failed", { error: result.run.error ?? result.state })} {t("dr.failover.rto")} <Took ms={rtoMs} />
          </Notice>
          {result.state === "success" && <p className="mt-2 text-xs text-slate-600">{t("dr.failover.failbackHint")}</p>}
        </div>
      )}
    </Card>
  );
}
