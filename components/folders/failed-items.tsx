"use client";

import { RelativeTime } from "@/components/events/relative-time";
import { useT } from "@/components/i18n/i18n-provider";
import type { FolderStatus } from "@/components/trpc/outputs";
import { Card } from "@/components/ui/card";

/** Items the last pull could not apply, each with the engine's reason (permission denied, disk full…). */
export function FailedItems({ folder }: { folder: FolderStatus }) {
  const t = useT();
  if (!folder.failedItems.length) return null;
  return (
    <Card id="failed-items" title={t("folders.failedTitle", { count: folder.failedItems.length })}>
      <ul className="-my-2 divide-y divide-slate-100 text-sm">
        {folder.failedItems.map((f) => (
          <li key={f.name} data-testid="failed-item" className="grid grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)_auto] gap-3 py-2">
            <span className="truncate font-mono text-xs text-slate-800" title={f.name}>
              {f.name}
            </span>
            <span className="text-red-700">{f.reason}</span>
            <span className="whitespace-nowrap text-xs text-slate-500">
              <RelativeTime time={f.at} />
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
