// Scenario "console" (issue 5 item 8): does the console stay usable while a big folder is scanned?
// One Ferry node with its console; N small files in 100 directories; real Chromium logs in, the
// folder is added, and while the scan runs each page is loaded in turn (navigation until the
// page's data is on screen), then the same again once the scan is done. Every sample is kept;
// the report gives p50 and worst per page against the 1-second budget.
import fs from "node:fs";
import path from "node:path";
import { launchBrowser, logIn, openConsole } from "../support/browser";
import { callApi, startNode, type NodeProcess } from "../support/node-process";
import { until } from "./pairs";
import { procFigures, type ProcFigures } from "./proc";
import { median } from "./scenarios";

export const BUDGET_MS = 1000;
const FOLDER = "big";
const DIRS = 100;
/** Rounds of every page after the scan, so "after" has a p50 too. */
const AFTER_ROUNDS = 5;

/**
 * Each page and what only shows once its data has arrived (the same test ids the e2e checks), as
 * a CSS selector the page itself watches too (see PAINT_CLOCK).
 */
const PAGES: { url: string; css: string }[] = [
  { url: "/", css: "[data-testid=health-folders]" },
  { url: "/folders", css: `[data-testid=folder-row][data-folder-id=${FOLDER}]` },
  { url: `/folders/${FOLDER}`, css: "[data-testid=folder-state]" },
  { url: "/devices", css: "[data-testid=device-id]" },
  // An empty feed is an answer too: early in the scan there may be no change to list yet.
  { url: "/changes", css: "[data-testid=change-row], [data-testid=changes-none]" },
];

/**
 * Runs in every page before its own scripts: on each animation frame, notes when each selector
 * first matched a visible element, on the page's navigation clock. Playwright's view of the same
 * moment (`ms`) also includes the load event and its own round trips.
 */
// A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
const PAINT_CLOCK = (selectors: string[]) => `(() => {
  const selectors = ${JSON.stringify(selectors)};
  const seen = {};
  window.__ferryPainted = seen;
  const frame = () => {
    for (const sel of selectors)
      if (seen[sel] === undefined && [...document.querySelectorAll(sel)].some((e) => e.getClientRects().length > 0)) seen[sel] = performance.now();
    if (Object.keys(seen).length < selectors.length) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

export interface Sample {
  /** Playwright's view: goto() (which waits for the load event) plus its wait for the data; includes its own round trips. */
  ms: number;
  /** The browser's own clock: the first frame in which the page's data was visible (PAINT_CLOCK). */
  paintedMs: number;
  /** Where the time went, from the page's navigation timing: the HTML's first byte, its last byte, the load event. */
  htmlFirstByteMs: number;
  htmlDoneMs: number;
  loadEventMs: number;
  /** The folder's state and local file count when the load started. */
  state: string;
  localFiles: number;
}

export interface PhaseFigures {
  samples: Sample[];
  /** On the browser's own clock: navigation start to the first frame showing the data. */
  p50Ms: number | null;
  worstMs: number | null;
  p50Met: boolean | null;
  worstMet: boolean | null;
  /** As Playwright sees it: from asking for the page until the load event has fired and the data is visible. */
  playwrightP50Ms: number | null;
  playwrightWorstMs: number | null;
}

export interface ConsoleResult {
  files: number;
  directories: number;
  budgetMs: number;
  createSeconds: number;
  /** From folders.add until the folder is idle with every file counted. */
  scanSeconds: number;
  roundsDuringScan: number;
  node: {
    atScanEnd: ProcFigures | null;
    atEnd: ProcFigures | null;
    /** CPU seconds the node used during the scan (scanning and serving the pages) / wall seconds. */
    cpuSecondsDuringScan: number | null;
    cpuPercentDuringScan: number | null;
  };
  pages: Record<string, { during: PhaseFigures; after: PhaseFigures }>;
  consoleErrors: string[];
}

interface FolderRow {
  id: string;
  state: string;
  local: { files: number };
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** N files of a few bytes in 100 directories: the cost is in the count, not the bytes. */
function makeFiles(root: string, files: number): void {
  const perDir = Math.ceil(files / DIRS);
  for (let d = 0, made = 0; d < DIRS && made < files; d++) {
    const dir = path.join(root, `dir-${String(d).padStart(3, "0")}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < perDir && made < files; f++, made++) fs.writeFileSync(path.join(dir, `file-${f}.txt`), `${d}/${f}\n`);
  }
}

function phase(samples: Sample[]): PhaseFigures {
  if (!samples.length) return { samples, p50Ms: null, worstMs: null, p50Met: null, worstMet: null, playwrightP50Ms: null, playwrightWorstMs: null };
  const painted = samples.map((s) => s.paintedMs);
  const p50 = Math.round(median(painted));
  const worst = Math.max(...painted);
  const pw = samples.map((s) => s.ms);
  return { samples, p50Ms: p50, worstMs: worst, p50Met: p50 < BUDGET_MS, worstMet: worst < BUDGET_MS, playwrightP50Ms: Math.round(median(pw)), playwrightWorstMs: Math.max(...pw) };
}

export async function runConsole(root: string, files: number, log: (l: string) => void, profileDir?: string): Promise<ConsoleResult> {
  const dataDir = path.join(root, "console-data");
  log(`\n(console) console pages while ${files.toLocaleString("en")} files are scanned`);
  const c0 = performance.now();
  makeFiles(dataDir, files);
  const createSeconds = (performance.now() - c0) / 1000;
  log(`  made ${files} files in ${DIRS} directories in ${createSeconds.toFixed(1)} s`);

  let node: NodeProcess | undefined;
  const browser = await launchBrowser();
  try {
    node = await startNode({ home: path.join(root, "console-home"), nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [] });
    const n = node;
    const con = await openConsole(browser, n.url);
    await logIn(con.page, n.password);
    const pid = n.child.pid!;

    // The folder's state, polled in the background (as an open console's live view would ask).
    let folder: FolderRow = { id: FOLDER, state: "new", local: { files: 0 } };
    // An object, not two lets: the poller's closure sets them, which TypeScript's narrowing cannot see.
    const scan: { end: number | null; figures: ProcFigures | null } = { end: null, figures: null };
    let polling = true;
    const cpuBefore = procFigures(pid);
    const t0 = performance.now();
    await callApi(n, "folders.add", { id: FOLDER, label: "Big", path: dataDir, fsWatcherEnabled: false, rescanIntervalS: 3600 }, "mutation");
    const poller = (async () => {
      while (polling) {
        try {
          const f = (await callApi<FolderRow[]>(n, "folders.list")).find((x) => x.id === FOLDER);
          if (f) folder = f;
          if (scan.end === null && f?.state === "idle" && f.local.files === files) {
            scan.end = performance.now();
            scan.figures = procFigures(pid);
          }
        } catch {
          // a refused or reset request while the node is busy: ask again next time
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const during: Record<string, Sample[]> = {};
    const after: Record<string, Sample[]> = {};
    await con.page.addInitScript({ content: PAINT_CLOCK(PAGES.map((p) => p.css)) });
    const load = async (url: string, css: string, into: Record<string, Sample[]>) => {
      const start = { state: folder.state, localFiles: folder.local.files };
      const t = performance.now();
      await con.page.goto(url);
      await con.page.locator(css).first().waitFor({ timeout: 60_000 });
      const ms = Math.round(performance.now() - t);
      const timing = await con.page.evaluate((sel) => {
        const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const painted = (window as unknown as { __ferryPainted: Record<string, number> }).__ferryPainted[sel];
        return { paintedMs: Math.round(painted), htmlFirstByteMs: Math.round(n.responseStart), htmlDoneMs: Math.round(n.responseEnd), loadEventMs: Math.round(n.loadEventEnd) };
      }, css);
      (into[url] ??= []).push({ ms, ...timing, ...start });
    };

    let rounds = 0;
    const deadline = t0 + 30 * 60_000;
    while (scan.end === null) {
      if (performance.now() > deadline) throw new Error(`the scan of ${files} files did not finish in 30 min (state ${folder.state}, ${folder.local.files} files)`);
      for (const p of PAGES) if (scan.end === null) await load(p.url, p.css, during);
      rounds++;
    }
    const scanSeconds = (scan.end - t0) / 1000;
    log(`  scan done in ${scanSeconds.toFixed(1)} s; ${rounds} rounds of page loads meanwhile`);
    for (let i = 0; i < AFTER_ROUNDS; i++) for (const p of PAGES) await load(p.url, p.css, after);
    polling = false;
    await poller;
    await until("the folder to still hold every file", async () => folder.local.files === files, 10_000);

    const endFig = scan.figures;
    const cpuDuring = endFig && cpuBefore ? endFig.cpuSeconds - cpuBefore.cpuSeconds : null;
    return {
      files,
      directories: DIRS,
      budgetMs: BUDGET_MS,
      createSeconds: r1(createSeconds),
      scanSeconds: Math.round(scanSeconds * 1000) / 1000,
      roundsDuringScan: rounds,
      node: {
        atScanEnd: endFig,
        atEnd: procFigures(pid),
        cpuSecondsDuringScan: cpuDuring === null ? null : Math.round(cpuDuring * 100) / 100,
        cpuPercentDuringScan: cpuDuring === null ? null : Math.round((cpuDuring / scanSeconds) * 100),
      },
      pages: Object.fromEntries(PAGES.map((p) => [p.url, { during: phase(during[p.url] ?? []), after: phase(after[p.url] ?? []) }])),
      consoleErrors: con.errors,
    };
  } finally {
    await browser.close();
    await node?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The readable table: one line per page, p50 and worst during and after, each against the budget. */
export function consoleTable(r: ConsoleResult): string[] {
  const mark = (ms: number | null, met: boolean | null) => (ms === null ? "—".padStart(14) : `${String(ms).padStart(5)} ms ${met ? "met   " : "MISSED"}`);
  const pw = (f: PhaseFigures) => `${String(f.playwrightP50Ms ?? "—").padStart(5)} / ${String(f.playwrightWorstMs ?? "—").padStart(5)}`;
  const lines = [
    `  budget ${r.budgetMs} ms from navigation start to the first frame showing the page's data (the browser's own clock);`,
    `  beside it, as Playwright sees it: goto() until the load event, then its wait for the data (its own round trips included)`,
    `  ${"page".padEnd(14)} ${"during scan".padEnd(50)} after scan`,
    `  ${"".padEnd(14)} ${"n".padStart(3)}  ${"p50".padEnd(15)} ${"worst".padEnd(15)} ${"playwright".padEnd(14)} ${"n".padStart(3)}  ${"p50".padEnd(15)} ${"worst".padEnd(15)} playwright`,
  ];
  for (const [url, { during, after }] of Object.entries(r.pages)) {
    lines.push(
      `  ${url.padEnd(14)} ${String(during.samples.length).padStart(3)}  ${mark(during.p50Ms, during.p50Met)} ${mark(during.worstMs, during.worstMet)} ${pw(during)} ` +
        `${String(after.samples.length).padStart(3)}  ${mark(after.p50Ms, after.p50Met)} ${mark(after.worstMs, after.worstMet)} ${pw(after)}`,
    );
  }
  const n = r.node;
  lines.push(
    `  scan of ${r.files} files: ${r.scanSeconds.toFixed(1)} s; node peak RSS ${n.atScanEnd?.peakRssMiB ?? "?"} MiB at scan end, ${n.atEnd?.peakRssMiB ?? "?"} MiB at the end; ` +
      `CPU during the scan ${n.cpuSecondsDuringScan ?? "?"} s (${n.cpuPercentDuringScan ?? "?"} % of one core)`,
    `  console errors: ${r.consoleErrors.length ? r.consoleErrors.join(" | ") : "none"}`,
  );
  return lines;
}
