import type { PillTone } from "@/components/ui/pill";

/**
 * The console's RPO colours, as the issue asks: green up to the target, amber up to twice it, red
 * beyond (and red when there is no copy at all). Without a target there is nothing to judge.
 */
export function rpoTone(ageMs: number | null, targetMs: number | null): PillTone {
  if (targetMs === null) return "muted";
  if (ageMs === null || ageMs > 2 * targetMs) return "bad";
  return ageMs > targetMs ? "warn" : "good";
}
