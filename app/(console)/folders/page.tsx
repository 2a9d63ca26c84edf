import { FoldersScreen } from "@/components/folders/folders-screen";
import { Prefetch } from "@/components/trpc/prefetch";

export default function FoldersPage() {
  return (
    <Prefetch queries={(t) => [t.folders.list.queryOptions(), t.devices.pending.queryOptions(), t.devices.list.queryOptions()]}>
      <FoldersScreen />
    </Prefetch>
  );
}
