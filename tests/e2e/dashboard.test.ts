import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchBrowser, logIn, openConsole } from "../support/browser";
import { callApi, startNode, type NodeProcess } from "../support/node-process";

let node: NodeProcess;
let browser: Browser;

beforeAll(async () => {
  node = await startNode();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await node?.stop();
});

const feedItem = (page: Page, text: string | RegExp) => page.getByTestId("event-feed").locator("li", { hasText: text });

describe("dashboard", () => {
  test("shows the device ID the node printed, as text and as a QR code, and copies it", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await logIn(page, node.password);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    const id = page.getByTestId("device-id");
    await id.waitFor();
    expect(await id.textContent()).toBe(node.deviceId);
    expect(await page.getByRole("img", { name: "QR code of the device ID" }).isVisible()).toBe(true);

    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByRole("button", { name: /Copied/ }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(node.deviceId);

    // Node status and the first page of events.
    expect(await page.locator("#node-status").textContent()).toContain(new URL(node.url).host);
    await feedItem(page, "Node started").first().waitFor();
    await feedItem(page, "admin logged in").first().waitFor();
    await page.getByTestId("stream-status").and(page.locator("[data-status=live]")).waitFor();

    await page.screenshot({ path: "/tmp/ferry-dashboard.png", fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  test("an event appears without a reload, and the header follows the new device name", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await logIn(page, node.password);
    await page.getByTestId("stream-status").and(page.locator("[data-status=live]")).waitFor();
    const before = await feedItem(page, "Settings changed").count();

    await callApi(node, "settings.update", { deviceName: "live-name" }, "mutation");
    await feedItem(page, "Settings changed by api-key: device name.").nth(before).waitFor();
    await page.getByTestId("node-name").filter({ hasText: "live-name" }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  test("events sent while the WebSocket was dying are delivered after it reconnects", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    // Sit between the page and the node: forward everything, but be able to swallow what the node
    // sends on the current connection and then cut it, as a network drop would.
    const routes: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    let swallow = false;
    await page.routeWebSocket(/\/api\/ws$/, (ws) => {
      const server = ws.connectToServer();
      const mine = { page: ws, server };
      routes.push(mine);
      server.onMessage((msg) => {
        if (!(swallow && routes.at(-1) === mine)) ws.send(msg);
      });
    });
    await logIn(page, node.password);
    await page.getByTestId("stream-status").and(page.locator("[data-status=live]")).waitFor();
    const connections = routes.length;

    swallow = true;
    await callApi(node, "auth.login", { username: "lost-while-offline", password: "x" }, "mutation").catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300)); // the node has sent it; the page never saw it
    expect(await feedItem(page, "lost-while-offline").count()).toBe(0);
    const dying = routes.at(-1)!;
    await dying.server.close();
    await dying.page.close({ code: 4000, reason: "test: connection dropped" });
    swallow = false;

    await feedItem(page, "Failed login attempt as “lost-while-offline”").waitFor({ timeout: 15_000 });
    expect(routes.length).toBeGreaterThan(connections);
    // And the reconnected stream is live for new events too.
    await callApi(node, "settings.update", { deviceName: "after-reconnect" }, "mutation");
    await page.getByTestId("node-name").filter({ hasText: "after-reconnect" }).waitFor();
    expect(await feedItem(page, "lost-while-offline").count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  test("switching to Russian changes the text in place and is remembered", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await logIn(page, node.password);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    // The heading comes in the first HTML; once the event stream is live the page is hydrated and
    // the router's own first history entry is written, so what follows would be a real navigation.
    await page.getByTestId("stream-status").and(page.locator("[data-status=live]")).waitFor();
    const navigations: string[] = [];
    page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));

    await page.getByRole("button", { name: "RU" }).click();
    await page.getByRole("heading", { name: "Обзор", level: 1 }).waitFor();
    expect(await page.getByRole("link", { name: "Настройки" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Выйти" }).isVisible()).toBe(true);
    await feedItem(page, "Узел запущен").first().waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("ru");
    expect(navigations).toEqual([]); // no reload

    await page.reload();
    await page.getByRole("heading", { name: "Обзор", level: 1 }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("ru");
    expect((await context.cookies()).find((c) => c.name === "ferry_lang")?.value).toBe("ru");

    await page.getByRole("button", { name: "EN" }).click();
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
  test("pages arrive with their data: with scripts off, the dashboard, devices and folders pages still show it", async () => {
    const { page, context } = await openConsole(browser, node.url);
    await logIn(page, node.password);
    const storageState = await context.storageState();
    await context.close();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-ssr-"));
    await callApi(node, "folders.add", { id: "ssr", label: "Rendered on the server", path: dir }, "mutation");

    // No script runs in this browser: whatever shows came in the page's first HTML.
    const noJs = await browser.newContext({ baseURL: node.url, javaScriptEnabled: false, storageState });
    const p = await noJs.newPage();
    await p.goto("/");
    expect(await p.getByTestId("device-id").textContent()).toBe(node.deviceId);
    expect(await p.getByTestId("health-folders").isVisible()).toBe(true);
    await p.goto("/devices");
    expect(await p.getByTestId("device-id").textContent()).toBe(node.deviceId);
    await p.goto("/folders");
    expect(await p.locator("[data-testid=folder-row][data-folder-id=ssr]").textContent()).toContain("Rendered on the server");
    await p.goto("/folders/ssr");
    expect(await p.getByTestId("folder-state").isVisible()).toBe(true);
    await noJs.close();

    // And none for a visitor without a session: the login page, no data.
    const anon = await browser.newContext({ baseURL: node.url, javaScriptEnabled: false });
    const a = await anon.newPage();
    await a.goto("/folders");
    expect(new URL(a.url()).pathname).toBe("/login");
    expect(await a.content()).not.toContain("Rendered on the server");
    await anon.close();
    await callApi(node, "folders.remove", { id: "ssr" }, "mutation");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
