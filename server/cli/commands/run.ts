import { parseArgs, type Command } from "../command";

const runId = (s: string | undefined) => {
  const id = Number(String(s ?? "").replace(/^#/, ""));
  if (!Number.isInteger(id) || id < 1) throw new Error(`expected a run number, got "${s ?? ""}"`);
  return id;
};

const run: Command = {
  name: "run",
  summary: "start, show, cancel or retry runs of DR plans",
  usage: "ferry run start PLAN [--param k=v]… | show RUN [--json] | cancel RUN | retry RUN TASK | list [PLAN]",
  async run({ client, args, out, json }) {
    const [sub, ...rest] = args;
    const a = parseArgs(rest, ["param", "limit"]);
    const [arg] = a.positionals;
    switch (sub) {
      case "start": {
        if (!arg) throw new Error("ferry run start needs a PLAN");
        const params: Record<string, string> = {};
        for (const kv of a.all("param")) {
          const i = kv.indexOf("=");
          if (i < 1) throw new Error(`--param expects k=v, got "${kv}"`);
          params[kv.slice(0, i)] = kv.slice(i + 1);
        }
        const r = await client.runs.start.mutate({ planId: arg, params });
        if (!r) throw new Error(`plan ${arg} did not start`);
        return out(json ? JSON.stringify(r) : `run #${r.id} of ${r.planId} ${r.state}`);
      }
      case "show": {
        const v = await client.runs.show.query({ id: runId(arg) });
        if (json) return out(JSON.stringify(v, null, 2));
        const r = v.run;
        const dur = r.startedAt && r.finishedAt ? ` in ${((r.finishedAt - r.startedAt) / 1000).toFixed(1)} s` : "";
        out(`run #${r.id} of ${r.planId} (v${r.planVersion}, ${r.trigger}): ${r.state}${dur}${r.error ? ` — ${r.error}` : ""}`);
        for (const t of v.tasks) out(`  ${t.id.padEnd(20)} ${t.kind.padEnd(16)} ${t.state.padEnd(15)} ${t.attempts} attempt(s)${t.error ? `  ${t.error}` : ""}`);
        for (const l of v.logs.slice(-40)) out(`  | ${new Date(l.time).toISOString().slice(11, 23)} ${l.line}`);
        return;
      }
      case "cancel": {
        const r = await client.runs.cancel.mutate({ id: runId(arg) });
        return out(json ? JSON.stringify(r) : `run #${r.id}: cancel requested (${r.state})`);
      }
      case "retry": {
        const task = a.positionals[1];
        if (!task) throw new Error("ferry run retry needs a RUN and a TASK");
        const r = await client.runs.retryTask.mutate({ runId: runId(arg), taskId: task });
        return out(json ? JSON.stringify(r) : `run #${r.run.id}: running again ${r.tasks.join(", ")}`);
      }
      case "list": {
        const list = await client.runs.list.query({ planId: arg, limit: Number(a.one("limit") ?? 20) });
        if (json) return out(JSON.stringify(list, null, 2));
        if (!list.length) return out("no runs");
        for (const r of list) out(`#${String(r.id).padEnd(6)} ${r.planId.padEnd(20)} ${r.trigger.padEnd(9)} ${r.state.padEnd(10)} ${r.startedAt ? new Date(r.startedAt).toISOString() : "-"}`);
        return;
      }
      default:
        throw new Error(`usage: ${run.usage}`);
    }
  },
};
export default run;
