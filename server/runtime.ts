import type { AuthService } from "./auth/service";
import type { Db } from "./db/connection";
import type { SettingsStore } from "./db/settings";
import type { EventBus } from "./events/bus";
import type { Identity } from "./sync/identity";
import type { SyncEngine } from "./sync/engine";
import type { DrService } from "./dr/service";

/** Where this node listens, after flags, environment and stored settings are resolved. */
export interface NodeAddresses {
  gui: string; // host:port the console is actually served on
  listen: string[]; // sync listeners, tcp://host:port
  discovery: boolean;
}

/**
 * Everything a node is, created once by server/main.ts (or by a test) and shared by the API and the
 * engine. Next-side code only reads it through getRuntime(); it never constructs anything.
 */
export interface Runtime {
  home: string;
  version: string;
  startedAt: number;
  db: Db;
  events: EventBus;
  auth: AuthService;
  settings: SettingsStore;
  identity: Identity;
  addresses: NodeAddresses;
  sync: SyncEngine;
  dr: DrService;
}

const SLOT = Symbol.for("ferry.runtime");
type Slot = { [SLOT]?: Runtime };

export function setRuntime(rt: Runtime | undefined): void {
  (globalThis as Slot)[SLOT] = rt;
}

export function getRuntime(): Runtime {
  const rt = (globalThis as Slot)[SLOT];
  if (!rt) throw new Error("Ferry runtime is not initialised (server/main.ts creates it before Next starts)");
  return rt;
}
