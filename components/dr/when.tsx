"use client";

import { formatDuration } from "@/components/dashboard/duration";
import { formatRelative, useNow } from "@/components/events/relative-time";
import { useI18n } from "@/components/i18n/i18n-provider";

/** A moment as "in 3 hours" / "5 min ago", with the exact local time on hover. */
export function When({ at, testId }: { at: number | null | undefined; testId?: string }) {
  const { lang, t } = useI18n();
  const now = useNow(10_000);
  if (!at) return <span data-testid={testId}>{t("dr.never")}</span>;
  return (
    <time suppressHydrationWarning dateTime={new Date(at).toISOString()} title={new Date(at).toLocaleString(lang)} data-testid={testId}>
      {formatRelative(at, now, lang)}
    </time>
  );
}

/** A duration in ms as "1 min 5 s"; under a second as "0.4 s". */
export function Took({ ms }: { ms: number | null | undefined }) {
  const { lang } = useI18n();
  if (ms === null || ms === undefined) return <span>—</span>;
  if (ms < 1000) return <span>{new Intl.NumberFormat(lang, { style: "unit", unit: "second", unitDisplay: "short", maximumFractionDigits: 1 }).format(ms / 1000)}</span>;
  return <span>{formatDuration(ms / 1000, lang)}</span>;
}
