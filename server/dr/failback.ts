import type { SyncEngine } from "../sync/engine";

/**
 * Failback: the planned return of a folder's primary role to the node that held it before a
 * failover. Unlike an emergency promote, it must lose nothing, so it runs only when the current
 * primary is connected and this node already holds everything the primary has: nothing needed
 * from its index, no local changes of our own waiting. The promotion itself is the epoch
 * mechanism's (server/sync/epoch.ts); this file only decides whether it may happen.
 *
 * A change the primary makes between this check and its learning of the new epoch is not lost
 * either: the demoted primary keeps it as a receive-only local change (its conflict copy).
 */

/** Why a failback cannot run now; the console words each one, the CLI and errors use describe(). */
export type FailbackBlocker =
  | { code: "notPrevious"; previous: string | null }
  | { code: "alreadyPrimary" }
  | { code: "primaryOffline"; primary: string | null; lastSeenAt: number | null }
  | { code: "behind"; items: number; bytes: number }
  | { code: "localChanges"; count: number };

export interface FailbackCheck {
  folderId: string;
  epoch: number;
  primary: string | null;
  /** This node was the primary before the current one: the console offers "Fail back". */
  offered: boolean;
  /** Every precondition holds. */
  ready: boolean;
  blockers: FailbackBlocker[];
  behindItems: number;
  localChanges: number;
}

export function failbackCheck(sync: SyncEngine, folderId: string): FailbackCheck {
  const r = sync.epochs.readiness(folderId);
  const previous = sync.epochs.previous(folderId);
  const self = sync.opts.identity.deviceId;
  const isPrimary = r.isPrimary && r.type !== "receiveonly";
  const offered = !isPrimary && previous?.primary === self && previous.until === r.epoch;
  const blockers: FailbackBlocker[] = [];
  if (isPrimary) blockers.push({ code: "alreadyPrimary" });
  else if (!offered) blockers.push({ code: "notPrevious", previous: previous?.primary ?? null });
  if (!isPrimary) {
    if (!r.primaryConnected) blockers.push({ code: "primaryOffline", primary: r.primary, lastSeenAt: r.primaryLastSeenAt });
    if (r.behindItems > 0) blockers.push({ code: "behind", items: r.behindItems, bytes: r.behindBytes });
    if (r.localChanges > 0) blockers.push({ code: "localChanges", count: r.localChanges });
  }
  return { folderId, epoch: r.epoch, primary: r.primary, offered, ready: blockers.length === 0, blockers, behindItems: r.behindItems, localChanges: r.localChanges };
}

export function describeBlocker(b: FailbackBlocker): string {
  switch (b.code) {
    case "notPrevious":
      return `this node was not the primary before the current one${b.previous ? ` (that was ${b.previous.slice(0, 7)})` : ""}; use an emergency promote instead`;
    case "alreadyPrimary":
      return "this node is already the primary";
    case "primaryOffline":
      return `the current primary ${b.primary?.slice(0, 7) ?? "(unknown)"} is not connected, so this node cannot know it has everything; wait for it, or promote (accepting the loss of what was not replicated)`;
    case "behind":
      return `this node still needs ${b.items} item(s) (${b.bytes} bytes) from the current primary; wait until it has synced`;
    case "localChanges":
      return `this node has ${b.count} local change(s) of its own; revert them (Revert Local Changes) first`;
  }
}
