import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";
import { appRouter } from "./api/root";
import { installPageQueries } from "./api/page-queries";
import { createContext, identifyCaller } from "./api/context";
import type { Runtime } from "./runtime";
import { renderMetrics } from "./metrics";
import { foreground } from "./sync/time-slice";

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export const TRPC_PATH = "/api/trpc";
export const WS_PATH = "/api/ws";

// Pages a visitor without a session may load: the login page and the assets it needs.
const PUBLIC_PAGE = /^\/(login(\/|$)|_next\/|favicon\.ico$|icon\.|robots\.txt$)/;

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function securityHeaders(res: ServerResponse) {
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
}

/** Same origin check for cookie-authenticated WebSockets (cross-site WebSocket hijacking). */
function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser (CLI, scripts): they authenticate with the API key
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * The node's one HTTP server: tRPC over HTTP at /api/trpc and over WebSocket at /api/ws, /metrics,
 * and everything else handed to Next. Pages need a session; the login page does not.
 */
export function createFerryServer(rt: Runtime, pages: PageHandler | null) {
  installPageQueries();
  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    createContext: ({ req, res }) => createContext(req, res, "http"),
    // The console sends queries as POST: a plan being edited (validated as it is typed) can be far
    // longer than a URL may be. Same procedures, same authentication; GET still works for scripts.
    allowMethodOverride: true,
  });

  const server = http.createServer(async (req, res) => {
    // Background work (a scan's slices) gives way until this request is answered.
    const answered = foreground.begin();
    res.once("finish", answered);
    res.once("close", answered);
    securityHeaders(res);
    const url = new URL(req.url ?? "/", "http://localhost");
    const p = url.pathname;
    try {
      if (p === TRPC_PATH || p.startsWith(`${TRPC_PATH}/`)) {
        res.setHeader("cache-control", "no-store");
        return void (await trpcHttp(req, res));
      }
      if (p === "/metrics") {
        if (!identifyCaller(rt, req).caller) return sendJson(res, 401, { error: "Send the API key (X-API-Key) or log in." });
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        return void res.end(renderMetrics(rt));
      }
      if (p.startsWith("/api/")) return sendJson(res, 404, { error: `No such endpoint: ${p}` });
      if (!pages) return sendJson(res, 404, { error: "The console is not served by this process." });
      if (!PUBLIC_PAGE.test(p) && !identifyCaller(rt, req).caller) {
        res.writeHead(302, { location: `/login?next=${encodeURIComponent(p + url.search)}`, "cache-control": "no-store" });
        return void res.end();
      }
      await pages(req, res);
    } catch (err) {
      console.error("request failed:", req.method, p, err);
      if (!res.headersSent) sendJson(res, 500, { error: "Internal error; see the node's log." });
      else res.end();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req }) => createContext(req, null, "ws"),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
  });

  server.on("upgrade", (req, socket, head) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === WS_PATH) {
      if (!originAllowed(req)) {
        socket.write("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
        return void socket.destroy();
      }
      return void wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    }
    if (pathname.startsWith("/_next/")) return; // Next's own listener (HMR in development) owns these
    socket.write("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
    socket.destroy();
  });

  return {
    server,
    /** Tells WebSocket clients to reconnect elsewhere later, then closes every socket. */
    async close(): Promise<void> {
      wsHandler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
