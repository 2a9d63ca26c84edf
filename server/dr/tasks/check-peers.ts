import { z } from "zod";
import { DeviceId } from "../../sync/protocol";
import { defineTask, TaskFailure } from "./types";

/** Fails unless the given devices (default: every device sharing the folders) are connected and the folders are in sync. */
export default defineTask({
  kind: "check.peers",
  with: z.strictObject({
    devices: z.array(z.string().min(52)).default([]),
    /** Folders that must be fully in sync here and on their connected devices; default: all. */
    folders: z.array(z.string()).optional(),
  }),
  async run(ctx, w) {
    const sync = ctx.deps.sync;
    if (!sync) throw new TaskFailure("the sync engine is not running on this node");
    const folders = sync.config.listFolders().filter((f) => !w.folders || w.folders.includes(f.id));
    const missingFolders = (w.folders ?? []).filter((id) => !folders.some((f) => f.id === id));
    const problems: string[] = missingFolders.map((id) => `no folder ${id}`);
    const wanted = w.devices.length ? w.devices.map((d) => DeviceId.parse(d).toString()) : [...new Set(folders.flatMap((f) => f.devices))];
    for (const d of wanted) if (!sync.sessions.has(d)) problems.push(`device ${d.slice(0, 7)} is not connected`);
    for (const f of folders) {
      for (const d of f.devices.filter((x) => sync.sessions.has(x))) {
        const c = sync.store.completion(f.id, d);
        if (c.needItems) problems.push(`${f.id} on ${d.slice(0, 7)}: ${c.needItems} items behind`);
      }
      const ours = sync.store.completion(f.id, "");
      if (ours.needItems) problems.push(`${f.id} here: ${ours.needItems} items behind`);
    }
    for (const p of problems) ctx.log(p, "warn");
    if (problems.length) throw new TaskFailure(problems.join("; "));
    ctx.log(`${wanted.length} device(s) connected, ${folders.length} folder(s) in sync`);
    return { devices: wanted.length, folders: folders.length };
  },
});
