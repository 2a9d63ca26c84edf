import { parseArgs, type Command } from "../command";

const failover: Command = {
  name: "failover",
  summary: "promote this node's replica of a folder to primary, or fail back to this node (the primary before a failover)",
  usage: "ferry failover promote FOLDER [--max-behind N] | readiness FOLDER | failback FOLDER",
  async run({ client, args, out, json }) {
    const [sub, ...rest] = args;
    const a = parseArgs(rest, ["max-behind"]);
    const [folder] = a.positionals;
    if (!folder) throw new Error(`usage: ${failover.usage}`);
    switch (sub) {
      case "readiness": {
        const r = await client.failover.readiness.query({ folder });
        if (json) return out(JSON.stringify(r, null, 2));
        return out(
          `${folder}: ${r.type}, epoch ${r.epoch}, primary ${r.primary ?? "unknown"} (${r.primaryConnected ? "connected" : "not connected"}); behind by ${r.behindItems} item(s), ${r.behindBytes} bytes`,
        );
      }
      case "promote": {
        const maxBehind = a.one("max-behind");
        const r = await client.failover.promote.mutate({ folder, maxBehindItems: maxBehind === undefined ? undefined : Number(maxBehind) });
        if (json) return out(JSON.stringify(r, null, 2));
        const dur = r.run.startedAt && r.run.finishedAt ? `${r.run.finishedAt - r.run.startedAt} ms` : "-";
        for (const l of r.logs) out(l.line);
        if (r.state !== "success") throw new Error(`failover of ${folder} ${r.state} (run #${r.run.id}): ${r.tasks[0]?.error ?? ""}`);
        return out(`run #${r.run.id}: ${folder} promoted in ${dur}`);
      }
      case "failback": {
        const r = await client.failover.failback.mutate({ folder });
        if (json) return out(JSON.stringify(r, null, 2));
        const dur = r.run.startedAt && r.run.finishedAt ? `${r.run.finishedAt - r.run.startedAt} ms` : "-";
        for (const l of r.logs) out(l.line);
        if (r.state !== "success") throw new Error(`failback of ${folder} ${r.state} (run #${r.run.id}): ${r.tasks[0]?.error ?? ""}`);
        return out(`run #${r.run.id}: ${folder} failed back to this node in ${dur}`);
      }
      default:
        throw new Error(`usage: ${failover.usage}`);
    }
  },
};
export default failover;
