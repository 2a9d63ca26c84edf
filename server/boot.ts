import fs from "node:fs";
import path from "node:path";
import { AuthService } from "./auth/service";
import { openDb, type DbHandle } from "./db/connection";
import { SettingsStore } from "./db/settings";
import { EventBus } from "./events/bus";
import type { NodeOptions } from "./flags";
import type { Runtime } from "./runtime";
import { loadOrCreateIdentity } from "./sync/identity";
import { SyncEngine } from "./sync/engine";
import { DrService } from "./dr/service";

export const VERSION: string = JSON.parse(
  fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).version;

export interface BootedNode {
  rt: Runtime;
  dbHandle: DbHandle;
  /** The generated admin password on first start, to be printed once; null otherwise. */
  generatedPassword: string | null;
  createdIdentity: boolean;
}

/**
 * Builds a node's Runtime from its home directory: database and migrations, identity, settings,
 * event bus and authentication. No sockets are opened here; main.ts (or a test) does that.
 */
export async function bootNode(options: NodeOptions): Promise<BootedNode> {
  fs.mkdirSync(options.home, { recursive: true, mode: 0o700 });
  const dbHandle = openDb(path.join(options.home, "ferry.db"));
  try {
    const { db } = dbHandle;
    const settings = new SettingsStore(db);
    const knownId = settings.getRaw("deviceId") as string | undefined;
    const { identity, created } = loadOrCreateIdentity(options.home, knownId === undefined);
    if (knownId !== undefined && knownId !== identity.deviceId)
      throw new Error(
        `${path.join(options.home, "cert.pem")}: belongs to device ${identity.deviceId}, but this database was created by ${knownId}. Restore the original cert.pem and key.pem.`,
      );
    if (knownId === undefined) settings.setRaw("deviceId", identity.deviceId);
    const events = new EventBus(db);
    const auth = new AuthService(db, events, options.home);
    const generatedPassword = await auth.ensureAdmin(options.adminPassword);
    const stored = settings.get();
    const addresses = {
      gui: options.gui ?? stored.guiAddress,
      listen: options.listen ?? stored.listenAddresses,
      discovery: options.discovery ?? stored.localDiscovery,
    };
    const sync = new SyncEngine({
      db,
      events,
      identity,
      listen: addresses.listen,
      discovery: addresses.discovery,
      deviceName: () => settings.get().deviceName,
      version: VERSION,
    });
    const dr = new DrService({ db, events, settings, sync, deviceId: identity.deviceId, home: options.home });
    const rt: Runtime = {
      home: options.home,
      version: VERSION,
      startedAt: Date.now(),
      db,
      events,
      auth,
      settings,
      identity,
      addresses,
      sync,
      dr,
    };
    return { rt, dbHandle, generatedPassword, createdIdentity: created };
  } catch (err) {
    dbHandle.close();
    throw err;
  }
}
