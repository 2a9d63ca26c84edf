import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageQuery } from "../../../server/api/page-queries";
import { appRouter } from "../../../server/api/root";
import { SESSION_COOKIE } from "../../../server/auth/service";
import { createTestNode } from "../../support/runtime";

// What Next's server render may ask while it builds a page (components/trpc/prefetch.tsx): queries
// only, as the visitor whose cookie the page request carried, and nothing for a visitor without one.
let node: Awaited<ReturnType<typeof createTestNode>>;
let cookie: string;
beforeAll(async () => {
  node = await createTestNode("page-query-password");
  const { token } = await node.rt.auth.login("admin", "page-query-password", "127.0.0.1");
  cookie = `other=1; ${SESSION_COOKIE}=${encodeURIComponent(token)}`;
});
afterAll(() => node.cleanup());

const procedures = Object.entries((appRouter._def as unknown as { procedures: Record<string, { _def: { type: string } }> }).procedures);

describe("page queries", () => {
  it("answer a query as the session's user would get it over HTTP, as plain JSON", async () => {
    node.rt.events.emit("settings.changed", { by: "admin", keys: ["deviceName"] });
    const status = (await pageQuery(cookie, "system.status", undefined)) as { deviceId: string; startedAt: unknown };
    expect(status.deviceId).toBe(node.rt.identity.deviceId);
    const me = await pageQuery(cookie, "auth.me", undefined);
    expect(me).toMatchObject({ username: "admin" });
    const events = (await pageQuery(cookie, "system.recentEvents", { limit: 5 })) as { type: string }[];
    expect(events.some((e) => e.type === "settings.changed")).toBe(true);
  });

  it("validate input like /api/trpc does", async () => {
    await expect(pageQuery(cookie, "system.recentEvents", { limit: "many" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  // system.health is public by design (auth-coverage.test.ts); every other query needs a session.
  for (const [path] of procedures.filter(([path, p]) => p._def.type === "query" && path !== "system.health")) {
    it(`refuse ${path} without a session or with a forged one`, async () => {
      for (const c of [null, `${SESSION_COOKIE}=forged-token`, "unrelated=1"]) await expect(pageQuery(c, path, undefined), `${path} with ${c}`).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    });
  }

  it("refuse every mutation and subscription, even with a session", async () => {
    const others = procedures.filter(([, p]) => p._def.type !== "query");
    expect(others.length).toBeGreaterThan(10);
    for (const [path] of others) await expect(pageQuery(cookie, path, undefined)).rejects.toThrow(`${path} is not a query`);
    await expect(pageQuery(cookie, "no.such.procedure", undefined)).rejects.toThrow("is not a query");
  });

  it("stop answering once the session is logged out", async () => {
    const { token } = await node.rt.auth.login("admin", "page-query-password", "127.0.0.1");
    const c = `${SESSION_COOKIE}=${token}`;
    await expect(pageQuery(c, "auth.me", undefined)).resolves.toMatchObject({ username: "admin" });
    node.rt.auth.logout(token, "admin");
    await expect(pageQuery(c, "auth.me", undefined)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
