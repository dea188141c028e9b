/**
 * Where thinkgate's time goes per request: the real server process (the
 * bundle `npm start` runs, recording and routing on, SQLite) run with `node --cpu-prof`
 * against the mock upstream, under closed-loop load; then the profile's self
 * time summed by function and by package/file, per request.
 *
 *   npx tsx bench/profile.ts [--requests 20000] [--concurrency 10] [--stream] [--pages]
 *
 * Writes the .cpuprofile to bench/results/ (open it in Chrome DevTools or
 * speedscope) and prints the top entries.
 */
import fs from "node:fs";
import path from "node:path";
import { SERVER_BUNDLE } from "../scripts/build-server.mjs";
import { runLoad } from "./load";
import { ROOT, cpuMs, startGateway, startMock } from "./procs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
}

/**
 * The server runs as one bundle (.thinkgate/server.cjs); esbuild starts each
 * module's code with a "// lib/x.ts" line, which maps a bundle line back to
 * its source file.
 */
let bundleModules: { line: number; file: string }[] | undefined;
function sourceOf(line: number): string {
  bundleModules ??= fs
    .readFileSync(SERVER_BUNDLE, "utf8")
    .split("\n")
    .flatMap((text, i) => (/^\/\/ [\w./-]+\.tsx?$/.test(text) ? [{ line: i, file: text.slice(3) }] : []));
  let found = "(bundle)";
  for (const m of bundleModules) {
    if (m.line > line) break;
    found = m.file;
  }
  return found;
}

function where(url: string, line = 0): string {
  if (!url) return "(native/VM)";
  const u = url.replace(/^file:\/\//, "");
  if (u === SERVER_BUNDLE) return sourceOf(line);
  const nm = u.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = u.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (u.startsWith("node:")) return u;
  return path.relative(ROOT, u);
}

async function main(): Promise<void> {
  const requests = Number(arg("requests", "20000"));
  const concurrency = Number(arg("concurrency", "10"));
  const stream = process.argv.includes("--stream");
  const pages = process.argv.includes("--pages");
  const dir = path.join(__dirname, "results", `profile-${Date.now()}`);
  fs.mkdirSync(dir, { recursive: true });
  const mock = await startMock();
  const gw = await startGateway(mock.url, { upstreamApiKey: "bench-dummy-key", pages, execArgv: ["--cpu-prof", `--cpu-prof-dir=${dir}`] });
  try {
    const body = Buffer.from(JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 256, stream, messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }] }));
    const target = { url: `${gw.url}/api/v1/messages`, headers: { "content-type": "application/json", "x-api-key": gw.adminKey, "anthropic-version": "2023-06-01", "thinkgate-task": "summarize" }, body };
    await runLoad(target, { concurrency, warmup: 2_000, requests: 0 });
    const cpu0 = cpuMs(gw.proc.pid!);
    const r = await runLoad(target, { concurrency, warmup: 0, requests });
    const cpu = cpuMs(gw.proc.pid!) - cpu0;
    process.stdout.write(`${r.count} requests at c${concurrency}${stream ? " (stream)" : ""}: ${r.rps.toFixed(0)} req/s, ${r.non2xx + r.errors} failed, gateway CPU ${(cpu / r.count).toFixed(3)} ms/request\n`);
    await gw.stop("SIGTERM");
  } finally {
    await gw.stop("SIGKILL");
    fs.rmSync(gw.dir, { recursive: true, force: true });
    await mock.stop("SIGTERM", 5_000);
  }
  // Worker threads write profiles of their own: the main thread's is the largest.
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size)[0];
  if (!file) throw new Error(`no .cpuprofile written to ${dir}`);
  const prof = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  const byConcern = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const file = where(n.callFrame.url, n.callFrame.lineNumber);
    const fn = `${n.callFrame.functionName || "(anonymous)"} ${file}${n.callFrame.url === `file://${SERVER_BUNDLE}` ? "" : `:${n.callFrame.lineNumber + 1}`}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    const pkg = n.callFrame.url ? file : n.callFrame.functionName;
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
    const concern = /^lib\/[^/]+\//.test(pkg) ? pkg.split("/").slice(0, 2).join("/") : pkg;
    byConcern.set(concern, (byConcern.get(concern) ?? 0) + us);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join("\n");
  process.stdout.write(`\nprofile: ${path.relative(process.cwd(), path.join(dir, file))} (${(total / 1000).toFixed(0)} ms sampled)\n\nself time by concern (lib/<dir>) or package:\n${top(byConcern, 20)}\n\nself time by package/file:\n${top(byPkg, 30)}\n\nself time by function:\n${top(byFn, 40)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
