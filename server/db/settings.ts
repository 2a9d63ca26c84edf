import os from "node:os";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "./connection";
import { settings } from "./schema";

/** The user-editable node settings with their defaults. Addresses given as flags or env win over these. */
export const ZNodeSettings = z.object({
  deviceName: z.string().trim().min(1).max(64),
  guiAddress: z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, "expected host:port"),
  listenAddresses: z
    .array(z.string().regex(/^tcp[46]?:\/\/[^\s]+:\d{1,5}$|^default$/, "expected tcp://host:port"))
    .min(1)
    .max(16),
  localDiscovery: z.boolean(),
  /** Node-wide bandwidth limits in KiB/s (Syncthing's units); 0 = unlimited. */
  maxSendKbps: z.number().int().min(0).max(10_000_000),
  maxRecvKbps: z.number().int().min(0).max(10_000_000),
});
export type NodeSettings = z.infer<typeof ZNodeSettings>;

export const defaultSettings = (): NodeSettings => ({
  deviceName: os.hostname(),
  guiAddress: "127.0.0.1:8484",
  listenAddresses: ["tcp://0.0.0.0:22100"],
  localDiscovery: true,
  maxSendKbps: 0,
  maxRecvKbps: 0,
});

export class SettingsStore {
  constructor(private readonly db: Db) {}

  get(): NodeSettings {
    const merged: Record<string, unknown> = { ...defaultSettings() };
    for (const row of this.db.select().from(settings).all()) {
      if (row.key in merged) merged[row.key] = JSON.parse(row.value);
    }
    return ZNodeSettings.parse(merged);
  }

  /** Validates and stores the given fields in one transaction; returns the keys whose value changed. */
  update(patch: Partial<NodeSettings>): string[] {
    const next = ZNodeSettings.parse({ ...this.get(), ...patch });
    const current = this.get();
    const changed = (Object.keys(patch) as (keyof NodeSettings)[]).filter(
      (k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]),
    );
    const now = Date.now();
    this.db.transaction((tx) => {
      for (const key of changed) {
        const value = JSON.stringify(next[key]);
        tx.insert(settings).values({ key, value, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } }).run();
      }
    });
    return changed;
  }

  /** Internal values that are not user settings (the device ID recorded at first start). */
  setRaw(key: string, value: unknown): void {
    const now = Date.now();
    const v = JSON.stringify(value);
    this.db.insert(settings).values({ key, value: v, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { value: v, updatedAt: now } }).run();
  }

  getRaw(key: string): unknown {
    const row = this.db.select().from(settings).where(eq(settings.key, key)).get();
    return row ? JSON.parse(row.value) : undefined;
  }
}
