"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary } from "@/components/ui/styles";
import { IgnoreEditor } from "./ignore-editor";

export function FolderIgnores({ folderId }: { folderId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const saved = useQuery(trpc.console.ignores.queryOptions({ id: folderId }));
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    if (saved.data && text === null) setText(saved.data.patterns);
  }, [saved.data, text]);
  const save = useMutation(trpc.console.saveIgnores.mutationOptions({ onSuccess: () => saved.refetch() }));
  const value = text ?? "";
  const dirty = saved.data !== undefined && value !== saved.data.patterns;
  return (
    <Card
      id="ignores"
      title={t("folders.ignorePatterns")}
      actions={
        <button type="button" className={buttonPrimary} disabled={!dirty || save.isPending} onClick={() => save.mutate({ id: folderId, patterns: value })}>
          {save.isPending ? t("common.saving") : t("folders.ignoreSave")}
        </button>
      }
    >
      <IgnoreEditor value={value} onChange={setText} folderId={folderId} />
      <div className="mt-3 space-y-2">
        {save.error && <Notice tone="error">{errorMessage(save.error)}</Notice>}
        {save.isSuccess && !dirty && <Notice tone="success">{t("folders.ignoreSaved")}</Notice>}
      </div>
    </Card>
  );
}
