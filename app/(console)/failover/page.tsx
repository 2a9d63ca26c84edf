import { FailoverScreen } from "@/components/dr/failover-screen";

export default function FailoverPage() {
  return <FailoverScreen />;
}
