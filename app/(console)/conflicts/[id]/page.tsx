import { ConflictDetailScreen } from "@/components/conflicts/conflict-detail-screen";

export default async function ConflictPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConflictDetailScreen id={Number(id)} />;
}
