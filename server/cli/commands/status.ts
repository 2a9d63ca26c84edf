import type { Command } from "../command";

const status: Command = {
  name: "status",
  summary: "show the node's state",
  usage: "ferry status [--json]",
  async run({ client, out, json }) {
    const s = await client.system.status.query();
    if (json) return out(JSON.stringify(s, null, 2));
    out(`Device     ${s.deviceName} (${s.deviceId})`);
    out(`Version    ${s.version}, up ${s.uptimeS} s`);
    out(`Console    http://${s.addresses.gui}`);
    out(`Listen     ${s.addresses.listen.join(", ")}${s.addresses.discovery ? "" : " (local discovery off)"}`);
    out(`Home       ${s.home}`);
  },
};
export default status;
