import type { TaskContext } from "../tasks/types";

/** Internal qcow2 snapshots of a local disk image with qemu-img; the VM must not be running on it. */
export async function qcowSnapshots(ctx: TaskContext, disk: string): Promise<{ id: string; name: string }[]> {
  const { stdout } = await ctx.spawn(["qemu-img", "snapshot", "-l", disk], { onStdout: () => {} });
  // "ID  TAG  VM SIZE  DATE  VM CLOCK  ICOUNT" then one row per snapshot.
  return stdout
    .filter((l) => /^\d+\s/.test(l))
    .map((l) => {
      const [id, name] = l.trim().split(/\s+/);
      return { id, name };
    });
}

export const qcowCreate = (ctx: TaskContext, disk: string, name: string) => ctx.spawn(["qemu-img", "snapshot", "-c", name, disk]);
export const qcowApply = (ctx: TaskContext, disk: string, name: string) => ctx.spawn(["qemu-img", "snapshot", "-a", name, disk]);
