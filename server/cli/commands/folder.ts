import path from "node:path";
import { parseArgs, type Command } from "../command";

const TYPES = ["sendreceive", "sendonly", "receiveonly"] as const;
type FolderType = (typeof TYPES)[number];

const folder: Command = {
  name: "folder",
  summary: "add, share, rescan, pause, resume or list folders",
  usage: "ferry folder add ID PATH [--label L] [--type T] | share ID DEVICE | rescan|pause|resume ID | list",
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
      case "list": {
        const list = await client.folders.list.query();
        if (json) return out(JSON.stringify(list, null, 2));
        if (!list.length) return out("no folders");
        for (const f of list)
          out(`${f.id.padEnd(16)} ${f.type.padEnd(11)} ${f.state.padEnd(8)} ${f.local.files} files, need ${f.need.files + f.need.directories + f.need.deleted}  ${f.path}`);
        return;
      }
      default:
        throw new Error(`usage: ${folder.usage}`);
    }
  },
};
export default folder;
