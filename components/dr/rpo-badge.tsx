"use client";

import { formatDuration } from "@/components/dashboard/duration";
import { useNow } from "@/components/events/relative-time";
import { useI18n } from "@/components/i18n/i18n-provider";
import { Pill } from "@/components/ui/pill";
import { rpoTone } from "./rpo-tone";

/**
 * "RPO 2 h / 4 h" coloured against the target (green, amber up to 2×, red beyond or no copy). The
 * age grows with the clock, not with events, so it is computed here each second from the time of
 * the newest copy rather than polled from the node.
 */
export function RpoBadge({ newestCopyAt, targetMs, testId }: { newestCopyAt: number | null; targetMs: number | null; testId?: string }) {
  const { lang, t } = useI18n();
  const now = useNow(1000);
  const ageMs = newestCopyAt === null ? null : Math.max(0, now - newestCopyAt);
  const tone = rpoTone(ageMs, targetMs);
  const age = ageMs === null ? t("dr.rpo.noCopy") : formatDuration(ageMs / 1000, lang);
  return (
    <span data-tone={tone} data-testid={testId} title={t(`dr.rpo.tone.${tone}`)}>
      <Pill tone={tone}>{targetMs === null ? age : t("dr.rpo.against", { age, target: formatDuration(targetMs / 1000, lang) })}</Pill>
    </span>
  );
}
