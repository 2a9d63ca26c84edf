"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type ReactNode } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, buttonSecondary, input } from "@/components/ui/styles";
import { IgnoreEditor } from "./ignore-editor";
import { FolderTypeSelect, type FolderType } from "./folder-type-select";

function Labeled({ id, label, help, children }: { id: string; label: string; help?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <div className="mt-1">{children}</div>
      {help && <p className="mt-1 text-xs text-slate-500">{help}</p>}
    </div>
  );
}

/** Add a folder: where it lives, how it syncs, with whom, and what it ignores (previewed on the files already there). */
export function AddFolderForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = useId();
  const devices = useQuery(trpc.devices.list.queryOptions());
  const [id, setId] = useState("");
  const [label, setLabel] = useState("");
  const [path, setPath] = useState("");
  const [type, setType] = useState<FolderType>("sendreceive");
  const [shareWith, setShareWith] = useState<string[]>([]);
  const [rescanS, setRescanS] = useState(3600);
  const [watcher, setWatcher] = useState(true);
  const [ignores, setIgnores] = useState("");
  const saveIgnores = useMutation(trpc.console.saveIgnores.mutationOptions());
  const add = useMutation(trpc.folders.add.mutationOptions());
  const [error, setError] = useState<unknown>(null);
  const busy = add.isPending || saveIgnores.isPending;

  async function submit() {
    setError(null);
    try {
      // The patterns go to disk first, so the folder's very first scan already skips those files.
      if (ignores.trim()) await saveIgnores.mutateAsync({ path: path.trim(), patterns: ignores });
      await add.mutateAsync({ id: id.trim(), label: label.trim() || undefined, path: path.trim(), type, devices: shareWith, rescanIntervalS: rescanS, fsWatcherEnabled: watcher });
      void queryClient.invalidateQueries({ queryKey: trpc.folders.list.queryKey() });
      onDone();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form
      aria-label={t("folders.add")}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="grid gap-4 sm:grid-cols-3">
        <Labeled id={`${ids}-id`} label={t("folders.id")} help={t("folders.idHelp")}>
          <input id={`${ids}-id`} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" className={`${input} font-mono`} value={id} onChange={(e) => setId(e.target.value)} />
        </Labeled>
        <Labeled id={`${ids}-label`} label={t("folders.label")}>
          <input id={`${ids}-label`} className={input} value={label} maxLength={128} onChange={(e) => setLabel(e.target.value)} />
        </Labeled>
        <Labeled id={`${ids}-type`} label={t("folders.type")}>
          <FolderTypeSelect id={`${ids}-type`} value={type} onChange={setType} />
        </Labeled>
      </div>
      <Labeled id={`${ids}-path`} label={t("folders.path")} help={t("folders.pathHelp")}>
        <input id={`${ids}-path`} required className={`${input} font-mono`} placeholder="/srv/sync/documents" value={path} onChange={(e) => setPath(e.target.value)} />
      </Labeled>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">{t("folders.shareWith")}</legend>
        {devices.data?.length ? (
          <div className="mt-1 flex flex-wrap gap-x-5 gap-y-1">
            {devices.data.map((d) => (
              <label key={d.deviceId} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  className="h-4 w-4 accent-teal-700"
                  checked={shareWith.includes(d.deviceId)}
                  onChange={(e) => setShareWith((cur) => (e.target.checked ? [...cur, d.deviceId] : cur.filter((x) => x !== d.deviceId)))}
                />
                {d.name || d.deviceId.slice(0, 7)}
              </label>
            ))}
          </div>
        ) : (
          <p className="mt-1 text-sm text-slate-500">{t("folders.noDevicesToShare")}</p>
        )}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3">
        <Labeled id={`${ids}-rescan`} label={t("folders.rescanInterval")} help={t("folders.rescanIntervalHelp")}>
          <input id={`${ids}-rescan`} type="number" min={0} max={604800} className={input} value={rescanS} onChange={(e) => setRescanS(Math.max(0, Number(e.target.value) || 0))} />
        </Labeled>
        <label className="flex items-center gap-2 self-center text-sm text-slate-700">
          <input type="checkbox" className="h-4 w-4 accent-teal-700" checked={watcher} onChange={(e) => setWatcher(e.target.checked)} />
          {t("folders.watcher")}
        </label>
      </div>
      <IgnoreEditor value={ignores} onChange={setIgnores} path={path.trim().startsWith("/") ? path.trim() : undefined} />
      {error != null && <Notice tone="error">{errorMessage(error)}</Notice>}
      <div className="flex gap-2">
        <button type="submit" className={buttonPrimary} disabled={busy}>
          {busy ? t("common.saving") : t("folders.addSubmit")}
        </button>
        <button type="button" className={buttonSecondary} onClick={onDone}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
