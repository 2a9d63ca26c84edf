import path from "node:path";
import { z } from "zod";
import { OpenNebulaClient, waitForVm, ZOneEndpoint } from "../drivers/opennebula";
import { qcowApply, qcowSnapshots } from "../drivers/qemu-img";
import { defineTask, TaskFailure } from "./types";

/** Reverts a VM to a snapshot (by name or id; "latest" = newest), then waits until it settles. Its duration is an RTO sample. */
export default defineTask({
  kind: "vm.revert",
  with: z.discriminatedUnion("driver", [
    z.strictObject({ driver: z.literal("opennebula"), ...ZOneEndpoint, vm: z.number().int().min(0), snapshot: z.union([z.string(), z.number()]).default("latest"), pollInterval: z.number().int().min(10).max(60_000).default(2000) }),
    z.strictObject({ driver: z.literal("qemu-img"), disk: z.string().min(1), snapshot: z.string().default("latest") }),
  ]),
  async run(ctx, w) {
    const started = Date.now();
    if (w.driver === "qemu-img") {
      const disk = path.resolve(w.disk);
      const snaps = await qcowSnapshots(ctx, disk);
      const snap = w.snapshot === "latest" ? snaps.at(-1) : snaps.find((s) => s.name === w.snapshot || s.id === w.snapshot);
      if (!snap) throw new TaskFailure(`${disk} has no snapshot ${w.snapshot}`);
      await qcowApply(ctx, disk, snap.name);
      return { driver: w.driver, disk, snapshot: snap.name, restoreMs: Date.now() - started };
    }
    const one = new OpenNebulaClient(w.endpoint, ctx.secret(w.credentials), ctx.signal);
    const { snapshots } = await one.vmInfo(w.vm);
    const snap = w.snapshot === "latest" ? snapshots.at(-1) : snapshots.find((s) => s.name === String(w.snapshot) || s.id === Number(w.snapshot));
    if (!snap) throw new TaskFailure(`VM ${w.vm} has no snapshot ${w.snapshot}`);
    await one.call("one.vm.snapshotrevert", w.vm, snap.id);
    ctx.log(`VM ${w.vm}: revert to snapshot ${snap.id} (${snap.name}) requested`);
    await waitForVm(one, w.vm, { intervalMs: w.pollInterval, signal: ctx.signal, log: (l) => ctx.log(l) });
    return { driver: w.driver, vm: w.vm, snapshotId: snap.id, restoreMs: Date.now() - started };
  },
});
