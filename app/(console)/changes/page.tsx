import { ChangesScreen } from "@/components/changes/changes-screen";
import { Prefetch } from "@/components/trpc/prefetch";

export default function ChangesPage() {
  return (
    <Prefetch queries={(t) => [t.console.recentChanges.queryOptions({ limit: 200 }), t.folders.list.queryOptions()]}>
      <ChangesScreen />
    </Prefetch>
  );
}
