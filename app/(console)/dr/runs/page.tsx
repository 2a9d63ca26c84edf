import { RunsScreen } from "@/components/dr/runs-screen";

export default function RunsPage() {
  return <RunsScreen />;
}
