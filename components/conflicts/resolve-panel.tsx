"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import type { Outputs } from "@/components/trpc/outputs";
import { useTRPC } from "@/components/trpc/trpc";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Notice } from "@/components/ui/notice";
import { buttonSecondary, input } from "@/components/ui/styles";

type Conflict = Outputs["conflicts"]["show"];

/** "report (conflict copy).txt" → "report (2).txt": a name that is clearly not a conflict copy. */
function suggestName(name: string): string {
  const slash = name.lastIndexOf("/");
  const dot = name.lastIndexOf(".");
  const cut = dot > slash + 1 ? dot : name.length;
  return `${name.slice(0, cut)} (2)${name.slice(cut)}`;
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The engine's four resolutions, each saying what it does to the files before it does it. */
export function ResolvePanel({ conflict, onResolved }: { conflict: Conflict; onResolved: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [newName, setNewName] = useState(() => suggestName(conflict.name));
  const [merging, setMerging] = useState(false);
  const [merged, setMerged] = useState(conflict.preview.current.text ?? "");
  const resolve = useMutation(
    trpc.conflicts.resolve.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.conflicts.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.console.openConflicts.queryKey() });
        onResolved();
      },
    }),
  );
  const id = conflict.id;
  const isText = conflict.preview.current.kind === "text" || conflict.preview.conflict.kind === "text";
  return (
    <section aria-labelledby="resolve-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id="resolve-title" className="border-b border-slate-200 px-4 py-3 text-sm font-semibold text-slate-800">
        {t("conflicts.resolve")}
      </h2>
      <div className="space-y-3 px-4 py-4">
        <div className="grid gap-3 md:grid-cols-2">
          <div className="space-y-1">
            <ConfirmButton
              label={t("conflicts.keepCurrent")}
              question={t("conflicts.keepCurrentConfirm", { copy: conflict.conflictName })}
              confirmLabel={t("conflicts.keepCurrentYes")}
              danger={false}
              pending={resolve.isPending}
              onConfirm={() => resolve.mutate({ id, choice: "keepCurrent" })}
            />
            <p className="text-xs text-slate-500">{t("conflicts.keepCurrentHelp")}</p>
          </div>
          <div className="space-y-1">
            <ConfirmButton
              label={t("conflicts.keepConflict")}
              question={t("conflicts.keepConflictConfirm", { name: conflict.name })}
              confirmLabel={t("conflicts.keepConflictYes")}
              danger={false}
              pending={resolve.isPending}
              onConfirm={() => resolve.mutate({ id, choice: "keepConflict" })}
            />
            <p className="text-xs text-slate-500">{t("conflicts.keepConflictHelp")}</p>
          </div>
          <div className="space-y-1">
            <div className="flex flex-wrap items-center gap-2">
              <label className="sr-only" htmlFor="keep-both-name">
                {t("conflicts.newName")}
              </label>
              <input id="keep-both-name" className={`${input} w-64 font-mono text-xs`} value={newName} onChange={(e) => setNewName(e.target.value)} />
              <ConfirmButton
                label={t("conflicts.keepBoth")}
                question={t("conflicts.keepBothConfirm", { copy: conflict.conflictName, name: newName })}
                confirmLabel={t("conflicts.keepBothYes")}
                danger={false}
                pending={resolve.isPending}
                onConfirm={() => resolve.mutate({ id, choice: "keepBoth", newName: newName.trim() })}
              />
            </div>
            <p className="text-xs text-slate-500">{t("conflicts.keepBothHelp")}</p>
          </div>
          <div className="space-y-1">
            <button type="button" className={buttonSecondary} disabled={!isText} onClick={() => setMerging((v) => !v)} aria-expanded={merging}>
              {t("conflicts.useContent")}
            </button>
            <p className="text-xs text-slate-500">{isText ? t("conflicts.useContentHelp") : t("conflicts.useContentTextOnly")}</p>
          </div>
        </div>
        {merging && (
          <div className="space-y-2">
            <label htmlFor="merged" className="block text-sm font-medium text-slate-700">
              {t("conflicts.mergedContent")}
            </label>
            <textarea id="merged" rows={12} spellCheck={false} className={`${input} font-mono text-xs`} value={merged} onChange={(e) => setMerged(e.target.value)} />
            <ConfirmButton
              label={t("conflicts.saveMerged")}
              question={t("conflicts.useContentConfirm", { name: conflict.name, copy: conflict.conflictName })}
              confirmLabel={t("conflicts.useContentYes")}
              danger={false}
              pending={resolve.isPending}
              onConfirm={() => resolve.mutate({ id, choice: "useContent", contentBase64: toBase64(merged) })}
            />
          </div>
        )}
        {resolve.error && <Notice tone="error">{errorMessage(resolve.error)}</Notice>}
      </div>
    </section>
  );
}
