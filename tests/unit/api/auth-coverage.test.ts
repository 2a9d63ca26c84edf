import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { appRouter } from "../../../server/api/root";
import { createCallerFactory } from "../../../server/api/trpc";
import { contextFor, createTestNode } from "../../support/runtime";

// The only procedures a caller without a session or API key may reach.
const PUBLIC = new Set(["auth.login", "system.health"]);

let node: Awaited<ReturnType<typeof createTestNode>>;
beforeAll(async () => {
  node = await createTestNode();
});
afterAll(() => node.cleanup());

/** Every procedure of the router, by its dotted path, so a new one cannot slip past this test. */
function allProcedures(): { path: string; type: string }[] {
  const procs = (appRouter._def as unknown as { procedures: Record<string, { _def: { type: string } }> }).procedures;
  return Object.entries(procs).map(([path, p]) => ({ path, type: p._def.type }));
}

async function invoke(ctxCaller: Parameters<typeof contextFor>[1], path: string, input: unknown) {
  const caller = createCallerFactory(appRouter)(contextFor(node, ctxCaller)) as unknown as Record<string, unknown>;
  const fn = path.split(".").reduce<unknown>((obj, key) => (obj as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
  const result = await fn(input);
  // A subscription returns an async iterable once its middlewares have passed; pull one item to be sure.
  if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const it = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    await Promise.race([it.next(), new Promise((r) => setTimeout(r, 50))]);
    await it.return?.();
  }
  return result;
}

describe("every procedure needs a session or the API key", () => {
  const procedures = allProcedures();

  it("the router has procedures to check", () => {
    expect(procedures.length).toBeGreaterThan(8);
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining([...PUBLIC]));
  });

  for (const { path, type } of procedures.filter((p) => !PUBLIC.has(p.path))) {
    it(`${type} ${path} refuses an anonymous caller`, async () => {
      const err = await invoke(null, path, undefined).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("UNAUTHORIZED");
    });
  }

  it("the public procedures answer anonymously", async () => {
    await expect(invoke(null, "system.health", undefined)).resolves.toEqual({ ok: true });
    await expect(invoke(null, "auth.login", { username: "admin", password: "wrong-one" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("the API key is accepted where a session is", async () => {
    const status = (await invoke({ kind: "apikey", user: null, actor: "api-key" }, "system.status", undefined)) as { deviceId: string };
    expect(status.deviceId).toBe(node.rt.identity.deviceId);
  });

  it("changing a password needs a person, not the API key", async () => {
    await expect(invoke({ kind: "apikey", user: null, actor: "api-key" }, "auth.changePassword", { current: "a", next: "bbbbbbbbbb" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
