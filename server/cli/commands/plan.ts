import fs from "node:fs";
import path from "node:path";
import { parseArgs, type Command } from "../command";

const when = (t: number | null | undefined) => (t ? new Date(t).toISOString().replace(".000Z", "Z") : "-");

const plan: Command = {
  name: "plan",
  summary: "apply, list, pause or resume DR plans; print the DR test template",
  usage: "ferry plan apply FILE | list | show ID | pause|resume|remove ID | template FOLDER",
  async run({ client, args, out, json }) {
    const [sub, ...rest] = args;
    const a = parseArgs(rest, []);
    const [arg] = a.positionals;
    switch (sub) {
      case "apply": {
        if (!arg) throw new Error("ferry plan apply needs a FILE (YAML or JSON)");
        let source: string;
        try {
          source = fs.readFileSync(arg, "utf8");
        } catch (err) {
          throw new Error(`cannot read ${arg}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        }
        const p = await client.plans.applyPlan.mutate({ source, name: path.basename(arg) });
        if (json) return out(JSON.stringify(p));
        out(`${p.changed ? "applied" : "unchanged:"} plan ${p.plan.id} version ${p.version}${p.plan.schedule ? `, ${p.plan.schedule} (${p.plan.timezone})` : ", manual"}`);
        if (p.next.length) out(`next runs: ${p.next.map(when).join(", ")}`);
        return;
      }
      case "list": {
        const list = await client.plans.list.query();
        if (json) return out(JSON.stringify(list, null, 2));
        if (!list.length) return out("no plans");
        for (const p of list)
          out(
            `${p.plan.id.padEnd(20)} v${String(p.version).padEnd(3)} ${(p.paused ? "paused" : (p.plan.schedule ?? "manual")).padEnd(14)} next ${when(p.next[0]).padEnd(20)} last ${p.lastRun ? `#${p.lastRun.id} ${p.lastRun.state}` : "-"}`,
          );
        return;
      }
      case "show": {
        if (!arg) throw new Error("ferry plan show needs a plan ID");
        const p = await client.plans.get.query({ id: arg });
        return out(json ? JSON.stringify(p, null, 2) : p.source);
      }
      case "pause":
      case "resume":
      case "remove": {
        if (!arg) throw new Error(`ferry plan ${sub} needs a plan ID`);
        if (sub === "remove") await client.plans.remove.mutate({ id: arg });
        else await client.plans[sub].mutate({ id: arg });
        return out(json ? JSON.stringify({ ok: true }) : `${sub === "remove" ? "removed" : sub === "pause" ? "paused" : "resumed"} plan ${arg}`);
      }
      case "template": {
        const t = await client.plans.template.query({ folder: arg ?? "docs" });
        return out(json ? JSON.stringify(t) : t.source);
      }
      default:
        throw new Error(`usage: ${plan.usage}`);
    }
  },
};
export default plan;
