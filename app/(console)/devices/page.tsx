import { DevicesScreen } from "@/components/devices/devices-screen";
import { Prefetch } from "@/components/trpc/prefetch";

export default function DevicesPage() {
  return (
    <Prefetch queries={(t) => [t.devices.list.queryOptions(), t.devices.pending.queryOptions(), t.folders.list.queryOptions()]}>
      <DevicesScreen />
    </Prefetch>
  );
}
