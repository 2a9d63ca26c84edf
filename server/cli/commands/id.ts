import type { Command } from "../command";

const id: Command = {
  name: "id",
  summary: "print this node's device ID",
  usage: "ferry id",
  async run({ client, out, json }) {
    const status = await client.system.status.query();
    out(json ? JSON.stringify({ deviceId: status.deviceId }) : status.deviceId);
  },
};
export default id;
