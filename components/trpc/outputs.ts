import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/** What each procedure returns, for typing props of components that show it. */
export type Outputs = inferRouterOutputs<AppRouter>;
export type Inputs = inferRouterInputs<AppRouter>;

export type DeviceStatus = Outputs["devices"]["list"][number];
export type FolderStatus = Outputs["folders"]["list"][number];
export type PendingRequests = Outputs["devices"]["pending"];
export type ChangeRow = Outputs["console"]["recentChanges"][number];
