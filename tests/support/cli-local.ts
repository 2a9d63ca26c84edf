import { createTRPCClient, unstable_localLink } from "@trpc/client";
import { appRouter } from "../../server/api/root";
import type { BootedNode } from "../../server/boot";
import type { Command } from "../../server/cli/command";
import { contextFor } from "./runtime";

/** Runs a CLI command against a node through the real router (no HTTP), as the CLI; returns what it printed. */
export async function runCommand(n: BootedNode, command: Command, ...args: string[]): Promise<string> {
  const client = createTRPCClient<typeof appRouter>({
    links: [unstable_localLink({ router: appRouter, createContext: async () => contextFor(n, { kind: "apikey", user: null, actor: "cli" }) })],
  });
  const lines: string[] = [];
  await command.run({ client, args, json: false, out: (l) => lines.push(l) });
  return lines.join("\n");
}
