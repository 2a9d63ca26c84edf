import { RunScreen } from "@/components/dr/run-screen";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RunScreen key={id} runId={Number(id) || 0} />;
}
