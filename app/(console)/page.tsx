import { DashboardScreen } from "@/components/dashboard/dashboard-screen";
import { Prefetch } from "@/components/trpc/prefetch";

export default function DashboardPage() {
  return (
    <Prefetch queries={(t) => [t.plans.objectives.queryOptions(), t.plans.list.queryOptions(), t.runs.list.queryOptions({ states: ["failed"], limit: 200 })]}>
      <DashboardScreen />
    </Prefetch>
  );
}
