"use client";

import { useT } from "@/components/i18n/i18n-provider";
import { input } from "@/components/ui/styles";

export type FolderType = "sendreceive" | "sendonly" | "receiveonly";
export const FOLDER_TYPES: FolderType[] = ["sendreceive", "sendonly", "receiveonly"];

export function FolderTypeSelect({ id, value, onChange }: { id?: string; value: FolderType; onChange: (v: FolderType) => void }) {
  const t = useT();
  return (
    <select id={id} className={input} value={value} onChange={(e) => onChange(e.target.value as FolderType)}>
      {FOLDER_TYPES.map((ft) => (
        <option key={ft} value={ft}>
          {t(`folders.type.${ft}`)}
        </option>
      ))}
    </select>
  );
}
