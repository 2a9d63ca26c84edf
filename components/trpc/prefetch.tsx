// Server component: answers a page's first queries while Next renders it, so its HTML already
// shows the data (server/api/page-queries.ts explains why). Each query goes through the node's
// own procedures with the visitor's cookie; one that fails (no session, a folder that is gone) is
// simply left out and the browser asks for it as before.
import { dehydrate, HydrationBoundary, QueryClient, type FetchQueryOptions } from "@tanstack/react-query";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { createTRPCOptionsProxy, type TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import type { PageQuery } from "@/server/api/page-queries";
import type { AppRouter } from "@/server/api/root";

export type ServerTrpc = TRPCOptionsProxy<AppRouter>;

/** The node installs its query function under this global name (server/api/page-queries.ts). */
const SLOT = Symbol.for("ferry.pageQuery");

function pageLink(cookie: string | null): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        const query = (globalThis as { [SLOT]?: PageQuery })[SLOT];
        if (!query) {
          observer.error(new TRPCClientError("this page was rendered outside a Ferry node"));
          return;
        }
        query(cookie, op.path, op.input).then(
          (data) => {
            observer.next({ result: { type: "data", data } });
            observer.complete();
          },
          (err: Error) => observer.error(TRPCClientError.from(err)),
        );
      });
}

/**
 * Renders children with the given queries already answered. `queries` picks them with the same
 * options the client components use (same keys), e.g. `(t) => [t.folders.list.queryOptions()]`.
 */
export async function Prefetch({ queries, children }: { queries: (trpc: ServerTrpc) => unknown[]; children: ReactNode }) {
  const cookie = (await headers()).get("cookie");
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: createTRPCClient<AppRouter>({ links: [pageLink(cookie)] }), queryClient });
  await Promise.all(queries(trpc).map((q) => queryClient.prefetchQuery(q as FetchQueryOptions)));
  return <HydrationBoundary state={dehydrate(queryClient)}>{children}</HydrationBoundary>;
}
