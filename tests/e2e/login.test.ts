import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inlineError, launchBrowser, logIn, openConsole } from "../support/browser";
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

describe("login", () => {
  test("an unauthenticated visit to the dashboard lands on the login page", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/");
    await expect(page.getByRole("heading", { name: "Log in to Ferry" }).isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  test("a wrong password shows the server's message on the page and stays there", async () => {
    const { page, context } = await openConsole(browser, node.url);
    await page.goto("/login");
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    const alert = inlineError(page);
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Wrong user name or password.");
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });

  test("logging in returns to the page named by next, and logout ends the session", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await page.goto("/settings");
    expect(page.url()).toContain("/login?next=%2Fsettings");
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Password").fill(node.password);
    await Promise.all([page.waitForURL("**/settings"), page.getByRole("button", { name: "Log in" }).click()]);
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();

    await Promise.all([page.waitForURL("**/login"), page.getByRole("button", { name: "Log out" }).click()]);
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(errors).toEqual([]);
    await context.close();
  });

  test("an off-site next parameter is ignored", async () => {
    const { page, context } = await openConsole(browser, node.url);
    await logIn(page, node.password, { next: "//example.invalid/x" });
    expect(new URL(page.url()).origin).toBe(new URL(node.url).origin);
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });

  test("a session that ends while a page is open sends the user to the login page", async () => {
    const { page, context } = await openConsole(browser, node.url);
    await logIn(page, node.password);
    await page.getByTestId("device-id").waitFor();
    await context.clearCookies();
    // The settings.changed event makes the page refetch its status, which now answers 401.
    await callApi(node, "settings.update", { deviceName: `ended-${Date.now()}` }, "mutation");
    await page.waitForURL("**/login?next=%2F");
    await page.getByRole("heading", { name: "Log in to Ferry" }).waitFor();
    await context.close();
  });

  // Last in the file: it leaves this address throttled for a while.
  test("repeated failures show the throttling message", async () => {
    const { page, context } = await openConsole(browser, node.url);
    await page.goto("/login");
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Password").fill("wrong-again");
    const alert = inlineError(page);
    for (let i = 0; i < 5; i++) {
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForFunction(() => !document.querySelector("button[type=submit]")?.hasAttribute("disabled"));
      if ((await alert.textContent())?.startsWith("Too many failed attempts")) break;
    }
    expect(await alert.textContent()).toMatch(/^Too many failed attempts\. Try again in \d+ s\.$/);
    await context.close();
  });
});
