/**
 * Every event the node emits, by type. Later features add their entries here; the bus, the
 * subscription and the console are typed from this map, so a typo in a type name does not compile.
 */
export interface EventMap {
  "node.started": { deviceId: string; version: string; gui: string };
  "node.stopping": { reason: string };
  "user.login": { username: string; remoteAddress: string | null; via: "password" };
  "user.loginFailed": { username: string; remoteAddress: string | null };
  "user.logout": { username: string };
  "user.passwordChanged": { username: string };
  "settings.changed": { keys: string[]; by: string };
  "apikey.regenerated": { by: string };
}

export type EventType = keyof EventMap;

export interface FerryEvent<T extends EventType = EventType> {
  id: number;
  type: T;
  time: number; // ms since epoch
  data: EventMap[T];
}

/** Events that are too frequent to keep (progress ticks); they get ids but are not written to the log. */
export const ephemeralEventTypes: ReadonlySet<EventType> = new Set<EventType>([]);
