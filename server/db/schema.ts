import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Key/value settings the user edits in the console (device name, addresses, language…). JSON values. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    passwordChangedAt: integer("password_changed_at").notNull(),
  },
  (t) => [uniqueIndex("users_username").on(t.username)],
);

/** Browser sessions. Only a SHA-256 of the cookie token is stored, so a stolen database opens no session. */
export const sessions = sqliteTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    remoteAddress: text("remote_address"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/** The event log: every bus event that is not ephemeral, so ids keep increasing across restarts. */
export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey(),
    type: text("type").notNull(),
    time: integer("time").notNull(),
    data: text("data").notNull(),
  },
  (t) => [index("events_type").on(t.type)],
);

/** Who did what, when: user-facing actions (login, settings change, later folder/conflict/failover actions). */
export const audit = sqliteTable(
  "audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    time: integer("time").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    detail: text("detail").notNull(),
  },
  (t) => [index("audit_time").on(t.time)],
);
