import type { EventMap, EventType, FerryEvent } from "@/server/events/types";
import type { MessageKey } from "@/components/i18n/catalog";
import type { MessageValues } from "@/components/i18n/catalog";

type Translate = (key: MessageKey, values?: MessageValues) => string;
type Describe<T extends EventType> = (data: EventMap[T], t: Translate) => string;

const SETTING_NAMES: Record<string, MessageKey> = {
  deviceName: "settingKey.deviceName",
  guiAddress: "settingKey.guiAddress",
  listenAddresses: "settingKey.listenAddresses",
  localDiscovery: "settingKey.localDiscovery",
};

const address = (a: string | null, t: Translate) => a ?? t("event.unknownAddress");

/**
 * One sentence per event type. A new event type in EventMap shows up generically until a line is
 * added here (and its strings in the catalogs).
 */
const describers: { [T in EventType]?: Describe<T> } = {
  "node.started": (d, t) => t("event.node.started", { version: d.version }),
  "node.stopping": (d, t) => t("event.node.stopping", { reason: d.reason }),
  "user.login": (d, t) => t("event.user.login", { username: d.username, address: address(d.remoteAddress, t) }),
  "user.loginFailed": (d, t) => t("event.user.loginFailed", { username: d.username, address: address(d.remoteAddress, t) }),
  "user.logout": (d, t) => t("event.user.logout", { username: d.username }),
  "user.passwordChanged": (d, t) => t("event.user.passwordChanged", { username: d.username }),
  "settings.changed": (d, t) =>
    t("event.settings.changed", { by: d.by, keys: d.keys.map((k) => (SETTING_NAMES[k] ? t(SETTING_NAMES[k]) : k)).join(", ") }),
  "apikey.regenerated": (d, t) => t("event.apikey.regenerated", { by: d.by }),
};

export function describeEvent(event: FerryEvent, t: Translate): string {
  const describe = describers[event.type] as Describe<EventType> | undefined;
  return describe ? describe(event.data, t) : t("event.unknown", { type: event.type });
}

/** Severity for the feed's marker colour. */
export function eventTone(event: FerryEvent): "neutral" | "good" | "warn" {
  if (event.type === "user.loginFailed" || event.type === "node.stopping") return "warn";
  if (event.type === "node.started" || event.type === "user.login") return "good";
  return "neutral";
}
