/**
 * Trace page bench: how long the trace page (/traces/:id) takes to show a
 * long thinking trace in headless Chromium, and how long it holds the main
 * thread. Needs the built pages (`npx next build`) and Chromium
 * (/usr/bin/chromium, or THINKGATE_CHROMIUM), like the e2e tests: it starts a
 * server from the built bundle (tests/support/e2e.ts), stores records whose
 * thinking is tests/support/long-thinking.ts at 100 KB and 1 MB (the largest
 * the gateway stores, THINKGATE_MAX_STORED_CHARS), realistic (~9 spans per
 * KB) and dense (~61 per KB), and opens each page at 1280×800.
 *
 * Figures per case (one sample per page load; in-page clocks, so the server's
 * answer is included in "shown" but not in the click figures):
 *   trace-page: <case> shown             navigation start → the thinking box is in the
 *                                         page with its first highlighted span, and the
 *                                         frame after that has been laid out and painted (ms)
 *   trace-page: <case> longest task      the longest main-thread task from navigation
 *                                         start to 1 s after the box is shown (ms;
 *                                         PerformanceObserver "longtask", 0 when none ≥ 50 ms)
 *   trace-page: <case> prev to last      a click on "Previous span" from the start (it wraps
 *                                         to the last span) → the frame after it is painted (ms)
 *   trace-page: <case> legend toggle     a click on the Hedge toggle → the next frame (ms)
 *
 *   npx tsx bench/trace-page.bench.ts [--quick] [--case NAME]   prints the figures (one case: e.g. --case "1 MB one line")
 *   npm run bench -- --only trace-page [--quick]                 through bench/run.ts
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { buildServer } from "../scripts/build-server.mjs";
import { copyRecord, withDb } from "../tests/support/db";
import { sdk, startSignedIn, stopSignedIn, type SignedIn } from "../tests/support/e2e";
import { longThinking, type ThinkingDensity } from "../tests/support/long-thinking";
import { eventually } from "../tests/support/server";

export interface BenchFigure {
  name: string;
  unit: string;
  samples: number[];
}

const CASES: { name: string; chars: number; density: ThinkingDensity; oneLine?: boolean }[] = [
  { name: "100 KB realistic", chars: 100_000, density: "realistic" },
  { name: "100 KB dense", chars: 100_000, density: "dense" },
  { name: "1 MB realistic", chars: 1_000_000, density: "realistic" },
  { name: "1 MB dense", chars: 1_000_000, density: "dense" },
  // The same text with every line break a space: a model (or a client's own
  // thinking text) that writes no paragraphs.
  { name: "1 MB one line", chars: 1_000_000, density: "realistic", oneLine: true },
];

/** Stores a copy of record `source` with `thinking` as its thinking text, under `id`. */
async function storeThinking(run: SignedIn, source: string, id: string, thinking: string): Promise<void> {
  await copyRecord(run.server, source, 1, 60_000, { thinkingText: thinking, thinkingStatus: "text" });
  await withDb(run.server, (q) => q(`UPDATE "RequestRecord" SET "id" = ? WHERE "id" = 'copy-0'`, [id]));
}

const LONG_TASKS = `
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: "longtask", buffered: true });
  } catch {}
`;

/** One in-page click and the time until the frame after it has been painted. */
function clickToFrame(page: Page, name: string): Promise<number> {
  return page.evaluate((label) => {
    const b = Array.from(document.querySelectorAll("button")).find((x) => x.getAttribute("aria-label") === label || x.textContent?.startsWith(label));
    if (!b) throw new Error(`no button ${label}`);
    const t0 = performance.now();
    b.click();
    return new Promise<number>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)));
  }, name);
}

export interface PageLoad {
  shownMs: number;
  longestTaskMs: number;
  spans: string;
}

/** Opens /traces/:id and measures it; the page is left on the trace. */
export async function measureTracePage(page: Page, id: string, timeoutMs = 120_000): Promise<PageLoad> {
  await page.goto(`/traces/${encodeURIComponent(id)}`, { waitUntil: "commit" });
  const shown = await page.waitForFunction(
    () => {
      const box = document.querySelector('[role="region"][aria-label="Thinking"]');
      return box && box.querySelector("mark[data-kind]") ? performance.now() : 0;
    },
    undefined,
    { polling: "raf", timeout: timeoutMs },
  );
  await shown.dispose();
  // In the DOM is not on screen: the frame that lays it out and paints it comes after. The
  // next task after the next animation frame runs once that frame is done.
  const shownMs = await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0))));
  await page.waitForTimeout(1000);
  const longestTaskMs = await page.evaluate(
    (until) => Math.max(0, ...((window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks ?? []).filter((t) => t.start <= until).map((t) => t.duration)),
    shownMs + 1000,
  );
  const spans = (await page.getByText(/^\d+ spans?$/).first().textContent()) ?? "";
  return { shownMs, longestTaskMs, spans };
}

export async function benchTracePage(opts?: { quick?: boolean; only?: string; log?: (line: string) => void }): Promise<BenchFigure[]> {
  const log = opts?.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const root = path.resolve(__dirname, "..");
  if (!fs.existsSync(path.join(root, process.env.THINKGATE_NEXT_DIST || ".next", "BUILD_ID"))) throw new Error("the trace page bench needs the built web app: run `npx next build` first");
  await buildServer();
  const runs = opts?.quick ? 1 : 3;
  const run = await startSignedIn();
  const figures: BenchFigure[] = [];
  try {
    const { response } = await sdk(run.server)
      .messages.create({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Say hi." }] })
      .withResponse();
    const source = response.headers.get("thinkgate-request-id")!;
    await eventually(async () => ((await withDb(run.server, (q) => q(`SELECT "id" FROM "RequestRecord" WHERE "id" = ?`, [source]))).length ? true : undefined));
    await run.admin.context.addInitScript(LONG_TASKS);
    const page = run.admin.page;
    for (const c of CASES.filter((c) => !opts?.only || c.name === opts.only)) {
      const id = `bench-${c.chars}-${c.density}${c.oneLine ? "-line" : ""}`;
      const thinking = longThinking(c.chars, c.density);
      await storeThinking(run, source, id, c.oneLine ? thinking.replace(/\n/g, " ") : thinking);
      const shown: number[] = [];
      const longest: number[] = [];
      const prev: number[] = [];
      const toggle: number[] = [];
      for (let i = 0; i < runs; i++) {
        const load = await measureTracePage(page, id);
        shown.push(load.shownMs);
        longest.push(load.longestTaskMs);
        prev.push(await clickToFrame(page, "Previous span in thinking"));
        toggle.push(await clickToFrame(page, "Hedge"));
        log(`trace-page ${c.name}: ${load.spans}, shown ${load.shownMs.toFixed(0)} ms, longest task ${load.longestTaskMs.toFixed(0)} ms, prev to last ${prev.at(-1)!.toFixed(0)} ms, legend toggle ${toggle.at(-1)!.toFixed(0)} ms`);
      }
      figures.push(
        { name: `trace-page: ${c.name} shown`, unit: "ms", samples: shown },
        { name: `trace-page: ${c.name} longest task`, unit: "ms", samples: longest },
        { name: `trace-page: ${c.name} prev to last`, unit: "ms", samples: prev },
        { name: `trace-page: ${c.name} legend toggle`, unit: "ms", samples: toggle },
      );
    }
  } finally {
    await stopSignedIn(run);
  }
  return figures;
}

export default benchTracePage;

if (process.argv[1] && pathToFileURL(process.argv[1]).href === pathToFileURL(__filename).href) {
  const only = process.argv.indexOf("--case");
  void benchTracePage({ quick: process.argv.includes("--quick"), only: only > 0 ? process.argv[only + 1] : undefined }).then((figs) => {
    for (const f of figs) {
      const s = f.samples.slice().sort((a, b) => a - b);
      process.stdout.write(`${f.name}: median ${s[Math.floor(s.length / 2)]!.toFixed(0)} ${f.unit} (${f.samples.map((x) => x.toFixed(0)).join(", ")})\n`);
    }
  });
}
