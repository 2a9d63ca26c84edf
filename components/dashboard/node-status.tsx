"use client";

import type { ReactNode } from "react";
import { useI18n } from "@/components/i18n/i18n-provider";
import { useNow } from "@/components/events/relative-time";
import { Card } from "@/components/ui/card";
import { formatDuration } from "./duration";

export interface NodeStatusData {
  deviceName: string;
  version: string;
  startedAt: number;
  addresses: { gui: string; listen: string[]; discovery: boolean };
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[minmax(0,11rem)_1fr] gap-3 py-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

export function NodeStatus({ status }: { status: NodeStatusData }) {
  const { t, lang } = useI18n();
  const now = useNow(1000);
  return (
    <Card id="node-status" title={t("dashboard.status")}>
      <dl className="divide-y divide-slate-100">
        <Row label={t("dashboard.name")}>{status.deviceName}</Row>
        <Row label={t("dashboard.version")}>
          <span className="font-mono">{status.version}</span>
        </Row>
        <Row label={t("dashboard.uptime")}>
          <span suppressHydrationWarning title={t("dashboard.startedAt", { time: new Date(status.startedAt).toLocaleString(lang) })}>
            {formatDuration((now - status.startedAt) / 1000, lang)}
          </span>
        </Row>
        <Row label={t("dashboard.console")}>
          <span className="font-mono">{status.addresses.gui}</span>
        </Row>
        <Row label={t("dashboard.sync")}>
          <ul className="space-y-0.5 font-mono">
            {status.addresses.listen.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </Row>
        <Row label={t("dashboard.discovery")}>{status.addresses.discovery ? t("common.on") : t("common.off")}</Row>
      </dl>
    </Card>
  );
}
