const UNITS: Record<string, string[]> = {
  en: ["B", "kB", "MB", "GB", "TB", "PB"],
  ru: ["Б", "кБ", "МБ", "ГБ", "ТБ", "ПБ"],
};

/** "1.4 MB", "312 kB", "0 B" in the given language (decimal units, like Syncthing's GUI). */
export function formatBytes(bytes: number, lang: string): string {
  const units = UNITS[lang] ?? UNITS.en;
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: value < 10 && i > 0 ? 1 : 0 }).format(value);
  return `${number} ${units[i]}`;
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
