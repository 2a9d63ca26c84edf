import { z } from "zod";
import { defineTask, TaskFailure } from "./types";

/**
 * Promotes this node's replica of a folder to primary (server/sync/epoch.ts): a readiness check
 * first (how far behind the primary it is), refusing when more is missing than allowed, then the
 * epoch is raised. The run's duration is the failover's measured RTO.
 */
export default defineTask({
  kind: "failover.promote",
  with: z.strictObject({
    folder: z.string().min(1),
    /** Refuse when this many items the primary had are still missing here; default: promote regardless. */
    maxBehindItems: z.number().int().min(0).optional(),
  }),
  async run(ctx, w) {
    const sync = ctx.deps.sync;
    if (!sync) throw new TaskFailure("the sync engine is not running on this node");
    const r = sync.epochs.readiness(w.folder);
    ctx.log(
      `readiness: ${w.folder} is ${r.type} at epoch ${r.epoch}; primary ${r.primary?.slice(0, 7) ?? "unknown"} ${r.primaryConnected ? "connected" : `not connected (last seen ${r.primaryLastSeenAt ? new Date(r.primaryLastSeenAt).toISOString() : "never"})`}; behind by ${r.behindItems} item(s), ${r.behindBytes} bytes`,
    );
    if (r.isPrimary && r.type !== "receiveonly") throw new TaskFailure(`this node is already the primary of ${w.folder} (epoch ${r.epoch})`);
    if (w.maxBehindItems !== undefined && r.behindItems > w.maxBehindItems)
      throw new TaskFailure(`${w.folder} is ${r.behindItems} item(s) behind the primary, more than maxBehindItems ${w.maxBehindItems}`);
    const done = await sync.epochs.promote(w.folder, `run #${ctx.runId}`);
    ctx.log(`promoted: ${w.folder} is primary here at epoch ${done.epoch}`);
    return { ...done, readiness: r };
  },
});
