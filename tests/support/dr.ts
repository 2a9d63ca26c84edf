import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb, type DbHandle } from "../../server/db/connection";
import { SettingsStore } from "../../server/db/settings";
import { EventBus } from "../../server/events/bus";
import type { DrDeps } from "../../server/dr/deps";
import { DrService } from "../../server/dr/service";
import type { SyncEngine } from "../../server/sync/engine";

export interface DrHarness {
  home: string;
  handle: DbHandle;
  deps: DrDeps;
  dr: DrService;
  logs: string[];
  /** Stops the service and closes the database; the home stays unless `remove`. */
  close(remove?: boolean): Promise<void>;
}

/** A DR executor over a real SQLite file in a temporary home, with no web server and (unless given) no sync engine. */
export async function startDr(opts: { home?: string; sync?: SyncEngine | null; deviceId?: string; start?: boolean } = {}): Promise<DrHarness> {
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), "ferry-dr-"));
  const handle = openDb(path.join(home, "ferry.db"));
  const deps: DrDeps = {
    db: handle.db,
    events: new EventBus(handle.db),
    settings: new SettingsStore(handle.db),
    sync: opts.sync ?? null,
    deviceId: opts.deviceId ?? "AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA",
    home,
  };
  const logs: string[] = [];
  const dr = new DrService(deps, { log: (l) => logs.push(l) });
  if (opts.start !== false) await dr.start();
  return {
    home,
    handle,
    deps,
    dr,
    logs,
    async close(remove = true) {
      await dr.stop();
      handle.close();
      if (remove) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A plan in YAML from lines, so tests read like the files users write. */
export const yamlPlan = (...lines: string[]) => lines.join("\n") + "\n";
