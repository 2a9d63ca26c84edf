import fs from "node:fs";
import path from "node:path";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../api/root";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Target {
  url: string;
  apiKey: string;
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
}

/**
 * Finds the node to talk to: `--gui` wins, then the address the node wrote into its home
 * (`--home` / FERRY_HOME, default ./data), then FERRY_GUI, then the default console address.
 * The API key comes from `--api-key`, FERRY_API_KEY, or the home directory.
 */
export function resolveTarget(opts: { home?: string; gui?: string; apiKey?: string }, env: Record<string, string | undefined>): Target {
  const home = path.resolve(opts.home ?? env.FERRY_HOME ?? "data");
  const fromHome = readIfExists(path.join(home, "gui-address"));
  const gui = opts.gui ?? fromHome ?? env.FERRY_GUI ?? "127.0.0.1:8484";
  const url = /^https?:\/\//.test(gui) ? gui : `http://${gui}`;
  const apiKey = opts.apiKey ?? env.FERRY_API_KEY ?? readIfExists(path.join(home, "apikey"));
  if (!apiKey)
    throw new CliError(`no API key: none in ${path.join(home, "apikey")}; pass --home DIR of the node, or --api-key KEY (FERRY_API_KEY)`);
  return { url: url.replace(/\/$/, ""), apiKey };
}

export function createClient(target: Target) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${target.url}/api/trpc`, headers: { "x-api-key": target.apiKey } })],
  });
}

export type Client = ReturnType<typeof createClient>;

/** Turns transport and API errors into one line a person can act on. */
export function explain(err: unknown, target: Target): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof TRPCClientError) {
    const cause = err.cause as { code?: string; cause?: { code?: string } } | undefined;
    const code = cause?.code ?? cause?.cause?.code;
    if (code === "ECONNREFUSED" || /fetch failed/.test(err.message))
      return new CliError(`cannot reach a Ferry node at ${target.url} (is it running? use --home or --gui)`);
    const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus;
    if (status === 401) return new CliError(`${target.url} refused the API key (${err.message})`);
    return new CliError(err.message);
  }
  return new CliError(err instanceof Error ? err.message : String(err));
}
