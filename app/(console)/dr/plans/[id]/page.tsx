import { PlanScreen } from "@/components/dr/plan-screen";

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <PlanScreen key={id} planId={decodeURIComponent(id)} />;
}
