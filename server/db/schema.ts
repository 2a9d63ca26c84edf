import { sqliteTable, text, integer, index, uniqueIndex, blob } from "drizzle-orm/sqlite-core";

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

// ---------------------------------------------------------------- sync: configuration

/** Devices this node talks to (Syncthing's <device> elements). */
export const devices = sqliteTable("devices", {
  deviceId: text("device_id").primaryKey(),
  name: text("name").notNull().default(""),
  /** JSON array of "tcp://host:port" or "dynamic". */
  addresses: text("addresses").notNull().default('["dynamic"]'),
  introducer: integer("introducer", { mode: "boolean" }).notNull().default(false),
  paused: integer("paused", { mode: "boolean" }).notNull().default(false),
  compression: text("compression").notNull().default("metadata"),
  certName: text("cert_name").notNull().default(""),
  addedAt: integer("added_at").notNull(),
  lastSeenAt: integer("last_seen_at"),
  lastAddress: text("last_address"),
  clientName: text("client_name"),
  clientVersion: text("client_version"),
  /** Send / receive limits in KiB/s; 0 = unlimited. */
  maxSendKbps: integer("max_send_kbps").notNull().default(0),
  maxRecvKbps: integer("max_recv_kbps").notNull().default(0),
});

/** Folders this node syncs (Syncthing's <folder> elements). */
export const folders = sqliteTable("folders", {
  id: text("id").primaryKey(),
  label: text("label").notNull().default(""),
  path: text("path").notNull(),
  /** sendreceive | sendonly | receiveonly */
  type: text("type").notNull().default("sendreceive"),
  paused: integer("paused", { mode: "boolean" }).notNull().default(false),
  rescanIntervalS: integer("rescan_interval_s").notNull().default(3600),
  fsWatcherEnabled: integer("fs_watcher_enabled", { mode: "boolean" }).notNull().default(true),
  fsWatcherDelayS: integer("fs_watcher_delay_s").notNull().default(10),
  ignorePerms: integer("ignore_perms", { mode: "boolean" }).notNull().default(false),
  maxConflicts: integer("max_conflicts").notNull().default(10),
  /** JSON: {type: "none"|"trashcan"|"simple"|"staggered", params: {...}} */
  versioning: text("versioning").notNull().default('{"type":"none","params":{}}'),
  /** Our index ID for this folder (uint64 as decimal text); a new one means "start over". */
  indexId: text("index_id").notNull(),
  /** Highest local sequence number given out so far. */
  maxSequence: integer("max_sequence").notNull().default(0),
  /** Failover epoch: counter and the primary's device ID (DESIGN.md, DR semantics). */
  epoch: integer("epoch").notNull().default(0),
  epochPrimary: text("epoch_primary"),
  createdAt: integer("created_at").notNull(),
});

/** Which devices share which folder, and what we know of each device's index of it. */
export const folderDevices = sqliteTable(
  "folder_devices",
  {
    folderId: text("folder_id")
      .notNull()
      .references(() => folders.id, { onDelete: "cascade" }),
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.deviceId, { onDelete: "cascade" }),
    /** The index ID the peer announced for its own files, and the highest sequence of it we hold. */
    remoteIndexId: text("remote_index_id").notNull().default("0"),
    remoteMaxSequence: integer("remote_max_sequence").notNull().default(0),
  },
  (t) => [uniqueIndex("folder_devices_pk").on(t.folderId, t.deviceId)],
);

/** Devices that tried to connect but are not configured: shown for Accept / Ignore. */
export const pendingDevices = sqliteTable("pending_devices", {
  deviceId: text("device_id").primaryKey(),
  name: text("name").notNull().default(""),
  address: text("address").notNull().default(""),
  firstSeenAt: integer("first_seen_at").notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
  ignored: integer("ignored", { mode: "boolean" }).notNull().default(false),
});

/** Folders a configured device offers that we don't share with it yet. */
export const pendingFolders = sqliteTable(
  "pending_folders",
  {
    folderId: text("folder_id").notNull(),
    deviceId: text("device_id").notNull(),
    label: text("label").notNull().default(""),
    /** The offering device's folder type (sendreceive…) for the accept dialog. */
    type: text("type").notNull().default("sendreceive"),
    firstSeenAt: integer("first_seen_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    ignored: integer("ignored", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [uniqueIndex("pending_folders_pk").on(t.folderId, t.deviceId)],
);

// ---------------------------------------------------------------- sync: index

/**
 * One row per file per device: device_id "" is this node's own index (local_flags, inode and the
 * scan fingerprint apply to it); other rows are what each peer announced. Blocks are stored as
 * the concatenated 32-byte SHA-256 hashes; offsets and sizes follow from size and block_size.
 */
export const files = sqliteTable(
  "files",
  {
    folderId: text("folder_id").notNull(),
    deviceId: text("device_id").notNull(),
    name: text("name").notNull(),
    type: integer("type").notNull(),
    size: integer("size").notNull(),
    permissions: integer("permissions").notNull(),
    modifiedS: integer("modified_s").notNull(),
    modifiedNs: integer("modified_ns").notNull(),
    modifiedBy: text("modified_by").notNull(),
    deleted: integer("deleted", { mode: "boolean" }).notNull(),
    invalid: integer("invalid", { mode: "boolean" }).notNull(),
    noPermissions: integer("no_permissions", { mode: "boolean" }).notNull(),
    /** JSON [[shortId, value], …] with decimal strings (uint64). */
    version: text("version").notNull(),
    sequence: integer("sequence").notNull(),
    blockSize: integer("block_size").notNull(),
    blockHashes: blob("block_hashes", { mode: "buffer" }),
    symlinkTarget: text("symlink_target").notNull().default(""),
    /** Local only: receive-only changes, ignored, unsupported… (Syncthing's FlagLocal*). */
    localFlags: integer("local_flags").notNull().default(0),
    inode: integer("inode"),
  },
  (t) => [
    uniqueIndex("files_pk").on(t.folderId, t.deviceId, t.name),
    index("files_sequence").on(t.folderId, t.deviceId, t.sequence),
    // Name order across devices: the global-state walks (need, counts, completion) page through it.
    index("files_name").on(t.folderId, t.name, t.deviceId),
  ],
);

/** Where each block of a local file lives, so a pull can copy it instead of fetching it. */
export const blocks = sqliteTable(
  "blocks",
  {
    hash: blob("hash", { mode: "buffer" }).notNull(),
    folderId: text("folder_id").notNull(),
    name: text("name").notNull(),
    blockIndex: integer("block_index").notNull(),
    offset: integer("offset").notNull(),
    size: integer("size").notNull(),
  },
  (t) => [index("blocks_hash").on(t.hash), index("blocks_file").on(t.folderId, t.name)],
);

/** Conflicts found or made by the puller or the scanner, for the review screen. */
export const conflicts = sqliteTable(
  "conflicts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    folderId: text("folder_id").notNull(),
    name: text("name").notNull(),
    conflictName: text("conflict_name").notNull(),
    detectedAt: integer("detected_at").notNull(),
    /** JSON of each side: {device, version, size, modifiedS, modifiedNs, hash}. */
    winner: text("winner").notNull(),
    loser: text("loser").notNull(),
    resolvedAt: integer("resolved_at"),
    resolution: text("resolution"),
  },
  (t) => [index("conflicts_folder").on(t.folderId, t.resolvedAt), uniqueIndex("conflicts_copy").on(t.folderId, t.conflictName)],
);

// ---------------------------------------------------------------- DR: plans, runs, attempts, logs

/** DR plans as applied: the source text (YAML or JSON) and the validated definition as JSON. */
export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(),
  version: integer("version").notNull(),
  source: text("source").notNull(),
  /** The validated plan (server/dr/plans/types.ts Plan) as JSON. */
  definition: text("definition").notNull(),
  paused: integer("paused", { mode: "boolean" }).notNull().default(false),
  /** The schedule tick the scheduler last handled (fired, skipped or queued), ms since epoch; null = none yet. */
  lastTickAt: integer("last_tick_at"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Every applied version of every plan, so a run can show the plan it ran. */
export const planVersions = sqliteTable(
  "plan_versions",
  {
    planId: text("plan_id").notNull(),
    version: integer("version").notNull(),
    source: text("source").notNull(),
    definition: text("definition").notNull(),
    appliedAt: integer("applied_at").notNull(),
    appliedBy: text("applied_by").notNull(),
  },
  (t) => [uniqueIndex("plan_versions_pk").on(t.planId, t.version)],
);

/** One execution of a plan. state: queued | running | success | failed | cancelled. */
export const runs = sqliteTable(
  "runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id").notNull(),
    planVersion: integer("plan_version").notNull(),
    /** schedule | catchup | manual | failover */
    trigger: text("trigger").notNull(),
    params: text("params").notNull().default("{}"),
    state: text("state").notNull(),
    scheduledFor: integer("scheduled_for"),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    error: text("error"),
    actor: text("actor").notNull().default("scheduler"),
  },
  (t) => [index("runs_plan").on(t.planId, t.id), index("runs_state").on(t.state)],
);

/**
 * One attempt of one task in a run. state: running | success | failed | timeout | cancelled |
 * interrupted (the node died during it) | skipped | upstream_failed. A task that never started has no row.
 */
export const taskAttempts = sqliteTable(
  "task_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    taskId: text("task_id").notNull(),
    kind: text("kind").notNull(),
    attempt: integer("attempt").notNull(),
    state: text("state").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    error: text("error"),
    /** JSON the task returned (snapshot id, bytes, durations…). */
    result: text("result"),
    logBytes: integer("log_bytes").notNull().default(0),
    /** Process group of the tool this attempt runs, so a restarted node can kill what a crash left behind. */
    pid: integer("pid"),
  },
  (t) => [index("task_attempts_run").on(t.runId, t.taskId, t.attempt), index("task_attempts_state").on(t.state)],
);

/** Log lines of task attempts, capped per attempt (the executor stops writing and says so). */
export const runLogs = sqliteTable(
  "run_logs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    attemptId: integer("attempt_id"),
    time: integer("time").notNull(),
    stream: text("stream").notNull(),
    line: text("line").notNull(),
  },
  (t) => [index("run_logs_run").on(t.runId, t.id)],
);

/**
 * Copies a restore can start from (a restic snapshot, an rsync replica, a VM snapshot), written by
 * the tasks that make them. RPO is derived from these rows; a failed verification marks one unusable.
 */
export const recoveryPoints = sqliteTable(
  "recovery_points",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id").notNull(),
    runId: integer("run_id").notNull(),
    /** The synced folder ID, or the source path when the copy is of a plain path. */
    subject: text("subject").notNull(),
    kind: text("kind").notNull(),
    location: text("location").notNull(),
    ref: text("ref").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    /** null = not checked, true = verified, false = failed verification (not counted as restorable). */
    verified: integer("verified", { mode: "boolean" }),
  },
  (t) => [index("recovery_points_subject").on(t.subject, t.createdAt), index("recovery_points_plan").on(t.planId, t.createdAt)],
);

/** Named secrets (restic password, SMTP and OpenNebula credentials); tasks refer to them by name, the API never returns values. */
export const secrets = sqliteTable("secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
