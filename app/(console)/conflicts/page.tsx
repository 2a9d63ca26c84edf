import { Suspense } from "react";
import { ConflictsScreen } from "@/components/conflicts/conflicts-screen";

export default function ConflictsPage() {
  // useSearchParams() needs a Suspense boundary for the static shell of the page.
  return (
    <Suspense>
      <ConflictsScreen />
    </Suspense>
  );
}
