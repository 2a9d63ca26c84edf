import { FolderDetailScreen } from "@/components/folders/folder-detail-screen";
import { Prefetch } from "@/components/trpc/prefetch";

export default async function FolderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Prefetch queries={(t) => [t.folders.list.queryOptions(), t.conflicts.list.queryOptions({ folderId: decodeURIComponent(id) })]}>
      <FolderDetailScreen id={decodeURIComponent(id)} />
    </Prefetch>
  );
}
