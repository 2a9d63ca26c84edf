// Probe: where a console page load's time goes (navigation timing and the first tRPC answer), on
// an idle node. Not part of npm run bench. Usage: node --import tsx tests/bench/page-probe.ts
import { launchBrowser, logIn, openConsole } from "../support/browser";
import { startNode } from "../support/node-process";

const node = await startNode();
const browser = await launchBrowser();
const con = await openConsole(browser, node.url);
await logIn(con.page, node.password);
const page = con.page;
const requests: { url: string; start: number; end: number }[] = [];
let t0 = 0;
page.on("requestfinished", (r) => {
  const timing = r.timing();
  requests.push({ url: r.url().replace(node.url, ""), start: timing.startTime - t0, end: timing.startTime - t0 + timing.responseEnd });
});
for (const [url, ready] of [["/folders", "folder-row"], ["/devices", "device-id"], ["/", "health-folders"], ["/folders", "folder-row"]] as const) {
  requests.length = 0;
  t0 = Date.now();
  await page.goto(node.url + url);
  const nav = Date.now() - t0;
  await page.getByTestId(ready).first().waitFor({ timeout: 30_000 }).catch(() => {});
  const total = Date.now() - t0;
  const timing = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { ttfb: Math.round(n.responseStart), domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
  });
  console.log(`${url}: goto ${nav} ms, data on screen ${total} ms; ${JSON.stringify(timing)}`);
  for (const r of requests.sort((a, b) => a.start - b.start)) console.log(`   ${String(Math.round(r.start)).padStart(5)} → ${String(Math.round(r.end)).padStart(5)} ms  ${r.url.slice(0, 110)}`);
}
await browser.close();
await node.stop();
