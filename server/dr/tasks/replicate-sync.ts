import { z } from "zod";
import { parseDuration } from "../durations";
import { DeviceId } from "../../sync/protocol";
import { defineTask, TaskFailure } from "./types";

/**
 * Waits until a synced folder is up to date on a given device (connected, nothing left to pull
 * by its index), with a deadline. The engine replicates continuously; this turns "continuously"
 * into a recovery point with a time on it.
 */
export default defineTask({
  kind: "replicate.sync",
  with: z.strictObject({
    folder: z.string().min(1),
    device: z.string().min(52),
    deadline: z.string().refine((v) => parseDuration(v) !== null, "expected a duration").default("10m"),
    interval: z.number().int().min(50).max(60_000).default(1000),
  }),
  async run(ctx, w) {
    const sync = ctx.deps.sync;
    if (!sync) throw new TaskFailure("the sync engine is not running on this node");
    if (!sync.config.folder(w.folder)) throw new TaskFailure(`no folder with ID "${w.folder}"`);
    const device = DeviceId.parse(w.device).toString();
    const deadline = Date.now() + parseDuration(w.deadline)!;
    let last = "";
    for (;;) {
      const connected = sync.sessions.has(device);
      const c = sync.store.completion(w.folder, device);
      const now = connected ? `${c.percent}% (${c.needItems} items, ${c.needBytes} bytes to go)` : "not connected";
      if (now !== last) ctx.log(`${w.folder} on ${device.slice(0, 7)}: ${now}`);
      last = now;
      if (connected && c.needItems === 0) break;
      if (Date.now() > deadline) throw new TaskFailure(`${w.folder} was not up to date on ${device.slice(0, 7)} by the deadline (${now})`);
      await new Promise((r) => setTimeout(r, w.interval));
      if (ctx.signal.aborted) throw ctx.signal.reason;
    }
    ctx.recoveryPoint({ subject: w.folder, kind: "sync", location: device });
    return { folder: w.folder, device };
  },
});
