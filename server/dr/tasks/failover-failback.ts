import { z } from "zod";
import { describeBlocker, failbackCheck } from "../failback";
import { defineTask, TaskFailure } from "./types";

/**
 * Planned failback (server/dr/failback.ts): checked again here, at the moment it runs, then the
 * same epoch promotion as an emergency failover. The run's duration is its measured RTO.
 */
export default defineTask({
  kind: "failover.failback",
  with: z.strictObject({ folder: z.string().min(1) }),
  async run(ctx, w) {
    const sync = ctx.deps.sync;
    if (!sync) throw new TaskFailure("the sync engine is not running on this node");
    const check = failbackCheck(sync, w.folder);
    ctx.log(
      `failback check: ${w.folder} at epoch ${check.epoch}, primary ${check.primary?.slice(0, 7) ?? "unknown"}; this node needs ${check.behindItems} item(s) and has ${check.localChanges} local change(s)`,
    );
    if (!check.ready) throw new TaskFailure(`cannot fail back ${w.folder}: ${check.blockers.map(describeBlocker).join("; ")}`);
    const done = await sync.epochs.promote(w.folder, `run #${ctx.runId}`);
    ctx.log(`failed back: ${w.folder} is primary here again at epoch ${done.epoch}; ${done.previousPrimary?.slice(0, 7) ?? "the previous primary"} becomes a receive-only replica when it learns the epoch`);
    return { ...done, check };
  },
});
