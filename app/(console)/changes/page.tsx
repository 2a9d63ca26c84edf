import { ChangesScreen } from "@/components/changes/changes-screen";

export default function ChangesPage() {
  return <ChangesScreen />;
}
