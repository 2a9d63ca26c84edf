import type { IncomingMessage, ServerResponse } from "node:http";
import { SESSION_COOKIE, type SessionUser } from "../auth/service";
import { getRuntime, type Runtime } from "../runtime";

export interface Caller {
  /** A person logged in through the console, or the holder of the API key (the CLI, scripts). */
  kind: "session" | "apikey";
  user: SessionUser | null;
  /** Name recorded in the audit table. */
  actor: string;
}

export interface Context {
  rt: Runtime;
  caller: Caller | null;
  remoteAddress: string | null;
  sessionToken: string | null;
  /** Present over HTTP only: login and logout set the session cookie through it. */
  res: ServerResponse | null;
  transport: "http" | "ws" | "internal";
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      out[key] = decodeURIComponent(value);
    } catch {
      out[key] = value;
    }
  }
  return out;
}

function apiKeyFrom(req: IncomingMessage): string | null {
  const header = req.headers["x-api-key"];
  if (typeof header === "string") return header;
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim();
  return null;
}

/** Who is calling: the API key wins over a cookie; neither gives a null caller that only public procedures accept. */
export function identifyCaller(rt: Runtime, req: IncomingMessage): { caller: Caller | null; sessionToken: string | null } {
  const key = apiKeyFrom(req);
  if (key !== null) return { caller: rt.auth.checkApiKey(key) ? { kind: "apikey", user: null, actor: "api-key" } : null, sessionToken: null };
  const token = parseCookies(req.headers.cookie)[SESSION_COOKIE] ?? null;
  const user = rt.auth.sessionUser(token);
  return { caller: user ? { kind: "session", user, actor: user.username } : null, sessionToken: user ? token : null };
}

export function createContext(req: IncomingMessage, res: ServerResponse | null, transport: "http" | "ws"): Context {
  const rt = getRuntime();
  const { caller, sessionToken } = identifyCaller(rt, req);
  return { rt, caller, sessionToken, res, transport, remoteAddress: req.socket.remoteAddress ?? null };
}
