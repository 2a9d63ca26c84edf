import { NewPlanScreen } from "@/components/dr/new-plan-screen";

export default function NewPlanPage() {
  return <NewPlanScreen />;
}
