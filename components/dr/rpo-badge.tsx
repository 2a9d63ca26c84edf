"use client";

import { formatDuration } from "@/components/dashboard/duration";
import { useI18n } from "@/components/i18n/i18n-provider";
import { Pill } from "@/components/ui/pill";
import { rpoTone } from "./rpo-tone";

/** "RPO 2 h / 4 h" coloured against the target (green, amber up to 2×, red beyond or no copy). */
export function RpoBadge({ ageMs, targetMs, testId }: { ageMs: number | null; targetMs: number | null; testId?: string }) {
  const { lang, t } = useI18n();
  const tone = rpoTone(ageMs, targetMs);
  const age = ageMs === null ? t("dr.rpo.noCopy") : formatDuration(ageMs / 1000, lang);
  return (
    <span data-tone={tone} data-testid={testId} title={t(`dr.rpo.tone.${tone}`)}>
      <Pill tone={tone}>{targetMs === null ? age : t("dr.rpo.against", { age, target: formatDuration(targetMs / 1000, lang) })}</Pill>
    </span>
  );
}
