import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export interface DbHandle {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

const closeHooks = new WeakMap<Database.Database, Set<() => void>>();

/**
 * Runs `fn` right before the database is closed, for writers that hold rows back to write them in
 * batches (the event log). Returns a function that removes the hook.
 */
export function beforeClose(db: Db, fn: () => void): () => void {
  let hooks = closeHooks.get(db.$client);
  if (!hooks) closeHooks.set(db.$client, (hooks = new Set()));
  hooks.add(fn);
  return () => hooks.delete(fn);
}

// Resolved from this file, not the cwd, so a node started from anywhere finds its migrations.
const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/** Opens (or creates) the node's database, sets the pragmas Ferry relies on and applies committed migrations. */
export function openDb(file: string): DbHandle {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("auto_vacuum = INCREMENTAL");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  let closed = false;
  return {
    db,
    sqlite,
    close() {
      if (closed) return;
      closed = true;
      try {
        for (const hook of closeHooks.get(sqlite) ?? []) {
          try {
            hook();
          } catch (err) {
            console.error("a database close hook failed:", err);
          }
        }
        sqlite.pragma("optimize");
        if (file !== ":memory:") sqlite.pragma("wal_checkpoint(TRUNCATE)");
      } finally {
        sqlite.close();
      }
    },
  };
}
