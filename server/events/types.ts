/**
 * Every event the node emits, by type. Later features add their entries here; the bus, the
 * subscription and the console are typed from this map, so a typo in a type name does not compile.
 */
export interface EventMap {
  "node.started": { deviceId: string; version: string; gui: string };
  "node.stopping": { reason: string };
  "user.login": { username: string; remoteAddress: string | null; via: "password" };
  "user.loginFailed": { username: string; remoteAddress: string | null };
  "user.logout": { username: string };
  "user.passwordChanged": { username: string };
  "settings.changed": { keys: string[]; by: string };
  "apikey.regenerated": { by: string };

  // sync engine
  "device.connected": { deviceId: string; address: string; clientName: string; clientVersion: string };
  "device.disconnected": { deviceId: string; reason: string };
  "device.pending": { deviceId: string; name: string; address: string };
  "device.added": { deviceId: string; name: string; by: string };
  "device.removed": { deviceId: string; by: string };
  "device.changed": { deviceId: string; by: string };
  "folder.pending": { folderId: string; deviceId: string; label: string };
  "folder.added": { folderId: string; label: string; path: string; by: string };
  "folder.changed": { folderId: string; by: string };
  "folder.removed": { folderId: string; by: string };
  "folder.state": { folderId: string; state: FolderState; previous: FolderState; error?: string };
  "folder.progress": { folderId: string; state: FolderState; doneBytes: number; totalBytes: number; currentFile?: string };
  "folder.summary": { folderId: string; needItems: number; needBytes: number; localFiles: number; globalFiles: number; failedItems: number };
  /** A big folder's status figures were recomputed in the background: ask for the status again. */
  "folder.counted": { folderId: string };
  "local.changed": { folderId: string; items: { name: string; type: string; action: "modified" | "deleted" }[] };
  "remote.indexUpdated": { folderId: string; deviceId: string; items: number; sequence: number };
  "item.finished": { folderId: string; name: string; type: string; action: "update" | "delete" | "metadata"; device: string; error: string | null };
  "conflict.created": { folderId: string; name: string; conflictName: string; winnerDevice: string };

  // DR executor (server/dr)
  "plan.applied": { planId: string; version: number; by: string };
  "plan.changed": { planId: string; paused: boolean; by: string };
  "plan.removed": { planId: string; by: string };
  "run.queued": { runId: number; planId: string; trigger: string };
  "run.started": { runId: number; planId: string; trigger: string; scheduledFor: number | null; startedAt: number };
  "run.finished": { runId: number; planId: string; state: string; error: string | null; durationMs: number };
  /** A finished run's task and its downstream tasks were queued again (retry.ts); the run is running again. */
  "run.retried": { runId: number; planId: string; taskId: string; tasks: string[]; by: string };
  "run.skipped": { planId: string; scheduledFor: number; reason: string };
  "task.started": { runId: number; planId: string; taskId: string; kind: string; attempt: number; attemptId: number };
  "task.finished": { runId: number; planId: string; taskId: string; attempt: number; attemptId: number | null; state: string; error: string | null; durationMs: number };
  "task.log": { runId: number; attemptId: number | null; taskId: string; stream: string; line: string; time: number };
  "failover.promoted": { folderId: string; epoch: number; primary: string; by: string };
  "failover.demoted": { folderId: string; epoch: number; primary: string; from: string };
  /** choice: keepCurrent | keepConflict | keepBoth | useContent, or copyRemoved when the copy vanished on its own. */
  "conflict.resolved": { folderId: string; id: number; name: string; conflictName: string; choice: string; by: string };
  "version.restored": { folderId: string; path: string; version: string; by: string };
  "versioning.cleaned": { folderId: string; removed: number; versions: string[] };
  "versioning.changed": { folderId: string; type: string; params: Record<string, string>; by: string };
  // folder types, pause and limits
  "folder.typeChanged": { folderId: string; from: string; to: string; promoted: number; by: string };
  "folder.paused": { folderId: string; by: string };
  "folder.resumed": { folderId: string; by: string };
  "folder.reverted": { folderId: string; reverted: number; deleted: number; by: string };
  "folder.overridden": { folderId: string; items: number; by: string };
  "device.paused": { deviceId: string; by: string };
  "device.resumed": { deviceId: string; by: string };
  "limits.changed": { deviceId: string | null; maxSendKbps: number; maxRecvKbps: number; by: string };
}

export type FolderState = "idle" | "scanning" | "syncing" | "error" | "paused" | "stopped";

export type EventType = keyof EventMap;

export interface FerryEvent<T extends EventType = EventType> {
  id: number;
  type: T;
  time: number; // ms since epoch
  data: EventMap[T];
}

/** Events that are too frequent to keep (progress ticks); they get ids but are not written to the log. */
export const ephemeralEventTypes: ReadonlySet<EventType> = new Set<EventType>(["folder.progress", "remote.indexUpdated", "folder.summary", "folder.counted", "task.log"]);
