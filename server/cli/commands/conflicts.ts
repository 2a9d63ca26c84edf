import fs from "node:fs";
import { parseArgs, type Command } from "../command";

const KEEP = { current: "keepCurrent", conflict: "keepConflict", both: "keepBoth" } as const;
const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

const conflicts: Command = {
  name: "conflicts",
  summary: "list, show or resolve conflicts (several IDs at once with --keep current|conflict)",
  usage: "ferry conflicts list [--folder F] [--search S] | show ID | resolve ID… --keep current|conflict|both [--name N] | resolve ID --content FILE",
  async run({ client, args, out, json }) {
    const [sub, ...rest] = args;
    const a = parseArgs(rest, ["folder", "search", "keep", "name", "content"]);
    const ids = a.positionals.map((p) => {
      if (!/^\d+$/.test(p)) throw new Error(`conflict IDs are numbers (see ferry conflicts list), got "${p}"`);
      return Number(p);
    });
    switch (sub) {
      case "list": {
        const list = await client.conflicts.list.query({ folderId: a.one("folder"), search: a.one("search") });
        if (json) return out(JSON.stringify(list, null, 2));
        if (!list.length) return out("no open conflicts");
        for (const c of list) {
          out(`${String(c.id).padEnd(6)} ${c.folderId.padEnd(16)} ${c.name}`);
          out(`       current:  ${c.winner.size} bytes, ${when(c.winner.modifiedS * 1000)}, by ${c.winner.modifiedBy}, ${c.winner.hash.slice(0, 16)}`);
          out(`       conflict: ${c.loser.size} bytes, ${when(c.loser.modifiedS * 1000)}, by ${c.loser.modifiedBy}, ${c.loser.hash.slice(0, 16)}  (${c.conflictName})`);
        }
        return;
      }
      case "show": {
        if (ids.length !== 1) throw new Error("ferry conflicts show needs one conflict ID");
        const c = await client.conflicts.show.query({ id: ids[0] });
        if (json) return out(JSON.stringify(c, null, 2));
        out(`conflict ${c.id} in ${c.folderId}: ${c.name}`);
        for (const [label, side, name] of [["current ", c.preview.current, c.name], ["conflict", c.preview.conflict, c.conflictName]] as const)
          out(`${label}  ${name}: ${side.kind}, ${side.size} bytes${side.modifiedMs ? `, ${when(side.modifiedMs)}` : ""}${side.sha256 ? `, sha256 ${side.sha256.slice(0, 16)}` : ""}${side.note ? ` (${side.note})` : ""}`);
        if (c.preview.diff) {
          for (const h of c.preview.diff) {
            out(`@@ current line ${h.aStart}, conflict line ${h.bStart} @@`);
            for (const l of h.lines) out(`${l.op === "=" ? " " : l.op}${l.text}`);
          }
        } else if (c.preview.diffNote) out(`(no line diff: ${c.preview.diffNote})`);
        return;
      }
      case "resolve": {
        if (!ids.length) throw new Error("ferry conflicts resolve needs at least one conflict ID");
        const keep = a.one("keep");
        const content = a.one("content");
        if (!!keep === !!content) throw new Error("give either --keep current|conflict|both or --content FILE");
        if (keep && !(keep in KEEP)) throw new Error(`--keep must be current, conflict or both, got "${keep}"`);
        const choice = content ? "useContent" : KEEP[keep as keyof typeof KEEP];
        if (ids.length > 1) {
          if (choice !== "keepCurrent" && choice !== "keepConflict") throw new Error("several conflicts at once take only --keep current or --keep conflict");
          const r = await client.conflicts.resolveMany.mutate({ ids, choice });
          if (json) return out(JSON.stringify(r, null, 2));
          for (const x of r.resolved) out(`resolved ${x.id} (${x.name}): ${keep}`);
          for (const f of r.failed) out(`not resolved ${f.id}: ${f.error}`);
          if (r.failed.length) throw new Error(`${r.failed.length} of ${ids.length} conflicts were not resolved`);
          return;
        }
        if (choice === "keepBoth" && !a.one("name")) throw new Error("--keep both needs --name NEW-NAME for the conflict copy");
        let contentBase64: string | undefined;
        if (content) {
          try {
            contentBase64 = fs.readFileSync(content).toString("base64");
          } catch (err) {
            throw new Error(`cannot read ${content}: ${(err as Error).message}`);
          }
        }
        const r = await client.conflicts.resolve.mutate({ id: ids[0], choice, newName: a.one("name"), contentBase64 });
        return out(json ? JSON.stringify(r) : `resolved ${r.id} (${r.name}): ${r.choice}; changed ${r.changed.join(", ")}`);
      }
      default:
        throw new Error(`usage: ${conflicts.usage}`);
    }
  },
};
export default conflicts;
