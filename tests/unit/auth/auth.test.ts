import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginThrottle } from "../../../server/auth/throttle";
import { hashPassword, verifyPassword } from "../../../server/auth/passwords";
import { AuthError } from "../../../server/auth/service";
import { users, sessions } from "../../../server/db/schema";
import { createTestNode } from "../../support/runtime";

describe("passwords", () => {
  it("stores scrypt hashes that verify only the right password", async () => {
    const hash = await hashPassword("hunter2hunter2");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain("hunter2");
    await expect(verifyPassword("hunter2hunter2", hash)).resolves.toBe(true);
    await expect(verifyPassword("hunter2hunter3", hash)).resolves.toBe(false);
  });
});

describe("login throttle", () => {
  it("lets three attempts through, then makes each further one wait twice as long", () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    const keys = ["addr:1.2.3.4"];
    t.fail(keys);
    t.fail(keys);
    expect(t.retryAfter(keys)).toBe(0);
    t.fail(keys);
    expect(t.retryAfter(keys)).toBe(1000);
    now = 1000;
    t.fail(keys);
    expect(t.retryAfter(keys)).toBe(2000);
    t.succeed(keys);
    expect(t.retryAfter(keys)).toBe(0);
  });
});

describe("auth service", () => {
  let node: Awaited<ReturnType<typeof createTestNode>>;
  beforeAll(async () => {
    node = await createTestNode("first-password");
  });
  afterAll(() => node.cleanup());

  it("creates one admin account whose password is the configured one", async () => {
    const rows = node.rt.db.select().from(users).all();
    expect(rows.map((r) => r.username)).toEqual(["admin"]);
    expect(rows[0].passwordHash).not.toContain("first-password");
    const { user } = await node.rt.auth.login("admin", "first-password", "127.0.0.1");
    expect(user.username).toBe("admin");
  });

  it("refuses a wrong password and slows down repeated attempts", async () => {
    const attempt = () => node.rt.auth.login("admin", "nope", "10.9.9.9").catch((e: AuthError) => e.reason);
    expect(await attempt()).toBe("bad_credentials");
    expect(await attempt()).toBe("bad_credentials");
    expect(await attempt()).toBe("bad_credentials");
    expect(await attempt()).toBe("throttled");
    // Even the right password waits until the delay is over.
    await expect(node.rt.auth.login("admin", "first-password", "10.9.9.9")).rejects.toMatchObject({ reason: "throttled" });
  });

  it("a session token opens the session until logout; only its hash is stored", async () => {
    const { token } = await node.rt.auth.login("admin", "first-password", "127.0.0.2");
    expect(node.rt.auth.sessionUser(token)?.username).toBe("admin");
    expect(JSON.stringify(node.rt.db.select().from(sessions).all())).not.toContain(token);
    node.rt.auth.logout(token, "admin");
    expect(node.rt.auth.sessionUser(token)).toBeNull();
    expect(node.rt.auth.sessionUser("made-up")).toBeNull();
  });

  it("a password change ends the user's other sessions and the old password stops working", async () => {
    const a = await node.rt.auth.login("admin", "first-password", "127.0.0.3");
    const b = await node.rt.auth.login("admin", "first-password", "127.0.0.4");
    await node.rt.auth.changePassword(a.user, "first-password", "second-password", a.token);
    expect(node.rt.auth.sessionUser(a.token)?.username).toBe("admin");
    expect(node.rt.auth.sessionUser(b.token)).toBeNull();
    await expect(node.rt.auth.login("admin", "first-password", "127.0.0.5")).rejects.toBeInstanceOf(AuthError);
    await expect(node.rt.auth.login("admin", "second-password", "127.0.0.5")).resolves.toBeTruthy();
  });

  it("the API key file is checked in constant time and can be regenerated", () => {
    const key = node.rt.auth.getApiKey();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(node.rt.auth.checkApiKey(key)).toBe(true);
    expect(node.rt.auth.checkApiKey(key.slice(1))).toBe(false);
    const fresh = node.rt.auth.regenerateApiKey("test");
    expect(node.rt.auth.checkApiKey(key)).toBe(false);
    expect(node.rt.auth.checkApiKey(fresh)).toBe(true);
  });
});
