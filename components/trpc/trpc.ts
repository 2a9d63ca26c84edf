"use client";

import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@/server/api/root";

/** `useTRPC()` gives typed query/mutation/subscription options for every procedure of the AppRouter. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Subscriptions share one WebSocket (/api/ws); queries and mutations go over HTTP (/api/trpc), where
 * login and logout can set the session cookie. The WebSocket opens with the first subscription
 * (lazy) and reconnects by itself; tracked() ids let a resumed subscription pick up where it stopped.
 */
export function createFerryClient() {
  // Queries as POST (server: allowMethodOverride): an input such as a plan draft being validated
  // may be longer than a request line may be (Node refuses headers over 16 KiB).
  const http = httpBatchLink({ url: "/api/trpc", methodOverride: "POST" });
  // Next also renders client components on the server, where Node 20 has no WebSocket; no query
  // runs there, so an HTTP-only client is enough.
  if (typeof window === "undefined") return createTRPCClient<AppRouter>({ links: [http] });
  const wsClient = createWSClient({
    url: () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/ws`,
    lazy: { enabled: true, closeMs: 0 },
  });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink<AppRouter>({ client: wsClient }),
        false: http,
      }),
    ],
  });
}
