import { parseArgs, type Command } from "../command";

const device: Command = {
  name: "device",
  summary: "add, remove, pause, resume, limit or list devices",
  usage: "ferry device add ID [--name N] [--address tcp://H:P]… | remove|pause|resume ID | limit ID [--send KiB/s] [--recv KiB/s] | list",
  async run({ client, args, out, json }) {
    const [sub, ...rest] = args;
    const a = parseArgs(rest, ["name", "address", "send", "recv"], ["introducer"]);
    const id = a.positionals[0];
    const needId = () => {
      if (!id) throw new Error(`ferry device ${sub} needs a device ID`);
      return id;
    };
    switch (sub) {
      case "add": {
        const d = await client.devices.add.mutate({ deviceId: needId(), name: a.one("name"), addresses: a.all("address"), introducer: a.bools.has("introducer") || undefined });
        return out(json ? JSON.stringify(d) : `added ${d.deviceId}${d.name ? ` (${d.name})` : ""}`);
      }
      case "remove":
        await client.devices.remove.mutate({ deviceId: needId() });
        return out(json ? JSON.stringify({ removed: id }) : `removed ${id}`);
      case "pause":
      case "resume": {
        const d = await client.devices.update.mutate({ deviceId: needId(), paused: sub === "pause" });
        return out(json ? JSON.stringify(d) : `${sub === "pause" ? "paused" : "resumed"} ${d.deviceId}`);
      }
      case "limit": {
        // KiB/s as Syncthing counts them; 0 lifts the limit.
        const kib = (flag: string) => {
          const v = a.one(flag);
          if (v === undefined) return undefined;
          if (!/^\d+$/.test(v)) throw new Error(`--${flag} must be a whole number of KiB/s (0 = unlimited), not "${v}"`);
          return Number(v);
        };
        const send = kib("send");
        const recv = kib("recv");
        if (send === undefined && recv === undefined) throw new Error("ferry device limit needs --send and/or --recv");
        const d = await client.devices.update.mutate({ deviceId: needId(), maxSendKbps: send, maxRecvKbps: recv });
        return out(json ? JSON.stringify(d) : `${d.deviceId}: send ${d.maxSendKbps || "unlimited"} KiB/s, receive ${d.maxRecvKbps || "unlimited"} KiB/s`);
      }
      case "list": {
        const list = await client.devices.list.query();
        if (json) return out(JSON.stringify(list, null, 2));
        if (!list.length) return out("no devices");
        for (const d of list)
          out(`${d.deviceId}  ${(d.name || "-").padEnd(16)} ${d.paused ? "paused" : d.connected ? `connected ${d.address} ${d.clientName} ${d.clientVersion}` : "disconnected"}`);
        return;
      }
      default:
        throw new Error(`usage: ${device.usage}`);
    }
  },
};
export default device;
