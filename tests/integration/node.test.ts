import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../server/api/root";
import { callApi, ROOT, startNode, type NodeProcess } from "../support/node-process";
import { wsClientFor } from "../support/ws-client";
import type { FerryEvent } from "../../server/events/types";

let node: NodeProcess;
beforeAll(async () => {
  node = await startNode();
});
afterAll(async () => {
  await node?.stop();
});

const PUBLIC = new Set(["auth.login", "system.health"]);

function ferry(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/ferry.mjs"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FERRY_HOME: "" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("a node process", () => {
  it("refuses every non-public procedure over HTTP without a session or key", async () => {
    const procs = Object.entries((appRouter._def as unknown as { procedures: Record<string, { _def: { type: string } }> }).procedures);
    for (const [name, p] of procs) {
      if (PUBLIC.has(name)) continue;
      const url = `${node.url}/api/trpc/${name}`;
      if (p._def.type === "subscription") {
        // Over HTTP a subscription is a server-sent event stream: it must carry the refusal and no event.
        const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
        const reader = res.body!.getReader();
        let text = "";
        while (!text.includes("serialized-error")) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        await reader.cancel();
        expect(text, name).toContain('"code":"UNAUTHORIZED"');
        expect(text, name).not.toMatch(/^id:/m);
        continue;
      }
      const res = p._def.type === "mutation" ? await fetch(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" } }) : await fetch(url);
      expect(res.status, `${name} answered ${res.status}`).toBe(401);
      if (p._def.type === "query") {
        // Queries may also come as POST (the console sends them so); that way is guarded too.
        const post = await fetch(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
        expect(post.status, `${name} (POST) answered ${post.status}`).toBe(401);
      }
    }
  });

  it("validates a plan draft longer than a URL may be, sent as the console sends queries (POST)", async () => {
    // A runbook's worth of comments above a small plan.
    const notes = Array.from({ length: 800 }, (_, i) => `# step ${i}: ${"check the replica, then the backup. ".repeat(3)}\n`).join("");
    const source = `${notes}id: long-draft\ntasks:\n  - id: only\n    kind: shell\n    with: { argv: ["true"] }\n`;
    expect(source.length).toBeGreaterThan(64 * 1024);
    const get = await fetch(`${node.url}/api/trpc/drConsole.validate?input=${encodeURIComponent(JSON.stringify({ source }))}`, { headers: { "x-api-key": node.apiKey } });
    expect(get.status).toBe(431); // Node refuses a request line this long
    const post = await fetch(`${node.url}/api/trpc/drConsole.validate`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": node.apiKey },
      body: JSON.stringify({ source }),
    });
    expect(post.status).toBe(200);
    const body = (await post.json()) as { result: { data: { ok: boolean; plan: { id: string } | null } } };
    expect(body.result.data).toMatchObject({ ok: true, plan: { id: "long-draft" } });
  });

  it("names the bad field of a malformed input with a 400", async () => {
    const res = await fetch(`${node.url}/api/trpc/settings.update`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": node.apiKey },
      body: JSON.stringify({ deviceName: 42 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain("deviceName");
  });

  it("logs in with an HttpOnly, SameSite=Strict session cookie", async () => {
    const res = await fetch(`${node.url}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: node.password }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("ferry_session="));
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Strict(;|$)/);
  });

  it("answers 404 for unknown routes and procedures", async () => {
    expect((await fetch(`${node.url}/api/nothing-here`)).status).toBe(404);
    expect((await fetch(`${node.url}/api/trpc/system.nothing`, { headers: { "x-api-key": node.apiKey } })).status).toBe(404);
  });

  it("closes a WebSocket upgrade on any other path", async () => {
    const ws = new WebSocket(node.url.replace("http", "ws") + "/somewhere", { headers: { "x-api-key": node.apiKey } });
    const outcome = await new Promise<string>((resolve) => {
      ws.on("open", () => resolve("open"));
      ws.on("unexpected-response", (_req, res) => resolve(`http ${res.statusCode}`));
      ws.on("error", () => resolve("error"));
    });
    expect(outcome).not.toBe("open");
  });

  it("refuses an anonymous WebSocket subscription", async () => {
    const { client, close } = wsClientFor(node.url, null);
    const err = await new Promise<unknown>((resolve) => {
      const sub = client.system.events.subscribe(undefined, { onError: (e) => resolve(e), onData: () => resolve("data") });
      setTimeout(() => sub.unsubscribe(), 5000);
    });
    close();
    expect(String((err as Error).message)).toMatch(/Log in or send the API key/);
  });

  it("refuses every non-public procedure over an anonymous WebSocket", async () => {
    const { client, close } = wsClientFor(node.url, null);
    try {
      const procs = Object.entries((appRouter._def as unknown as { procedures: Record<string, { _def: { type: string } }> }).procedures);
      for (const [name, p] of procs) {
        if (PUBLIC.has(name)) continue;
        const proc = name.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], client) as {
          query(i: unknown): Promise<unknown>;
          mutate(i: unknown): Promise<unknown>;
          subscribe(i: unknown, o: { onError(e: unknown): void; onData(): void }): { unsubscribe(): void };
        };
        let outcome: unknown;
        if (p._def.type === "subscription") {
          let sub: { unsubscribe(): void } | undefined;
          outcome = await new Promise<unknown>((resolve) => {
            sub = proc.subscribe(undefined, { onError: (e) => resolve(e), onData: () => resolve("data") });
            setTimeout(() => resolve("no answer"), 5000);
          });
          sub?.unsubscribe();
        } else {
          outcome = await (p._def.type === "mutation" ? proc.mutate({}) : proc.query({})).then(() => "answered", (e: unknown) => e);
        }
        expect((outcome as { data?: { code?: string } }).data?.code, name).toBe("UNAUTHORIZED");
      }
    } finally {
      close();
    }
  });

  it("streams live events and resumes after a reconnect from the last id, losing none", async () => {
    const first = wsClientFor(node.url, node.apiKey);
    const seen: FerryEvent[] = [];
    const sub = first.client.system.events.subscribe(undefined, { onData: (e) => seen.push(e.data as FerryEvent) });
    await new Promise((r) => setTimeout(r, 300));
    await callApi(node, "settings.update", { deviceName: "alpha" }, "mutation");
    await expect.poll(() => seen.some((e) => e.type === "settings.changed"), { timeout: 5000 }).toBe(true);
    const lastSeen = seen.at(-1)!.id;
    sub.unsubscribe();
    first.close();

    // While nobody listens, two more changes happen.
    await callApi(node, "settings.update", { deviceName: "beta" }, "mutation");
    await callApi(node, "settings.update", { deviceName: "gamma" }, "mutation");

    const second = wsClientFor(node.url, node.apiKey);
    const resumed: FerryEvent[] = [];
    const sub2 = second.client.system.events.subscribe({ lastEventId: lastSeen }, { onData: (e) => resumed.push(e.data as FerryEvent) });
    await expect.poll(() => resumed.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    sub2.unsubscribe();
    second.close();
    expect(resumed[0].id).toBe(lastSeen + 1);
    expect(resumed.map((e) => e.type)).toEqual(["settings.changed", "settings.changed"]);
    expect(resumed.map((e) => e.id)).toEqual([lastSeen + 1, lastSeen + 2]);
  });

  it("answers `ferry id` and `ferry status --json` through its home directory", () => {
    const id = ferry("id", "--home", node.home);
    expect(id.stderr).toBe("");
    expect(id.stdout.trim()).toBe(node.deviceId);
    const status = ferry("--home", node.home, "status", "--json");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ deviceId: node.deviceId, deviceName: "gamma" });
    const byGui = ferry("--gui", node.url, "--api-key", node.apiKey, "id");
    expect(byGui.stdout.trim()).toBe(node.deviceId);
    const wrongKey = ferry("--gui", node.url, "--api-key", "x".repeat(40), "id");
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.stderr).toMatch(/refused the API key/);
  });

  it("stops cleanly on SIGTERM with exit 0, and starts again with the same identity", async () => {
    const code = await node.stop();
    expect(code).toBe(0);
    expect(node.log()).toContain("stopped");
    node = await startNode({ home: node.home });
    expect(node.log()).not.toContain("password:");
    const status = await callApi<{ deviceId: string; deviceName: string }>(node, "system.status");
    expect(status.deviceName).toBe("gamma");
  });

  it("without FERRY_ADMIN_PASSWORD prints a random admin password once, and it logs in", async () => {
    const fresh = await startNode({ env: { FERRY_ADMIN_PASSWORD: "" } });
    try {
      const printed = /created user "admin" with password: (\S+)/.exec(fresh.log())?.[1];
      expect(printed).toMatch(/^\S{12,}$/);
      const login = (password: string) =>
        fetch(`${fresh.url}/api/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password }) });
      expect((await login(printed!)).status).toBe(200);
      expect(await fresh.stop(), fresh.log()).toBe(0);
      const again = await startNode({ home: fresh.home, env: { FERRY_ADMIN_PASSWORD: "" } });
      expect(again.log()).not.toContain("password:");
      expect(await again.stop(), again.log()).toBe(0);
    } finally {
      await fresh.stop();
    }
  });

  it("refuses to start with a corrupt cert.pem and names the file", async () => {
    await node.stop();
    const cert = path.join(node.home, "cert.pem");
    fs.writeFileSync(cert, "garbage");
    await expect(startNode({ home: node.home, timeoutMs: 30_000 })).rejects.toThrow(cert);
  });
});
