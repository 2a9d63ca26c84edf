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
const short = (deviceId: string) => deviceId.slice(0, 7);

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
  "device.connected": (d, t) => t("event.device.connected", { device: short(d.deviceId), address: d.address, client: `${d.clientName} ${d.clientVersion}` }),
  "device.disconnected": (d, t) => t("event.device.disconnected", { device: short(d.deviceId), reason: d.reason }),
  "device.pending": (d, t) => t("event.device.pending", { device: short(d.deviceId), name: d.name || "?", address: d.address }),
  "device.added": (d, t) => t("event.device.added", { device: d.name || short(d.deviceId), by: d.by }),
  "device.removed": (d, t) => t("event.device.removed", { device: short(d.deviceId), by: d.by }),
  "device.changed": (d, t) => t("event.device.changed", { device: short(d.deviceId), by: d.by }),
  "device.paused": (d, t) => t("event.device.paused", { device: short(d.deviceId), by: d.by }),
  "device.resumed": (d, t) => t("event.device.resumed", { device: short(d.deviceId), by: d.by }),
  "folder.pending": (d, t) => t("event.folder.pending", { folder: d.label || d.folderId, device: short(d.deviceId) }),
  "folder.added": (d, t) => t("event.folder.added", { folder: d.label || d.folderId, path: d.path, by: d.by }),
  "folder.changed": (d, t) => t("event.folder.changed", { folder: d.folderId, by: d.by }),
  "folder.removed": (d, t) => t("event.folder.removed", { folder: d.folderId, by: d.by }),
  "folder.state": (d, t) => (d.error ? t("event.folder.error", { folder: d.folderId, error: d.error }) : t("event.folder.state", { folder: d.folderId, state: d.state })),
  "folder.paused": (d, t) => t("event.folder.paused", { folder: d.folderId, by: d.by }),
  "folder.resumed": (d, t) => t("event.folder.resumed", { folder: d.folderId, by: d.by }),
  "folder.typeChanged": (d, t) => t("event.folder.typeChanged", { folder: d.folderId, from: d.from, to: d.to, by: d.by }),
  "folder.reverted": (d, t) => t("event.folder.reverted", { folder: d.folderId, count: d.reverted + d.deleted, by: d.by }),
  "folder.overridden": (d, t) => t("event.folder.overridden", { folder: d.folderId, count: d.items, by: d.by }),
  "local.changed": (d, t) => t("event.local.changed", { folder: d.folderId, count: d.items.length, first: d.items[0]?.name ?? "" }),
  "item.finished": (d, t) =>
    d.error ? t("event.item.failed", { folder: d.folderId, name: d.name, error: d.error }) : t("event.item.finished", { folder: d.folderId, name: d.name, device: d.device }),
  "conflict.created": (d, t) => t("event.conflict.created", { folder: d.folderId, name: d.name }),
  "conflict.resolved": (d, t) => t("event.conflict.resolved", { folder: d.folderId, name: d.name, choice: d.choice, by: d.by }),
  "version.restored": (d, t) => t("event.version.restored", { folder: d.folderId, path: d.path, by: d.by }),
  "versioning.changed": (d, t) => t("event.versioning.changed", { folder: d.folderId, type: d.type, by: d.by }),
};

export function describeEvent(event: FerryEvent, t: Translate): string {
  const describe = describers[event.type] as Describe<EventType> | undefined;
  return describe ? describe(event.data, t) : t("event.unknown", { type: event.type });
}

/** Severity for the feed's marker colour. */
export function eventTone(event: FerryEvent): "neutral" | "good" | "warn" {
  if (event.type === "user.loginFailed" || event.type === "node.stopping" || event.type === "conflict.created" || event.type === "device.pending" || event.type === "folder.pending") return "warn";
  if (event.type === "folder.state" && (event as FerryEvent<"folder.state">).data.error) return "warn";
  if (event.type === "item.finished" && (event as FerryEvent<"item.finished">).data.error) return "warn";
  if (event.type === "node.started" || event.type === "user.login" || event.type === "device.connected" || event.type === "conflict.resolved") return "good";
  return "neutral";
}
