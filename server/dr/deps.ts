import type { Db } from "../db/connection";
import type { SettingsStore } from "../db/settings";
import type { EventBus } from "../events/bus";
import type { SyncEngine } from "../sync/engine";

/** What the DR executor needs from the node; a test can build it without a web server. */
export interface DrDeps {
  db: Db;
  events: EventBus;
  settings: SettingsStore;
  sync: SyncEngine | null;
  deviceId: string;
  home: string;
}
