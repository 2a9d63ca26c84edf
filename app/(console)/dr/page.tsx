import { PlansScreen } from "@/components/dr/plans-screen";

export default function DrPage() {
  return <PlansScreen />;
}
