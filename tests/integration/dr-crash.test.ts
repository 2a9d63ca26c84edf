import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../server/cli";
import { startNode, type NodeProcess } from "../support/node-process";
import { yamlPlan } from "../support/dr";

let nodes: NodeProcess[] = [];
let leftover: number | null = null;
afterEach(async () => {
  for (const n of nodes) await n.kill();
  nodes = [];
  if (leftover) {
    try {
      process.kill(leftover, "SIGKILL");
    } catch {
      /* already gone, as it should be */
    }
  }
});

const alive = (pid: number) => {
  try {
    return !fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].startsWith("Z");
  } catch {
    return false;
  }
};

async function cli(home: string, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  const code = await runCli(["--home", home, ...args], {}, (l) => lines.push(l));
  if (code !== 0) throw new Error(`ferry ${args.join(" ")} exited ${code}`);
  return lines.join("\n");
}

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("DR executor across a crash", () => {
  it("after kill -9 mid-run, the interrupted attempt is marked, its tool is killed, and the task is retried alone", async () => {
    const first = await startNode({ args: ["--no-console"] });
    nodes.push(first);
    const { home } = first;
    const work = path.join(home, "work");
    fs.mkdirSync(work);
    // flock -n fails at once if another copy of the task still holds the lock: a retry that
    // overlapped the interrupted attempt would fail, not succeed.
    // The first copy sleeps long enough to still be running when the node comes back.
    const hold = `echo $$ >> ${work}/pids; if [ $(wc -l < ${work}/pids) -eq 1 ]; then sleep 120; else sleep 1; fi; echo done >> ${work}/out`;
    const planFile = path.join(work, "crash.yaml");
    fs.writeFileSync(
      planFile,
      yamlPlan(
        "id: crash",
        "tasks:",
        `  - { id: hold, kind: shell, retries: 1, retryDelay: 100ms, with: { argv: ["flock", "-n", "${work}/lock", "sh", "-c", "${hold}"] } }`,
        `  - { id: after, kind: shell, needs: [hold], with: { argv: ["sh", "-c", "echo after >> ${work}/out"] } }`,
      ),
    );
    expect(await cli(home, "plan", "apply", planFile)).toMatch(/^applied plan crash version 1, manual/);
    expect(await cli(home, "run", "start", "crash")).toBe("run #1 of crash running");
    const pids = () => (fs.existsSync(`${work}/pids`) ? fs.readFileSync(`${work}/pids`, "utf8").trim().split("\n").map(Number) : []);
    const [toolPid] = await until("the tool to start", () => (pids().length ? pids() : null));
    await first.kill();
    nodes = [];
    leftover = toolPid;
    expect(alive(toolPid)).toBe(true); // the tool outlived its node: the restart must deal with it

    const second = await startNode({ home, args: ["--no-console"] });
    nodes.push(second);
    const shown = await until("run #1 to finish", async () => {
      const v = JSON.parse(await cli(home, "--json", "run", "show", "1"));
      return ["success", "failed"].includes(v.run.state) ? v : null;
    });
    expect(alive(toolPid)).toBe(false);
    expect(shown.run.state).toBe("success");
    const holds = shown.attempts.filter((a: { taskId: string }) => a.taskId === "hold");
    expect(holds.map((a: { attempt: number; state: string }) => [a.attempt, a.state])).toEqual([
      [1, "interrupted"],
      [2, "success"],
    ]);
    expect(holds[0].error).toBe("the node stopped during this attempt");
    expect(pids()).toHaveLength(2);
    expect(fs.readFileSync(`${work}/out`, "utf8")).toBe("done\nafter\n");
    expect(await cli(home, "run", "show", "1")).toMatch(/^run #1 of crash \(v1, manual\): success/);
  });

  it("refuses a bad plan file with the line and field, and an unknown plan", async () => {
    const node = await startNode({ args: ["--no-console"] });
    nodes.push(node);
    const bad = path.join(node.home, "bad.yaml");
    fs.writeFileSync(bad, yamlPlan("id: bad", 'schedule: "0 25 * * *"', "tasks:", "  - { id: a, kind: shell, needs: [a], with: { argv: [true] } }"));
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await runCli(["--home", node.home, "plan", "apply", bad], {}, () => {})).toBe(1);
      expect(await runCli(["--home", node.home, "run", "start", "nope"], {}, () => {})).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(errors[0]).toContain("bad.yaml is not valid:");
    expect(errors[0]).toContain('line 2, schedule: bad cron "0 25 * * *": hour: "25" is not a value between 0 and 23');
    expect(errors[0]).toContain("line 4, tasks[0].needs[0]: a task cannot need itself");
    expect(errors[1]).toContain('no plan "nope"');
    expect(await cli(node.home, "plan", "list")).toBe("no plans");
  });

  it("ferry run start --param, run cancel and run show --json drive a run from the command line", async () => {
    const node = await startNode({ args: ["--no-console"] });
    nodes.push(node);
    const work = path.join(node.home, "work");
    fs.mkdirSync(work);
    const planFile = path.join(work, "p.yaml");
    fs.writeFileSync(
      planFile,
      yamlPlan(
        "id: p",
        "params: { who: nobody }",
        "tasks:",
        `  - { id: long, kind: shell, with: { argv: ["sh", "-c", "echo \${params.who} > ${work}/who; sleep 30 & echo $! > ${work}/pid; wait"] } }`,
        `  - { id: next, kind: shell, needs: [long], with: { argv: ["true"] } }`,
      ),
    );
    await cli(node.home, "plan", "apply", planFile);
    expect(await cli(node.home, "run", "start", "p", "--param", "who=ops")).toBe("run #1 of p running");
    const pid = await until("the tool to start", () => (fs.existsSync(`${work}/pid`) ? Number(fs.readFileSync(`${work}/pid`, "utf8")) || null : null));
    expect(fs.readFileSync(`${work}/who`, "utf8")).toBe("ops\n");
    expect(await cli(node.home, "run", "cancel", "1")).toMatch(/^run #1: cancel requested/);
    const shown = await until("run #1 to end", async () => {
      const v = JSON.parse(await cli(node.home, "run", "show", "1", "--json"));
      return v.run.state === "running" ? null : v;
    });
    expect(shown.run).toMatchObject({ state: "cancelled", params: { who: "ops" } });
    expect(shown.tasks.map((t: { id: string; state: string }) => [t.id, t.state])).toEqual([
      ["long", "cancelled"],
      ["next", "cancelled"],
    ]);
    await until("the tool's child to be gone", () => !alive(pid), 10_000);
  });
});
