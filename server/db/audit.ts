import type { Db } from "./connection";
import { audit } from "./schema";

/** Appends one row to the audit table: who (user name, "cli", a device), what, and details as JSON. */
export function recordAudit(db: Db, actor: string, action: string, detail: Record<string, unknown>): void {
  db.insert(audit).values({ time: Date.now(), actor, action, detail: JSON.stringify(detail) }).run();
}
