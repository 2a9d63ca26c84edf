import type { Client } from "./client";

export interface CommandContext {
  client: Client;
  args: string[]; // what follows the command name, global options removed
  json: boolean;
  out: (line: string) => void;
}

/** One CLI command: a file under server/cli/commands/ default-exports one of these. */
export interface Command {
  name: string; // "id", "status", "device", …
  summary: string;
  usage: string;
  run(ctx: CommandContext): Promise<void>;
}

/** Splits `--flag value`, `--flag=value` and repeated flags out of args; the rest are positionals. */
export function parseArgs(args: string[], valueFlags: string[], boolFlags: string[] = []) {
  const values = new Map<string, string[]>();
  const bools = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      positionals.push(a);
      continue;
    }
    if (boolFlags.includes(m[1])) {
      bools.add(m[1]);
      continue;
    }
    if (!valueFlags.includes(m[1])) throw new Error(`unknown option --${m[1]}`);
    const v = m[2] ?? args[++i];
    if (v === undefined) throw new Error(`--${m[1]} needs a value`);
    values.set(m[1], [...(values.get(m[1]) ?? []), v]);
  }
  return { positionals, values, bools, one: (k: string) => values.get(k)?.at(-1), all: (k: string) => values.get(k) ?? [] };
}
