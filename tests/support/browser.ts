import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from "playwright-core";

/** Debian's Chromium, offline: the flags keep it from reaching for the network (stack.md §5). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.FERRY_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Errors the page logged or threw; a clean console has none. */
  errors: string[];
}

// Chromium logs every 4xx response as a console error. A rejected input, a wrong password or a
// throttled login is such a response, answered inline by the page, so those lines are not failures.
const EXPECTED = /^Failed to load resource: the server responded with a status of (400|401|429) /;

/** A fresh context (own cookies) with a page that records console errors and page errors. */
export async function openConsole(browser: Browser, baseURL: string): Promise<ConsolePage> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (msg: ConsoleMessage) => {
    if (msg.type() === "error" && !EXPECTED.test(msg.text())) errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  return { context, page, errors };
}

/** Logs in through the form and waits for the page the login sends us to. */
export async function logIn(page: Page, password: string, opts: { username?: string; next?: string } = {}): Promise<void> {
  await page.goto(opts.next ? `/login?next=${encodeURIComponent(opts.next)}` : "/login");
  await page.getByLabel(/User name|Имя пользователя/).fill(opts.username ?? "admin");
  await page.getByLabel(/^(Password|Пароль)$/).fill(password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.getByRole("button", { name: /^(Log in|Войти)$/ }).click()]);
}

/** The page's own inline error (Next adds an empty role=alert route announcer, which this skips). */
export function inlineError(page: Page) {
  return page.locator("main [role=alert]");
}
