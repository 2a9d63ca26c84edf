import type { MessageKey, MessageValues } from "@/components/i18n/catalog";

type Translate = (key: MessageKey, values?: MessageValues) => string;

/**
 * The engine explains a bad device ID in English; the console says the same in the user's
 * language for the reasons it knows, and shows the engine's text for any other.
 */
export function describeIdProblem(reason: string, t: Translate): string {
  let m = /check character (\d) \(display group (\d)\) is "(.)", expected "(.)"/.exec(reason);
  if (m) return t("devices.idBadCheck", { group: m[2], found: m[3], expected: m[4] });
  m = /must have 56 characters \(52 without check characters\), got (\d+)/.exec(reason);
  if (m) return t("devices.idLength", { count: m[1] });
  m = /invalid (?:base32 )?character "(.)"/.exec(reason);
  if (m) return t("devices.idBadChar", { char: m[1] });
  return reason;
}
