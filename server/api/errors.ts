import { TRPCError } from "@trpc/server";
import { ConfigError } from "../sync/config";
import { ProtocolError } from "../sync/protocol/errors";

/** Runs a service call, turning the domain's "you asked for something invalid" errors into 400s. */
export async function service<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ProtocolError) throw new TRPCError({ code: "BAD_REQUEST", message: err.message, cause: err });
    throw err;
  }
}
