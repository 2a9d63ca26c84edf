import type { ReactNode } from "react";
import { EventStreamProvider } from "@/components/events/event-stream";
import { Header } from "@/components/shell/header";
import { Prefetch } from "@/components/trpc/prefetch";

/** Every logged-in screen: header with node name, language and logout, the nav, one live event stream. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <Prefetch queries={(t) => [t.console.openConflicts.queryOptions(), t.system.status.queryOptions(), t.auth.me.queryOptions(), t.system.recentEvents.queryOptions({ limit: 50 })]}>
      <EventStreamProvider>
        <Header />
        <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6">{children}</main>
      </EventStreamProvider>
    </Prefetch>
  );
}
