import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/connection";
import { secrets } from "../db/schema";
import { ConfigError } from "../sync/config";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/**
 * Logs replace every secret a task reads with "***"; one or two characters would blank out
 * ordinary text as well, so shorter values are refused rather than left unmasked.
 */
export const MIN_SECRET_LENGTH = 3;

/** Named secrets. Values go in once and only tasks read them back; listings show names and dates. */
export class SecretStore {
  constructor(private readonly db: Db) {}

  set(name: string, value: string): void {
    if (!NAME.test(name)) throw new ConfigError(`secret name "${name}" must be 1–64 letters, digits, '.', '_' or '-'`);
    if (!value) throw new ConfigError(`secret "${name}" cannot be empty`);
    if (value.length < MIN_SECRET_LENGTH) throw new ConfigError(`secret "${name}" must be at least ${MIN_SECRET_LENGTH} characters, so that logs can hide it`);
    const now = Date.now();
    this.db.insert(secrets).values({ name, value, updatedAt: now }).onConflictDoUpdate({ target: secrets.name, set: { value, updatedAt: now } }).run();
  }

  remove(name: string): boolean {
    return this.db.delete(secrets).where(eq(secrets.name, name)).run().changes > 0;
  }

  list(): { name: string; updatedAt: number }[] {
    return this.db.select({ name: secrets.name, updatedAt: secrets.updatedAt }).from(secrets).orderBy(asc(secrets.name)).all();
  }

  /** The value, or null when no secret has that name. */
  get(name: string): string | null {
    return this.db.select({ value: secrets.value }).from(secrets).where(eq(secrets.name, name)).get()?.value ?? null;
  }
}
