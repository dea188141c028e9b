#!/usr/bin/env node
/**
 * `npm test`: the whole suite, the same on a laptop and in CI.
 *   1. install dependencies if missing
 *   2. side by side: the typecheck, the migrations of both providers checked
 *      against the model, and the pages built for the e2e step when .next is
 *      missing or older than the sources (none of them times anything, and
 *      the typecheck and the migration check each keep one core busy at most)
 *   3. unit tests (some time their work: nothing runs beside them)
 *   4. integration tests against a real server, on SQLite and on PostgreSQL,
 *      then the event-loop tests (tests/alone) on each, with nothing beside them
 *   5. e2e tests in headless Chromium (Debian's chromium package)
 * Steps can be picked by name: `node scripts/test.mjs unit e2e`
 * (check, unit, integration, e2e).
 * Prints one closing line, "tests: N passed, N failed", summed over the runs.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dependenciesAreStale, pagesAreStale } from "./pages-build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules/.bin", name);
const only = process.argv.slice(2);
const wants = (step) => only.length === 0 || only.includes(step);

const timings = [];
function run(label, cmd, args, env = {}) {
  console.log(`\n── ${label} ──`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  timings.push(`${label}: ${Math.round((Date.now() - started) / 1000)} s`);
  return r.status === 0;
}

/** As run(), beside other steps: the output is kept and printed whole when the step ends, so steps do not interleave. */
function runBeside(label, cmd, args, env = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? "1" : "0", ...env } });
    const out = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => out.push(d));
    child.on("close", (code) => {
      timings.push(`${label}: ${Math.round((Date.now() - started) / 1000)} s`);
      process.stdout.write(`\n── ${label} ──\n`);
      process.stdout.write(Buffer.concat(out));
      resolve(code === 0);
    });
  });
}

if (dependenciesAreStale(root)) {
  if (!run("install", "npm", ["ci", "--no-audit", "--no-fund"])) process.exit(1);
}

const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-test-"));
let failedSteps = [];

const summaryFile = (label) => path.join(summaryDir, `${label.replace(/\W+/g, "-")}.json`);
function vitest(label, project, env = {}) {
  const ok = run(label, bin("vitest"), ["run", "--project", project], { ...env, THINKGATE_SUMMARY_FILE: summaryFile(label) });
  if (!ok) failedSteps.push(label);
}

// Step 2: side by side.
const beside = [];
if (wants("check")) {
  beside.push(runBeside("typecheck", bin("tsc"), ["--noEmit", "-p", "."]).then((ok) => ok || failedSteps.push("typecheck")));
  beside.push(runBeside("migrations match the model", bin("tsx"), ["scripts/db.ts", "check"]).then((ok) => ok || failedSteps.push("migrations")));
}
let built = true;
if (wants("e2e") && pagesAreStale(root)) {
  // With the typecheck beside it, next build does not check the same files again (next.config.js).
  const label = "build the web app for the e2e tests (next build)";
  const skipTypes = wants("check") ? { THINKGATE_TYPECHECKED: "1" } : {};
  beside.push(runBeside(label, bin("next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1", ...skipTypes }).then((ok) => ((built = ok), ok || failedSteps.push("next build"))));
}
await Promise.all(beside);

if (wants("unit")) vitest("unit tests", "unit");
if (wants("integration")) {
  vitest("integration tests on SQLite", "integration", { THINKGATE_TEST_DB: "sqlite" });
  vitest("integration tests on PostgreSQL", "integration", { THINKGATE_TEST_DB: "postgresql" });
  // Event-loop stalls are measured with nothing else running beside them.
  vitest("event-loop tests, run alone, on SQLite", "alone", { THINKGATE_TEST_DB: "sqlite" });
  vitest("event-loop tests, run alone, on PostgreSQL", "alone", { THINKGATE_TEST_DB: "postgresql" });
}

if (wants("e2e") && built) vitest("e2e tests in Chromium", "e2e", { NEXT_TELEMETRY_DISABLED: "1" });

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const f of fs.readdirSync(summaryDir)) {
  const s = JSON.parse(fs.readFileSync(path.join(summaryDir, f), "utf8"));
  passed += s.passed;
  failed += s.failed;
  skipped += s.skipped;
  failures.push(...(s.failures ?? []).map((line) => `${path.basename(f, ".json")}: ${line}`));
}
fs.rmSync(summaryDir, { recursive: true, force: true });
const otherFailures = failedSteps.length && failed === 0 ? failedSteps.length : 0;
// Where the suite's time goes, so a slow step is seen before CI's limit is.
console.log(`\n${timings.join("\n")}`);
if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(", ")}`);
// Last, where a log cut to its tail keeps them.
if (failures.length) console.log(`\nfailed tests:\n${failures.map((line) => `  ${line}`).join("\n")}`);
console.log(`\n${passed} passed, ${failed + otherFailures} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedSteps.length ? 1 : 0);
