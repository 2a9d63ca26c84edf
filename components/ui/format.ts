/** "1.4 MB", "312 kB", "0 B" in the given language (decimal units, like Syncthing's GUI). */
export function formatBytes(bytes: number, lang: string): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte", "petabyte"] as const;
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return new Intl.NumberFormat(lang, { style: "unit", unit: units[i], unitDisplay: "short", maximumFractionDigits: value < 10 && i > 0 ? 1 : 0 }).format(value);
}

/** "1.2 MB/s". */
export function formatRate(bytesPerSecond: number, lang: string): string {
  return `${formatBytes(bytesPerSecond, lang)}/s`;
}

export function formatCount(n: number, lang: string): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** The first group of a device ID, the short form Syncthing shows in lists. */
export function shortDeviceId(deviceId: string): string {
  return deviceId.slice(0, 7);
}
