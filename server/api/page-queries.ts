// Queries answered while Next renders a page, so its first HTML already holds its data. A page
// load used to be: HTML → scripts → hydration → a tRPC batch through the node's event loop → data;
// while a big folder is scanned each of those steps queues behind the scanner, and the data
// arrived up to a second or more after the navigation. Now the page's server component asks here
// in the same request, and the console hydrates with the answers (components/trpc/prefetch.tsx).
//
// Next's server bundle never imports the router: it reaches this function through a global slot,
// as it reaches the Runtime. Only queries are allowed, with the caller of the page's own cookie,
// through the same procedures, middlewares and input validation as /api/trpc.
import type { IncomingMessage } from "node:http";
import { getRuntime } from "../runtime";
import { identifyCaller, type Context } from "./context";
import { appRouter } from "./root";
import { createCallerFactory } from "./trpc";

export type PageQuery = (cookieHeader: string | null, path: string, input: unknown) => Promise<unknown>;

/** Next's side reads the same slot by name (components/trpc/prefetch.tsx). */
const SLOT = Symbol.for("ferry.pageQuery");
type Slot = { [SLOT]?: PageQuery };

const createCaller = createCallerFactory(appRouter);
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;

/** Answers one query as the owner of cookieHeader would get it over HTTP (JSON, same errors). */
export const pageQuery: PageQuery = async (cookieHeader, path, input) => {
  if (procedures[path]?._def.type !== "query") throw new Error(`${path} is not a query`);
  const rt = getRuntime();
  const { caller, sessionToken } = identifyCaller(rt, { headers: cookieHeader ? { cookie: cookieHeader } : {} } as IncomingMessage);
  const ctx: Context = { rt, caller, sessionToken, res: null, transport: "internal", remoteAddress: null };
  let fn: unknown = createCaller(ctx);
  for (const part of path.split(".")) fn = (fn as Record<string, unknown>)[part];
  const data = await (fn as (input: unknown) => Promise<unknown>)(input);
  // Exactly what the browser would have parsed from /api/trpc (no transformer): dates as strings.
  return data === undefined ? undefined : JSON.parse(JSON.stringify(data));
};

export function installPageQueries(): void {
  (globalThis as Slot)[SLOT] = pageQuery;
}
