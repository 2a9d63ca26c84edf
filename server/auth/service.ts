import { randomBytes, createHash } from "node:crypto";
import { eq, lt } from "drizzle-orm";
import type { Db } from "../db/connection";
import { sessions, users } from "../db/schema";
import type { EventBus } from "../events/bus";
import { apiKeyMatches, loadOrCreateApiKey, writeApiKey } from "./apikey";
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "./passwords";
import { LoginThrottle } from "./throttle";
import { recordAudit } from "../db/audit";

export const SESSION_COOKIE = "ferry_session";
const SESSION_TTL_MS = 14 * 24 * 3600_000;

export interface SessionUser {
  id: number;
  username: string;
}

export type AuthFailure = "bad_credentials" | "throttled" | "weak_password";

export class AuthError extends Error {
  constructor(
    readonly reason: AuthFailure,
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Passwords, sessions and the API key: the only place that decides who a caller is. */
export class AuthService {
  readonly throttle = new LoginThrottle();
  private apiKey: string;

  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
    private readonly home: string,
  ) {
    this.apiKey = loadOrCreateApiKey(home);
  }

  /**
   * Creates the `admin` account on first start. Returns the generated password (to be printed once)
   * or null when the account existed or FERRY_ADMIN_PASSWORD supplied it.
   */
  async ensureAdmin(initialPassword?: string): Promise<string | null> {
    const existing = this.db.select({ id: users.id }).from(users).limit(1).get();
    if (existing) return null;
    if (initialPassword !== undefined && initialPassword.length < MIN_PASSWORD_LENGTH)
      throw new Error(`FERRY_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`);
    const password = initialPassword ?? generatePassword();
    const now = Date.now();
    this.db
      .insert(users)
      .values({ username: "admin", passwordHash: await hashPassword(password), createdAt: now, passwordChangedAt: now })
      .run();
    return initialPassword === undefined ? password : null;
  }

  async login(username: string, password: string, remoteAddress: string | null): Promise<{ token: string; user: SessionUser }> {
    // Keyed by remote address only: keying by user name too would let anyone lock the admin out.
    const keys = [`addr:${remoteAddress ?? "?"}`];
    const wait = this.throttle.retryAfter(keys);
    if (wait > 0)
      throw new AuthError("throttled", `Too many failed attempts. Try again in ${Math.ceil(wait / 1000)} s.`, wait);
    const row = this.db.select().from(users).where(eq(users.username, username)).get();
    // Verify against a dummy hash for unknown users too, so timing does not reveal which names exist.
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!row || !ok) {
      this.throttle.fail(keys);
      this.events.emit("user.loginFailed", { username, remoteAddress });
      recordAudit(this.db, remoteAddress ?? "unknown", "login.failed", { username });
      throw new AuthError("bad_credentials", "Wrong user name or password.");
    }
    this.throttle.succeed(keys);
    const token = randomBytes(32).toString("base64url");
    const now = Date.now();
    this.db
      .insert(sessions)
      .values({ tokenHash: hashToken(token), userId: row.id, createdAt: now, expiresAt: now + SESSION_TTL_MS, lastSeenAt: now, remoteAddress })
      .run();
    this.db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
    this.events.emit("user.login", { username, remoteAddress, via: "password" });
    recordAudit(this.db, username, "login", { remoteAddress });
    return { token, user: { id: row.id, username: row.username } };
  }

  sessionUser(token: string | undefined | null): SessionUser | null {
    if (!token) return null;
    const row = this.db
      .select({ id: users.id, username: users.username, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, hashToken(token)))
      .get();
    if (!row || row.expiresAt < Date.now()) return null;
    return { id: row.id, username: row.username };
  }

  logout(token: string, username: string): void {
    this.db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token))).run();
    this.events.emit("user.logout", { username });
    recordAudit(this.db, username, "logout", {});
  }

  /** Changes the password and ends every other session of that user. */
  async changePassword(user: SessionUser, current: string, next: string, keepToken?: string): Promise<void> {
    const row = this.db.select().from(users).where(eq(users.id, user.id)).get();
    if (!row || !(await verifyPassword(current, row.passwordHash)))
      throw new AuthError("bad_credentials", "The current password is wrong.");
    if (next.length < MIN_PASSWORD_LENGTH)
      throw new AuthError("weak_password", `The new password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
    const hash = await hashPassword(next);
    this.db.transaction((tx) => {
      tx.update(users).set({ passwordHash: hash, passwordChangedAt: Date.now() }).where(eq(users.id, user.id)).run();
      const keep = keepToken ? hashToken(keepToken) : null;
      for (const s of tx.select({ t: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, user.id)).all())
        if (s.t !== keep) tx.delete(sessions).where(eq(sessions.tokenHash, s.t)).run();
    });
    this.events.emit("user.passwordChanged", { username: user.username });
    recordAudit(this.db, user.username, "password.change", {});
  }

  checkApiKey(given: string | undefined | null): boolean {
    return apiKeyMatches(this.apiKey, given);
  }

  getApiKey(): string {
    return this.apiKey;
  }

  regenerateApiKey(by: string): string {
    this.apiKey = writeApiKey(this.home);
    this.events.emit("apikey.regenerated", { by });
    recordAudit(this.db, by, "apikey.regenerate", {});
    return this.apiKey;
  }
}

// A valid scrypt hash of a random string; never matches anything a user types.
const DUMMY_HASH =
  "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$0N5zv2cG0nXzJbq2QnTu8u1l3C5W0u1c2y0r2a7QbXk=";
