"use client";

import { useQuery } from "@tanstack/react-query";
import { useT } from "@/components/i18n/i18n-provider";
import { useTRPC } from "@/components/trpc/trpc";

/** Short ID (a version's modifier) → the device's name, "this device" for our own, else the short ID. */
export function useDeviceName(): (shortId: string) => string {
  const t = useT();
  const trpc = useTRPC();
  const devices = useQuery(trpc.devices.list.queryOptions());
  const status = useQuery(trpc.system.status.queryOptions());
  const own = status.data?.deviceId.slice(0, 7);
  const names = new Map((devices.data ?? []).map((d) => [d.deviceId.slice(0, 7), d.name || d.deviceId.slice(0, 7)]));
  return (shortId) => (shortId === own ? t("common.thisDevice") : (names.get(shortId) ?? shortId));
}
