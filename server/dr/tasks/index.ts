import backupRestic from "./backup-restic";
import checkHttp from "./check-http";
import checkOpennebula from "./check-opennebula";
import checkPeers from "./check-peers";
import failoverFailback from "./failover-failback";
import failoverPromote from "./failover-promote";
import notifyEmail from "./notify-email";
import notifyWebhook from "./notify-webhook";
import pruneRestic from "./prune-restic";
import replicateRsync from "./replicate-rsync";
import replicateSync from "./replicate-sync";
import restoreRestic from "./restore-restic";
import shell from "./shell";
import type { TaskKind } from "./types";
import verifyRestic from "./verify-restic";
import vmRevert from "./vm-revert";
import vmSnapshot from "./vm-snapshot";

/** Every task kind by name; a new kind is one file and one line here. */
export const taskKinds: ReadonlyMap<string, TaskKind> = new Map(
  ([backupRestic, restoreRestic, verifyRestic, pruneRestic, vmSnapshot, vmRevert, replicateRsync, replicateSync, checkHttp, checkPeers, checkOpennebula, notifyEmail, notifyWebhook, shell, failoverPromote, failoverFailback] as TaskKind[]).map((k) => [k.kind, k]),
);
