"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import type { FolderStatus } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Notice } from "@/components/ui/notice";
import { buttonSecondary } from "@/components/ui/styles";
import { FolderTypeSelect, type FolderType } from "./folder-type-select";

/** Rescan, pause or resume, change type (confirmed, since it changes what the folder sends), remove. */
export function FolderActions({ folder }: { folder: FolderStatus }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.folders.list.queryKey() });
  const rescan = useMutation(trpc.folders.rescan.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.folders.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(
    trpc.folders.remove.mutationOptions({
      onSuccess: () => {
        void refresh();
        router.push("/folders");
      },
    }),
  );
  const [type, setType] = useState<FolderType>(folder.type);
  const error = rescan.error ?? update.error ?? remove.error;
  const name = folder.label || folder.id;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={buttonSecondary} disabled={rescan.isPending || folder.paused} onClick={() => rescan.mutate({ id: folder.id })}>
          {t("folders.rescan")}
        </button>
        <button type="button" className={buttonSecondary} disabled={update.isPending} onClick={() => update.mutate({ id: folder.id, paused: !folder.paused })}>
          {folder.paused ? t("folders.resume") : t("folders.pause")}
        </button>
        <div className="flex items-center gap-2">
          <label className="sr-only" htmlFor="folder-type">
            {t("folders.type")}
          </label>
          <div className="w-40">
            <FolderTypeSelect id="folder-type" value={type} onChange={setType} />
          </div>
          {type !== folder.type && (
            <ConfirmButton
              label={t("folders.changeType")}
              question={t(`folders.changeTypeConfirm.${type}`, { name })}
              confirmLabel={t("folders.changeTypeYes")}
              danger={false}
              pending={update.isPending}
              onConfirm={() => update.mutate({ id: folder.id, type })}
            />
          )}
        </div>
        <ConfirmButton
          label={t("common.remove")}
          question={t("folders.removeConfirm", { name, path: folder.path })}
          confirmLabel={t("folders.removeYes")}
          pending={remove.isPending}
          onConfirm={() => remove.mutate({ id: folder.id })}
        />
      </div>
      {error && <Notice tone="error">{errorMessage(error)}</Notice>}
    </div>
  );
}
