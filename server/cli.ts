import { createClient, explain, resolveTarget, CliError, type Target } from "./cli/client";
import { commands } from "./cli/commands";

const GLOBAL_USAGE = `Usage: ferry [--home DIR | --gui HOST:PORT [--api-key KEY]] [--json] COMMAND …

Finds the node through its home directory (--home, FERRY_HOME, default ./data) or --gui, and
authenticates with the API key kept there (or --api-key, FERRY_API_KEY).

Commands:
${commands.map((c) => `  ${c.usage.padEnd(44)} ${c.summary}`).join("\n")}`;

/** Takes the global options out of argv, wherever they stand. */
function splitGlobal(argv: string[]) {
  const opts: { home?: string; gui?: string; apiKey?: string; json: boolean; help: boolean } = { json: false, help: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(home|gui|api-key)(?:=(.*))?$/.exec(a);
    if (m) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) throw new CliError(`--${m[1]} needs a value`, 2);
      if (m[1] === "home") opts.home = v;
      else if (m[1] === "gui") opts.gui = v;
      else opts.apiKey = v;
    } else if (a === "--json") opts.json = true;
    else if (a === "--help" || a === "-h") opts.help = true;
    else rest.push(a);
  }
  return { opts, rest };
}

export async function runCli(argv: string[], env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  let target: Target | null = null;
  try {
    const { opts, rest } = splitGlobal(argv);
    const [name, ...args] = rest;
    if (!name || opts.help) {
      out(GLOBAL_USAGE);
      return name || opts.help ? 0 : 2;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) throw new CliError(`unknown command "${name}"\n\n${GLOBAL_USAGE}`, 2);
    target = resolveTarget(opts, env);
    await command.run({ client: createClient(target), args, json: opts.json, out });
    return 0;
  } catch (err) {
    const e = target ? explain(err, target) : err instanceof CliError ? err : new CliError(err instanceof Error ? err.message : String(err));
    process.stderr.write(`ferry: ${e.message}\n`);
    return e.exitCode;
  }
}

/**
 * `ferry run show 1 | head` closes the pipe before the output ends. That is the reader saying it
 * has enough, not a failure: exit quietly, as a command killed by SIGPIPE would, instead of an
 * unhandled EPIPE stack trace. Any other error writing stdout is reported and fails the command.
 */
function exitQuietlyOnClosedStdout(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    process.stderr.write(`ferry: cannot write the output: ${err.message}\n`);
    process.exit(1);
  });
}

/** Entry point of bin/ferry.mjs. */
export async function main(): Promise<void> {
  exitQuietlyOnClosedStdout();
  process.exitCode = await runCli(process.argv.slice(2), process.env, (line) => process.stdout.write(line + "\n"));
}
