import type { Browser, Page } from "playwright-core";
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

async function openSettings(page: Page, password: string) {
  await logIn(page, password, { next: "/settings" });
  await page.getByLabel("Device name").waitFor();
}

describe("settings", () => {
  test("shows stored addresses with the effective ones beside them, saves, and says when a restart is needed", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await openSettings(page, node.password);
    // The test node runs with FERRY_GUI / FERRY_LISTEN, which win over the stored defaults.
    expect(await page.getByLabel("Console address").inputValue()).toBe("127.0.0.1:8484");
    expect(await page.getByTestId("guiAddress-effective").textContent()).toBe(`In use now: ${new URL(node.url).host}`);
    expect(await page.getByTestId("listenAddresses-effective").textContent()).toMatch(/^In use now: tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(await page.getByTestId("localDiscovery-effective").textContent()).toBe("In use now: Off");

    await page.getByLabel("Device name").fill("renamed-in-settings");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await page.getByTestId("node-name").filter({ hasText: "renamed-in-settings" }).waitFor();
    const stored = await callApi<{ stored: { deviceName: string } }>(node, "settings.get");
    expect(stored.stored.deviceName).toBe("renamed-in-settings");

    await page.getByLabel("Sync listen addresses").fill("tcp://0.0.0.0:22200");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Restart the node" }).waitFor();

    await page.getByLabel("Console address").fill("not an address");
    await page.getByRole("button", { name: "Save" }).click();
    expect(await inlineError(page).textContent()).toBe("Console address: expected host:port");
    expect(errors).toEqual([]);
    await context.close();
  });

  test("password change: errors inline, then the new password logs in and the old one does not", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await openSettings(page, node.password);
    const current = page.getByLabel("Current password");
    const next = page.getByLabel("New password", { exact: true });
    const repeat = page.getByLabel("Repeat the new password");
    const submit = page.getByRole("button", { name: "Change password" });

    await current.fill(node.password);
    await next.fill("brand-new-secret-1");
    await repeat.fill("brand-new-secret-2");
    await submit.click();
    expect(await inlineError(page).textContent()).toBe("The new passwords do not match.");

    await current.fill("not-my-password");
    await repeat.fill("brand-new-secret-1");
    await submit.click();
    await inlineError(page).filter({ hasText: "The current password is wrong." }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/settings"); // a wrong current password is not a logout

    await current.fill(node.password);
    await submit.click();
    await page.getByRole("status").filter({ hasText: "Password changed." }).waitFor();
    await context.close();

    const fresh = await openConsole(browser, node.url);
    await fresh.page.goto("/login");
    await fresh.page.getByLabel("User name").fill("admin");
    await fresh.page.getByLabel("Password").fill(node.password);
    await fresh.page.getByRole("button", { name: "Log in" }).click();
    await inlineError(fresh.page).filter({ hasText: "Wrong user name or password." }).waitFor();
    await logIn(fresh.page, "brand-new-secret-1");
    await fresh.page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    expect([...errors, ...fresh.errors]).toEqual([]);
    await fresh.context.close();
    node.password = "brand-new-secret-1";
  });

  test("the API key is hidden until revealed, copies, and regenerates only after confirmation", async () => {
    const { page, context, errors } = await openConsole(browser, node.url);
    await openSettings(page, node.password);
    const key = page.getByTestId("api-key");
    expect(await key.textContent()).not.toContain(node.apiKey);

    await page.getByRole("button", { name: "Reveal" }).click();
    await key.filter({ hasText: node.apiKey }).waitFor();
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByRole("button", { name: /Copied/ }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(node.apiKey);

    await page.getByRole("button", { name: "Regenerate" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    expect(await key.textContent()).toBe(node.apiKey);

    await page.getByRole("button", { name: "Regenerate" }).click();
    await page.getByRole("button", { name: "Yes, regenerate" }).click();
    await page.getByRole("status").filter({ hasText: "A new API key has been generated." }).waitFor();
    const fresh = (await key.textContent())!.trim();
    expect(fresh).not.toBe(node.apiKey);
    await expect(callApi(node, "system.status")).rejects.toThrow();
    await callApi({ url: node.url, apiKey: fresh }, "system.status");
    node.apiKey = fresh;
    expect(errors).toEqual([]);
    await context.close();
  });
});
