/**
 * thinkgate's memory under a long run: resident set size at rest, then after
 * every tenth of 100,000 requests (JSON, concurrency 10, recording on, against
 * the mock upstream), to show whether it levels off. Run API only and, when a
 * build of the pages exists (THINKGATE_NEXT_DIST or .next), with the pages in
 * the process as `npm start` runs it, every page rendered once before the load. The records are counted at the end: a
 * bounded memory must not come from dropping them.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { percentile, runLoad } from "./load";
import { ROOT, rssMiB, startGateway, startMock, type Gateway } from "./procs";
import type { Figure } from "./report";

export interface MemoryOptions {
  requests: number;
  steps: number;
  log: (line: string) => void;
}

export const MEMORY_FULL: Omit<MemoryOptions, "log"> = { requests: 100_000, steps: 10 };
export const MEMORY_QUICK: Omit<MemoryOptions, "log"> = { requests: 10_000, steps: 5 };

const BODY = Buffer.from(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }] }));

function countRows(dbPath: string): number | null {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare(`SELECT COUNT(*) AS n FROM "RequestRecord"`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

const PAGES = ["/", "/traces", "/patterns", "/costs", "/rules", "/playground", "/settings", "/calibration"];

/**
 * Signs in as an admin (created with the bootstrap key) and renders every
 * page once, so the pages' server code is loaded (Next loads a route's code
 * when it is first visited) and the figure is that of a process whose web
 * app is in use. Returns "path status" for each.
 */
async function visitPages(gw: Gateway): Promise<string[]> {
  const admin = { email: "bench@example.com", password: "bench-password-long-enough" };
  const created = await fetch(`${gw.url}/api/users`, {
    method: "POST",
    headers: { "x-api-key": gw.adminKey, "content-type": "application/json" },
    body: JSON.stringify({ ...admin, role: "admin" }),
  });
  if (created.status !== 201) throw new Error(`memory bench: creating the admin failed: ${created.status} ${await created.text()}`);
  const login = await fetch(`${gw.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(admin) });
  if (login.status !== 200) throw new Error(`memory bench: signing in failed: ${login.status}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const seen: string[] = [];
  for (const page of PAGES) {
    const res = await fetch(`${gw.url}${page}`, { headers: { cookie }, redirect: "manual" });
    await res.text();
    if (res.status !== 200) throw new Error(`memory bench: ${page} answered ${res.status}`);
    seen.push(`${page} ${res.status}`);
  }
  return seen;
}

export async function memoryBench(o: MemoryOptions): Promise<{ figures: Figure[]; runs: unknown[]; notes: string[] }> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const runs: unknown[] = [];
  const pagesBuilt = fs.existsSync(path.join(ROOT, process.env.THINKGATE_NEXT_DIST || ".next", "BUILD_ID"));
  if (!pagesBuilt) notes.push(`memory: pages on skipped: no build in ${process.env.THINKGATE_NEXT_DIST || ".next"} (run next build first)`);
  const mock = await startMock();
  try {
    for (const pages of pagesBuilt ? [false, true] : [false]) {
      const label = pages ? "pages_on" : "pages_off";
      o.log(`memory bench: ${o.requests} requests, ${label}`);
      const gw = await startGateway(mock.url, { upstreamApiKey: "bench-dummy-key", pages });
      const series: { requests: number; rssMiB: number }[] = [];
      const put = (name: string, unit: string, v: number, note?: string) => figures.push({ name: `thinkgate.${name}.${label}`, unit, samples: [v], group: "memory", note });
      try {
        if (pages) o.log(`  pages visited by a signed-in admin before the load: ${(await visitPages(gw)).join(", ")}`);
        await new Promise((r) => setTimeout(r, 1_000));
        series.push({ requests: 0, rssMiB: rssMiB(gw.proc.pid!) });
        const step = Math.ceil(o.requests / o.steps);
        let sent = 0;
        let failed = 0;
        const rps: number[] = [];
        const p99: number[] = [];
        while (sent < o.requests) {
          const n = Math.min(step, o.requests - sent);
          const r = await runLoad(
            { url: `${gw.url}/api/v1/messages`, headers: { "content-type": "application/json", "x-api-key": gw.adminKey, "anthropic-version": "2023-06-01", "thinkgate-task": "summarize" }, body: BODY },
            { concurrency: 10, warmup: 0, requests: n },
          );
          sent += r.sent;
          failed += r.non2xx + r.errors;
          rps.push(r.rps);
          p99.push(percentile(r.ttlbMs, 0.99));
          series.push({ requests: sent, rssMiB: rssMiB(gw.proc.pid!) });
          o.log(`  ${label} ${sent} requests: RSS ${series.at(-1)!.rssMiB.toFixed(0)} MiB, ${r.rps.toFixed(0)} req/s`);
        }
        const rest = series[0]!.rssMiB;
        const mid = series[Math.floor(series.length / 2)]!;
        const last = series.at(-1)!;
        put("rss_mb.rest", "MiB", rest);
        put(`rss_mb.after_${mid.requests}`, "MiB", mid.rssMiB);
        put(`rss_mb.after_${last.requests}`, "MiB", last.rssMiB, "issue target ≤ 300 MB");
        put("rss_mb.max_during", "MiB", Math.max(...series.map((s) => s.rssMiB)));
        put(`rss_mb.growth_second_half`, "MiB", last.rssMiB - mid.rssMiB, `after ${last.requests} − after ${mid.requests}: near 0 when memory levelled off`);
        put("rps.c10.json", "req/s", percentile([...rps].sort((a, b) => a - b), 0.5), `median of the ${rps.length} steps`);
        put(`failed_requests_of_${last.requests}`, "count", failed);
        const stop = await gw.stop("SIGTERM");
        const rows = countRows(gw.dbPath);
        if (rows !== null) put(`records_lost_of_${last.requests}`, "count", last.requests - rows);
        runs.push({ memory: label, series, rps: rps.map(Math.round), p99, stop, rows });
      } finally {
        await gw.stop("SIGKILL");
        fs.rmSync(gw.dir, { recursive: true, force: true });
      }
    }
  } finally {
    await mock.stop("SIGTERM", 5_000);
  }
  return { figures, runs, notes };
}
