"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import type { DeviceStatus, PendingRequests } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, buttonSecondary, input } from "@/components/ui/styles";
import { FolderTypeSelect, type FolderType } from "./folder-type-select";

type Offer = PendingRequests["folders"][number];

function OfferRow({ offer, from, suggestedRoot }: { offer: Offer; from: string; suggestedRoot: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [choosing, setChoosing] = useState(false);
  const [path, setPath] = useState(`${suggestedRoot}/${offer.folderId}`);
  const [type, setType] = useState<FolderType>((offer.type as FolderType) || "sendreceive");
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.devices.pending.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.folders.list.queryKey() });
  };
  const accept = useMutation(trpc.folders.acceptPending.mutationOptions({ onSuccess: refresh }));
  const ignore = useMutation(trpc.folders.ignorePending.mutationOptions({ onSuccess: refresh }));
  const title = offer.label && offer.label !== offer.folderId ? `${offer.label} (${offer.folderId})` : offer.folderId;
  return (
    <li data-testid="pending-folder" className="space-y-3 px-4 py-3">
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-0 flex-1 text-sm text-slate-900">{t("folders.offer", { device: from, folder: title, type: t(`folders.type.${(offer.type as FolderType) || "sendreceive"}`) })}</div>
        {!choosing && (
          <div className="flex gap-2">
            <button type="button" className={buttonPrimary} onClick={() => setChoosing(true)}>
              {t("common.accept")}
            </button>
            <button type="button" className={buttonSecondary} disabled={ignore.isPending} onClick={() => ignore.mutate({ id: offer.folderId, deviceId: offer.deviceId })}>
              {t("common.ignore")}
            </button>
          </div>
        )}
      </div>
      {choosing && (
        <form
          className="grid gap-3 rounded-md border border-amber-200 bg-white p-3 sm:grid-cols-[1fr_12rem_auto]"
          onSubmit={(e) => {
            e.preventDefault();
            accept.mutate({ id: offer.folderId, deviceId: offer.deviceId, path: path.trim(), type });
          }}
        >
          <label className="block text-sm text-slate-700">
            {t("folders.acceptPath")}
            <input className={`${input} mt-1 font-mono`} required value={path} onChange={(e) => setPath(e.target.value)} />
          </label>
          <label className="block text-sm text-slate-700">
            {t("folders.type")}
            <div className="mt-1">
              <FolderTypeSelect value={type} onChange={setType} />
            </div>
          </label>
          <div className="flex items-end gap-2">
            <button type="submit" className={buttonPrimary} disabled={accept.isPending}>
              {t("folders.acceptSubmit")}
            </button>
            <button type="button" className={buttonSecondary} onClick={() => setChoosing(false)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
      {(accept.error || ignore.error) && <Notice tone="error">{errorMessage(accept.error ?? ignore.error)}</Notice>}
    </li>
  );
}

/** Folders other devices offer to share: Accept asks where to keep it and how to sync it, Ignore hides the offer. */
export function PendingFolders({ pending, devices, suggestedRoot }: { pending: PendingRequests["folders"]; devices: DeviceStatus[]; suggestedRoot: string }) {
  const t = useT();
  const shown = pending.filter((p) => !p.ignored);
  if (!shown.length) return null;
  const names = new Map(devices.map((d) => [d.deviceId, d.name || d.deviceId.slice(0, 7)]));
  return (
    <section aria-labelledby="pending-folders-title" className="rounded-lg border border-amber-300 bg-amber-50/60 shadow-sm">
      <h2 id="pending-folders-title" className="border-b border-amber-200 px-4 py-3 text-sm font-semibold text-amber-900">
        {t("folders.pendingTitle", { count: shown.length })}
      </h2>
      <ul className="divide-y divide-amber-200">
        {shown.map((p) => (
          <OfferRow key={`${p.folderId}/${p.deviceId}`} offer={p} from={names.get(p.deviceId) ?? p.deviceId.slice(0, 7)} suggestedRoot={suggestedRoot} />
        ))}
      </ul>
    </section>
  );
}
