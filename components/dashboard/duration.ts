/** "2 d 3 h", "5 min 12 s" in the given language, using the two largest units. */
export function formatDuration(totalSeconds: number, lang: string): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const parts: [Intl.NumberFormatOptions["unit"], number][] = [
    ["day", Math.floor(s / 86400)],
    ["hour", Math.floor((s % 86400) / 3600)],
    ["minute", Math.floor((s % 3600) / 60)],
    ["second", s % 60],
  ];
  const first = parts.findIndex(([, n]) => n > 0);
  const shown = first < 0 ? [parts[3]] : parts.slice(first, first + 2);
  return shown.map(([unit, n]) => new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "short" }).format(n)).join(" ");
}
