"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { PageTitle } from "@/components/shell/page-title";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { input } from "@/components/ui/styles";
import { ChangesList } from "./changes-list";

export function ChangesScreen() {
  const t = useT();
  const trpc = useTRPC();
  const folders = useQuery(trpc.folders.list.queryOptions());
  const [folderId, setFolderId] = useState("");
  const labels = new Map((folders.data ?? []).map((f) => [f.id, f.label || f.id]));
  return (
    <div className="space-y-5">
      <PageTitle title="changes.title" />
      <Card
        id="recent-changes"
        title={t("changes.subtitle")}
        actions={
          <select className={`${input} w-56`} aria-label={t("changes.folder")} value={folderId} onChange={(e) => setFolderId(e.target.value)}>
            <option value="">{t("changes.allFolders")}</option>
            {(folders.data ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.label || f.id}
              </option>
            ))}
          </select>
        }
      >
        <ChangesList folderId={folderId || undefined} limit={200} folderLabels={labels} showFolder={!folderId} />
      </Card>
    </div>
  );
}
