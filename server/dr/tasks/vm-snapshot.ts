import path from "node:path";
import { z } from "zod";
import { OpenNebulaClient, waitForVm, ZOneEndpoint } from "../drivers/opennebula";
import { qcowCreate, qcowSnapshots } from "../drivers/qemu-img";
import { defineTask, TaskFailure } from "./types";

export const ZVmTarget = z.discriminatedUnion("driver", [
  z.strictObject({ driver: z.literal("opennebula"), ...ZOneEndpoint, vm: z.number().int().min(0), name: z.string().optional(), pollInterval: z.number().int().min(10).max(60_000).default(2000) }),
  z.strictObject({ driver: z.literal("qemu-img"), disk: z.string().min(1), name: z.string().optional() }),
]);

/** A VM snapshot: one.vm.snapshotcreate polled until the VM settles, or an internal qcow2 snapshot of a local disk. */
export default defineTask({
  kind: "vm.snapshot",
  with: ZVmTarget,
  async run(ctx, w) {
    const name = w.name ?? `ferry-${ctx.planId}-${ctx.runId}`;
    if (w.driver === "qemu-img") {
      const disk = path.resolve(w.disk);
      await qcowCreate(ctx, disk, name);
      const snap = (await qcowSnapshots(ctx, disk)).find((s) => s.name === name);
      if (!snap) throw new TaskFailure(`qemu-img did not list snapshot ${name}`);
      ctx.recoveryPoint({ subject: `disk:${disk}`, kind: "vm.snapshot", location: disk, ref: name });
      return { driver: w.driver, disk, snapshot: name };
    }
    const one = new OpenNebulaClient(w.endpoint, ctx.secret(w.credentials), ctx.signal);
    const snapshotId = Number(await one.call("one.vm.snapshotcreate", w.vm, name));
    ctx.log(`VM ${w.vm}: snapshot ${snapshotId} (${name}) requested`);
    // A success reply only means the action started (dr.md §2.1): wait for the VM to settle.
    const vm = await waitForVm(one, w.vm, { intervalMs: w.pollInterval, signal: ctx.signal, log: (l) => ctx.log(l) });
    if (!vm.snapshots.some((s) => s.id === snapshotId)) throw new TaskFailure(`VM ${w.vm} settled without snapshot ${snapshotId}`);
    ctx.recoveryPoint({ subject: `vm:${w.vm}`, kind: "vm.snapshot", location: w.endpoint, ref: String(snapshotId) });
    return { driver: w.driver, vm: w.vm, snapshotId, name };
  },
});
