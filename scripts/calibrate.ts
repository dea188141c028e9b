/**
 * The calibration lab without the web app: runs an evaluation set across a
 * grid of thinking configurations against the local database and the same
 * upstream as the server (the Anthropic API with ANTHROPIC_API_KEY, the
 * built-in simulator otherwise), then prints the results and the knee.
 *
 *   npm run calibrate -- --set FILE.jsonl --configs "standard,claude-haiku-4-5:2048,claude-haiku-4-5:8192,claude-sonnet-5:effort=high"
 *       [--grader exact|number|contains|regex:PATTERN|json-schema:FILE|judge:ROUTE_ID:RUBRIC]   (default: number)
 *       [--model MODEL]          the model of "standard" (thinking off); default: the first model listed
 *       [--tolerance 0.02]       accuracy (0..1) below the best that still counts as as good
 *       [--concurrency 4] [--rpm N] [--max-tokens 2048] [--name NAME]
 *
 * The set and the experiment are stored like those made in the web app
 * (/calibration shows them), and every call is recorded as gateway traffic
 * with app "calibration".
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../lib/api/errors";
import { CalibrationRunner } from "../lib/calibration/runner";
import { createExperiment, createSet, getExperiment } from "../lib/calibration/service";
import { parseConfigList } from "../lib/calibration/grid";
import { disconnectDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { databaseUrl } from "../lib/db/provider";
import { closeRecordWriter } from "../lib/db/record-writer";
import { recorder } from "../lib/gateway/record";
import { loadPrices } from "../lib/pricing/service";
import { routingConfig } from "../lib/routing/config";
import { readEnv, setRuntimeEnv } from "../lib/runtime/env";
import { seed } from "../lib/setup/seed";
import { simulatorRoutes } from "../lib/simulator/routes";
import { startTestServer } from "../lib/simulator/test-server";
import { loadTracesConfig } from "../lib/traces/config";

const USAGE = `usage: npm run calibrate -- --set FILE.jsonl --configs "standard,MODEL:BUDGET,MODEL:effort=LEVEL,..." [--grader number|exact|contains|regex:PATTERN|json-schema:FILE|judge:ROUTE:RUBRIC] [--model M] [--tolerance 0.02] [--concurrency 4] [--rpm N] [--max-tokens N] [--name NAME]`;

function args(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") out.set("help", "1");
    else if (a.startsWith("--")) {
      const [k, inline] = a.slice(2).split(/=(.*)/s);
      out.set(k!, inline ?? argv[++i] ?? "");
    } else throw new AppError("invalid_request_error", `unexpected argument "${a}"`);
  }
  return out;
}

function grader(spec: string): unknown {
  if (spec === "exact" || spec === "number" || spec === "contains") return { kind: spec };
  if (spec.startsWith("regex:")) return { kind: "regex", pattern: spec.slice(6) };
  if (spec.startsWith("json-schema:")) return { kind: "json_schema", schema: JSON.parse(fs.readFileSync(spec.slice(12), "utf8")) };
  const judge = /^judge:([^:]+):(.+)$/s.exec(spec);
  if (judge) return { kind: "judge", routeId: judge[1], rubric: judge[2] };
  throw new AppError("invalid_request_error", `--grader "${spec}": expected exact, number, contains, regex:PATTERN, json-schema:FILE or judge:ROUTE_ID:RUBRIC`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const usd = (x: number | null) => (x === null ? "—" : `$${x.toFixed(5)}`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  if (a.has("help") || !a.get("set") || !a.get("configs")) {
    process.stdout.write(USAGE + "\n");
    process.exit(a.has("help") ? 0 : 2);
  }
  const file = a.get("set")!;
  const firstModel = /([^,:\s]+):/.exec(a.get("configs")!)?.[1];
  const configs = parseConfigList(a.get("configs")!, a.get("model") ?? firstModel);
  const num = (k: string, d: number) => (a.has(k) ? Number(a.get(k)) : d);

  let env = readEnv();
  // Without an API key the calls go to the simulator, served here in process.
  const sim = env.mode === "simulator" && !process.env.ANTHROPIC_BASE_URL ? await startTestServer(simulatorRoutes) : null;
  if (sim) env = { ...env, upstreamBaseUrl: `${sim.url}/api/simulator` };
  setRuntimeEnv(env);
  await migrate(databaseUrl(), path.resolve(__dirname, ".."));
  await seed();
  await Promise.all([loadPrices(), routingConfig(), loadTracesConfig()]);

  const set = await createSet({ name: a.get("name") ?? path.basename(file), description: `from ${file} (npm run calibrate)`, grader: grader(a.get("grader") ?? "number"), jsonl: fs.readFileSync(file, "utf8") }, "cli");
  const exp = await createExperiment(
    {
      setId: set.id,
      name: a.get("name"),
      configs,
      tolerance: num("tolerance", 0.02),
      concurrency: num("concurrency", 4),
      requestsPerMinute: a.has("rpm") ? num("rpm", 0) : null,
      maxTokens: num("max-tokens", 2048),
    },
    "cli",
  );
  process.stderr.write(`experiment ${exp.id}: ${set.items} items × ${configs.length} configurations = ${exp.trials} calls (${env.mode === "simulator" ? "simulator" : "Anthropic API"})\n`);
  let finished = 0;
  const runner = new CalibrationRunner({
    onTrial: () => {
      finished++;
      if (process.stderr.isTTY) process.stderr.write(`\r${finished}/${exp.trials}`);
    },
  });
  await runner.runOnce(exp.id);
  if (process.stderr.isTTY) process.stderr.write("\n");

  const r = await getExperiment(exp.id);
  const label = new Map(r.configs.map((c) => [c.key, c.label]));
  const mark = (k: string) => (r.knee?.recommended === k ? " ◀ recommended" : r.knee?.best === k ? " (best)" : "");
  const out = [
    "",
    `Grader: ${r.grader.text}   tolerance: ${pct(exp.tolerance)}   total cost: ${usd(r.totalCostUsd)}${r.judgeCostUsd ? ` (judge ${usd(r.judgeCostUsd)})` : ""}`,
    "",
    table(
      ["configuration", "n", "accuracy", "95% CI", "mean cost", "p95 cost", "thinking", "p95 thinking", "latency ms", "failed"],
      r.stats.map((s) => [
        label.get(s.key)! + mark(s.key),
        String(s.n),
        pct(s.accuracy),
        `${pct(s.ci[0])}–${pct(s.ci[1])}`,
        usd(s.meanCost),
        usd(s.p95Cost),
        String(s.meanThinking),
        String(s.p95Thinking),
        String(s.meanLatencyMs),
        String(s.failed),
      ]),
    ),
    "",
    ...(r.knee?.explanation ?? ["No configuration produced a graded, priced answer: nothing to recommend."]),
  ];
  if (r.categories.length > 1) {
    out.push("", "Accuracy by category:", "");
    out.push(table(["category", ...r.stats.map((s) => label.get(s.key)!)], r.categories.map((c) => [c.category, ...c.stats.map((s) => (s.n ? pct(s.accuracy) : "—"))])));
  }
  process.stdout.write(out.join("\n") + "\n\n");

  await recorder().flush(15_000);
  recorder().close();
  await closeRecordWriter();
  await disconnectDb();
  await sim?.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`calibrate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
