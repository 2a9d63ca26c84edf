import { FolderDetailScreen } from "@/components/folders/folder-detail-screen";

export default async function FolderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <FolderDetailScreen id={decodeURIComponent(id)} />;
}
