import { parseArgs, type Command } from "../command";

const pending: Command = {
  name: "pending",
  summary: "devices and folders waiting to be accepted",
  usage: "ferry pending [accept-device ID [--name N] | ignore-device ID | accept-folder ID DEVICE PATH | ignore-folder ID DEVICE]",
  async run({ client, args, out, json }) {
    const [sub, ...rest] = args;
    const a = parseArgs(rest, ["name", "type"]);
    const [x, y, z] = a.positionals;
    switch (sub) {
      case undefined: {
        const p = await client.devices.pending.query();
        if (json) return out(JSON.stringify(p, null, 2));
        const devices = p.devices.filter((d) => !d.ignored);
        const folders = p.folders.filter((f) => !f.ignored);
        if (!devices.length && !folders.length) return out("nothing pending");
        for (const d of devices) out(`device ${d.deviceId}  ${d.name || "-"}  from ${d.address}  since ${new Date(d.firstSeenAt).toISOString()}`);
        for (const f of folders) out(`folder ${f.folderId} (${f.label || "-"}, ${f.type}) offered by ${f.deviceId}`);
        return;
      }
      case "accept-device":
        if (!x) throw new Error("accept-device needs a device ID");
        await client.devices.add.mutate({ deviceId: x, name: a.one("name") });
        return out(`added ${x}`);
      case "ignore-device":
        if (!x) throw new Error("ignore-device needs a device ID");
        await client.devices.ignorePending.mutate({ deviceId: x });
        return out(`ignoring ${x}`);
      case "accept-folder":
        if (!x || !y || !z) throw new Error("accept-folder needs FOLDER DEVICE PATH");
        await client.folders.acceptPending.mutate({ id: x, deviceId: y, path: z });
        return out(`accepted folder ${x} at ${z}`);
      case "ignore-folder":
        if (!x || !y) throw new Error("ignore-folder needs FOLDER DEVICE");
        await client.folders.ignorePending.mutate({ id: x, deviceId: y });
        return out(`ignoring folder ${x} from ${y}`);
      default:
        throw new Error(`usage: ${pending.usage}`);
    }
  },
};
export default pending;
