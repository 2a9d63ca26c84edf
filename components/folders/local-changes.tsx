"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { MessageKey } from "@/components/i18n/catalog";
import { useI18n } from "@/components/i18n/i18n-provider";
import { useRefreshOn } from "@/components/live/use-refresh-on";
import { errorMessage } from "@/components/trpc/errors";
import type { FolderStatus } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { formatBytes, formatCount } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { Pill } from "@/components/ui/pill";
import { buttonPrimary } from "@/components/ui/styles";

const SHOWN = 500;

const ACTION: Record<string, MessageKey> = {
  added: "folders.action.added",
  modified: "folders.action.modified",
  deleted: "folders.action.deleted",
  add: "folders.action.add",
  modify: "folders.action.modify",
  delete: "folders.action.delete",
};

interface Item {
  name: string;
  type: string;
  action: string;
  size: number;
  modifiedS: number;
}

function ItemList({ items }: { items: Item[] }) {
  const { t, lang } = useI18n();
  return (
    <ul className="-my-2 divide-y divide-slate-100 text-sm">
      {items.slice(0, SHOWN).map((i) => (
        <li key={i.name} data-testid="changed-item" className="grid grid-cols-[6.5rem_minmax(0,1fr)_6rem_9rem] items-center gap-3 py-1.5">
          <span>
            <Pill tone={i.action === "deleted" || i.action === "delete" ? "bad" : i.action === "added" || i.action === "add" ? "good" : "warn"}>{ACTION[i.action] ? t(ACTION[i.action]) : i.action}</Pill>
          </span>
          <span className="truncate font-mono text-xs text-slate-800" title={i.name}>
            {i.type === "dir" ? `${i.name}/` : i.name}
          </span>
          <span className="text-right text-xs tabular-nums text-slate-600">{i.type === "file" ? formatBytes(i.size, lang) : ""}</span>
          <span className="text-right text-xs text-slate-500">{i.modifiedS ? new Date(i.modifiedS * 1000).toLocaleString(lang) : ""}</span>
        </li>
      ))}
      {items.length > SHOWN && <li className="py-2 text-xs text-slate-500">{t("folders.moreItems", { count: formatCount(items.length - SHOWN, lang) })}</li>}
    </ul>
  );
}

/** Receive-only: what was changed here and stays local, with Revert Local Changes behind a confirmation. */
export function LocalChanges({ folder }: { folder: FolderStatus }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const changes = useQuery(trpc.folders.localChanges.queryOptions({ id: folder.id }));
  useRefreshOn((e) => "folderId" in e.data && (e.data as { folderId: string }).folderId === folder.id, [trpc.folders.localChanges.queryKey({ id: folder.id })]);
  const revert = useMutation(
    trpc.folders.revert.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.folders.localChanges.queryKey({ id: folder.id }) });
        void queryClient.invalidateQueries({ queryKey: trpc.folders.list.queryKey() });
      },
    }),
  );
  const items = changes.data ?? [];
  const added = items.filter((i) => i.action === "added").length;
  return (
    <Card
      id="local-changes"
      title={t("folders.localChangesTitle", { count: formatCount(items.length, lang) })}
      actions={
        items.length > 0 && (
          <ConfirmButton
            label={t("folders.revert")}
            className={buttonPrimary}
            question={t("folders.revertConfirm", { changed: formatCount(items.length - added, lang), added: formatCount(added, lang) })}
            confirmLabel={t("folders.revertYes")}
            pending={revert.isPending}
            onConfirm={() => revert.mutate({ id: folder.id })}
          />
        )
      }
    >
      {changes.error && <Notice tone="error">{errorMessage(changes.error)}</Notice>}
      {revert.error && <Notice tone="error">{errorMessage(revert.error)}</Notice>}
      {revert.data && (
        <div className="mb-3">
          <Notice tone="success">
            {t("folders.reverted", { reverted: revert.data.reverted.length, deleted: revert.data.deleted.length })}
            {revert.data.failed.length > 0 && ` ${t("folders.revertFailed", { list: revert.data.failed.map((f) => `${f.name}: ${f.reason}`).join("; ") })}`}
          </Notice>
        </div>
      )}
      {items.length ? <ItemList items={items} /> : <p className="text-sm text-slate-500">{t("folders.noLocalChanges")}</p>}
    </Card>
  );
}

/** Send-only: what the other devices have that differs from ours, with Override Changes behind a confirmation. */
export function OutOfSync({ folder }: { folder: FolderStatus }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const items = useQuery(trpc.folders.outOfSync.queryOptions({ id: folder.id }));
  useRefreshOn((e) => "folderId" in e.data && (e.data as { folderId: string }).folderId === folder.id, [trpc.folders.outOfSync.queryKey({ id: folder.id })]);
  const override = useMutation(
    trpc.folders.override.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.folders.outOfSync.queryKey({ id: folder.id }) });
        void queryClient.invalidateQueries({ queryKey: trpc.folders.list.queryKey() });
      },
    }),
  );
  const list = items.data ?? [];
  return (
    <Card
      id="out-of-sync"
      title={t("folders.outOfSyncTitle", { count: formatCount(list.length, lang) })}
      actions={
        list.length > 0 && (
          <ConfirmButton
            label={t("folders.override")}
            className={buttonPrimary}
            question={t("folders.overrideConfirm", { count: formatCount(list.length, lang) })}
            confirmLabel={t("folders.overrideYes")}
            pending={override.isPending}
            onConfirm={() => override.mutate({ id: folder.id })}
          />
        )
      }
    >
      {items.error && <Notice tone="error">{errorMessage(items.error)}</Notice>}
      {override.error && <Notice tone="error">{errorMessage(override.error)}</Notice>}
      {override.data && (
        <div className="mb-3">
          <Notice tone="success">{t("folders.overridden", { count: override.data.items.length })}</Notice>
        </div>
      )}
      {list.length ? <ItemList items={list} /> : <p className="text-sm text-slate-500">{t("folders.noOutOfSync")}</p>}
    </Card>
  );
}
