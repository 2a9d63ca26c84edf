import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import WebSocket from "ws";
import type { AppRouter } from "../../server/api/root";

/** A tRPC client over the node's WebSocket, sending the API key (or nothing) in the upgrade request. */
export function wsClientFor(url: string, apiKey: string | null) {
  class KeyedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: apiKey ? { "x-api-key": apiKey } : {} });
    }
  }
  const wsUrl = url.replace(/^http/, "ws") + "/api/ws";
  const ws = createWSClient({ url: wsUrl, WebSocket: KeyedWebSocket as unknown as typeof globalThis.WebSocket, retryDelayMs: () => 200 });
  return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] }), close: () => ws.close() };
}
