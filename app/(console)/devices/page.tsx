import { DevicesScreen } from "@/components/devices/devices-screen";

export default function DevicesPage() {
  return <DevicesScreen />;
}
