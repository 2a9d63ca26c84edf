import { TRPCClientError } from "@trpc/client";

/** The tRPC error code of a failed call ("UNAUTHORIZED", "TOO_MANY_REQUESTS", …), or null. */
export function trpcErrorCode(err: unknown): string | null {
  if (err instanceof TRPCClientError) {
    const data = err.data as { code?: unknown } | undefined;
    return typeof data?.code === "string" ? data.code : null;
  }
  return null;
}

export function isUnauthorized(err: unknown): boolean {
  return trpcErrorCode(err) === "UNAUTHORIZED";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Full navigation to the login page, coming back here afterwards. */
export function goToLogin() {
  if (location.pathname.startsWith("/login")) return;
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/** Per-field problems the server found in the input (the errorFormatter adds them for zod errors). */
export function fieldErrors(err: unknown): { path: string; message: string }[] {
  if (!(err instanceof TRPCClientError)) return [];
  const fields = (err.data as { fields?: unknown } | undefined)?.fields;
  return Array.isArray(fields) ? (fields as { path: string; message: string }[]) : [];
}
