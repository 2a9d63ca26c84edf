"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useI18n } from "@/components/i18n/i18n-provider";
import { useRefreshOn } from "@/components/live/use-refresh-on";
import { errorMessage } from "@/components/trpc/errors";
import type { Outputs } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { formatBytes } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { input } from "@/components/ui/styles";

type VersionedFile = Outputs["versions"]["list"]["files"][number];

/** Versioned files grouped by directory, the way they sit in the folder. */
function byDirectory(files: VersionedFile[]): [string, VersionedFile[]][] {
  const dirs = new Map<string, VersionedFile[]>();
  for (const f of files) {
    const slash = f.path.lastIndexOf("/");
    const dir = slash < 0 ? "" : f.path.slice(0, slash);
    dirs.set(dir, [...(dirs.get(dir) ?? []), f]);
  }
  return [...dirs.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function FileVersions({ folderId, file, canRestore }: { folderId: string; file: VersionedFile; canRestore: boolean }) {
  const { t, lang } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const restore = useMutation(trpc.versions.restore.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.versions.list.queryKey() }) }));
  const name = file.path.slice(file.path.lastIndexOf("/") + 1);
  return (
    <li data-testid="versioned-file">
      <button type="button" className="flex w-full items-center gap-2 py-1.5 text-left text-sm hover:bg-slate-50" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        <span aria-hidden="true" className="w-3 text-slate-400">
          {open ? "▾" : "▸"}
        </span>
        <span className="min-w-0 flex-1 truncate font-mono text-xs text-slate-800">{name}</span>
        <span className="text-xs text-slate-500">{t("versions.count", { count: file.versions.length })}</span>
      </button>
      {open && (
        <ul className="mb-2 ml-5 divide-y divide-slate-100 rounded-md border border-slate-200">
          {file.versions.map((v) => (
            <li key={v.version} className="flex flex-wrap items-center gap-3 px-3 py-1.5 text-xs">
              <span className="w-44 text-slate-700">{t("versions.archived", { time: new Date(v.versionTime).toLocaleString(lang) })}</span>
              <span className="w-44 text-slate-500">{t("versions.modified", { time: new Date(v.modTime).toLocaleString(lang) })}</span>
              <span className="w-20 text-right tabular-nums text-slate-600">{formatBytes(v.size, lang)}</span>
              <span className="ml-auto">
                {canRestore && (
                  <ConfirmButton
                    label={t("versions.restore")}
                    question={t("versions.restoreConfirm", { path: file.path })}
                    confirmLabel={t("versions.restoreYes")}
                    danger={false}
                    pending={restore.isPending}
                    onConfirm={() => restore.mutate({ folderId, path: file.path, version: v.version })}
                  />
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {restore.error && <Notice tone="error">{errorMessage(restore.error)}</Notice>}
      {restore.isSuccess && <Notice tone="success">{t("versions.restored", { path: file.path })}</Notice>}
    </li>
  );
}

/** The folder's .stversions as a tree: each file's versions, newest first, each restorable. */
export function VersionsBrowser({ folderId, receiveOnly }: { folderId: string; receiveOnly: boolean }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [filter, setFilter] = useState("");
  const list = useQuery(trpc.versions.list.queryOptions({ folderId }));
  useRefreshOn((e) => e.type.startsWith("version") && (e.data as { folderId?: string }).folderId === folderId, [trpc.versions.list.queryKey({ folderId })]);
  const files = list.data?.files ?? [];
  const needle = filter.trim().toLowerCase();
  const groups = useMemo(() => byDirectory(needle ? files.filter((f) => f.path.toLowerCase().includes(needle)) : files), [files, needle]);
  const versioning = list.data?.versioning.type ?? "none";
  return (
    <Card
      id="versions"
      title={t("versions.title")}
      actions={<span className="text-xs text-slate-500">{t("versions.mode", { type: versioning })}</span>}
    >
      {list.error && <Notice tone="error">{errorMessage(list.error)}</Notice>}
      {receiveOnly && files.length > 0 && <p className="mb-2 text-xs text-slate-500">{t("versions.receiveOnly")}</p>}
      {files.length === 0 ? (
        <p className="text-sm text-slate-500">{versioning === "none" ? t("versions.off") : t("versions.none")}</p>
      ) : (
        <>
          <input className={`${input} mb-3`} placeholder={t("versions.filter")} aria-label={t("versions.filter")} value={filter} onChange={(e) => setFilter(e.target.value)} />
          <ul className="space-y-2">
            {groups.map(([dir, dirFiles]) => (
              <li key={dir}>
                <div className="font-mono text-xs font-semibold text-slate-600">{dir ? `${dir}/` : "/"}</div>
                <ul className="ml-2">
                  {dirFiles.map((f) => (
                    <FileVersions key={f.path} folderId={folderId} file={f} canRestore={!receiveOnly} />
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
