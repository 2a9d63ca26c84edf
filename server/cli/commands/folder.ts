import path from "node:path";
import { parseArgs, type Command } from "../command";

const TYPES = ["sendreceive", "sendonly", "receiveonly"] as const;
type FolderType = (typeof TYPES)[number];

const folder: Command = {
  name: "folder",
  summary: "add, share, rescan, pause, resume, revert, override or list folders",
  usage: "ferry folder add ID PATH [--label L] [--type T] | share ID DEVICE | rescan|pause|resume|revert|override|changes ID | type ID T | list",
  async run({ client, args, out, json }) {
    const [sub, ...rest] = args;
    const a = parseArgs(rest, ["label", "type", "device"], ["wait"]);
    const [id, second] = a.positionals;
    if (sub !== "list" && !id) throw new Error(`ferry folder ${sub ?? ""} needs a folder ID\nusage: ${folder.usage}`);
    switch (sub) {
      case "add": {
        if (!second) throw new Error("ferry folder add needs a PATH");
        const type = a.one("type");
        if (type && !TYPES.includes(type as FolderType)) throw new Error(`--type must be one of ${TYPES.join(", ")}`);
        const f = await client.folders.add.mutate({ id, path: path.resolve(second), label: a.one("label"), type: type as FolderType | undefined, devices: a.all("device") });
        return out(json ? JSON.stringify(f) : `added folder ${f.id} (${f.type}) at ${f.path}`);
      }
      case "share": {
        if (!second) throw new Error("ferry folder share needs a DEVICE");
        const f = await client.folders.share.mutate({ id, deviceId: second });
        return out(json ? JSON.stringify(f) : `folder ${f.id} shared with ${f.devices.length} device(s)`);
      }
      case "rescan":
        await client.folders.rescan.mutate({ id, wait: a.bools.has("wait") });
        return out(json ? JSON.stringify({ ok: true }) : `rescan of ${id} ${a.bools.has("wait") ? "done" : "requested"}`);
      case "pause":
      case "resume":
        await client.folders.update.mutate({ id, paused: sub === "pause" });
        return out(json ? JSON.stringify({ ok: true }) : `${sub === "pause" ? "paused" : "resumed"} ${id}`);
      case "revert": {
        const r = await client.folders.revert.mutate({ id });
        if (json) return out(JSON.stringify(r));
        out(`reverted ${r.reverted.length} item(s), deleted ${r.deleted.length} local addition(s) in ${id}`);
        for (const f of r.failed) out(`  not reverted: ${f.name}: ${f.reason}`);
        return;
      }
      case "override": {
        const r = await client.folders.override.mutate({ id });
        return out(json ? JSON.stringify(r) : `overrode ${r.items.length} item(s) in ${id}: this device's state now wins everywhere`);
      }
      case "changes": {
        // Receive-only: local changes; send-only: what the cluster has that differs.
        const f = (await client.folders.list.query()).find((x) => x.id === id);
        if (!f) throw new Error(`no folder ${id}`);
        if (f.type === "sendreceive") throw new Error(`folder ${id} is sendreceive: only receiveonly and sendonly folders keep differences`);
        const items = f.type === "receiveonly" ? await client.folders.localChanges.query({ id }) : await client.folders.outOfSync.query({ id });
        if (json) return out(JSON.stringify(items, null, 2));
        if (!items.length) return out(f.type === "receiveonly" ? "no local changes" : "in sync");
        for (const i of items) out(`${i.action.padEnd(8)} ${i.type.padEnd(7)} ${i.name}`);
        return;
      }
      case "type": {
        if (!second || !TYPES.includes(second as FolderType)) throw new Error(`ferry folder type ID T: T must be one of ${TYPES.join(", ")}`);
        const f = await client.folders.update.mutate({ id, type: second as FolderType });
        return out(json ? JSON.stringify(f) : `folder ${f.id} is now ${f.type}`);
      }
      case "list": {
        const list = await client.folders.list.query();
        if (json) return out(JSON.stringify(list, null, 2));
        if (!list.length) return out("no folders");
        for (const f of list)
          out(`${f.id.padEnd(16)} ${f.type.padEnd(11)} ${(f.state === "idle" && f.awaitingIndexFrom.length ? "waiting" : f.state).padEnd(8)} ${f.local.files} files, need ${f.need.files + f.need.directories + f.need.deleted}  ${f.path}`);
        return;
      }
      default:
        throw new Error(`usage: ${folder.usage}`);
    }
  },
};
export default folder;
