import { AlertsScreen } from "@/components/dr/alerts-screen";

export default function AlertsPage() {
  return <AlertsScreen />;
}
