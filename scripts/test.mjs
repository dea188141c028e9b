#!/usr/bin/env node
/**
 * `npm test`: the whole suite, the same on a laptop and in CI.
 *   1. install dependencies if missing
 *   2. typecheck, and check the migrations of both providers against the model
 *   3. unit tests
 *   4. integration tests against a real server, on SQLite and on PostgreSQL,
 *      then the event-loop tests (tests/alone) on each, with nothing beside them
 *   5. e2e tests in headless Chromium (Debian's chromium package), after
 *      building the pages when .next is missing or older than the sources
 * Steps can be picked by name: `node scripts/test.mjs unit e2e`
 * (check, unit, integration, e2e).
 * Prints one closing line, "tests: N passed, N failed", summed over the runs.
 */
import { spawnSync } from "node:child_process";
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

if (dependenciesAreStale(root)) {
  if (!run("install", "npm", ["ci", "--no-audit", "--no-fund"])) process.exit(1);
}

const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-test-"));
let failedSteps = [];

function vitest(label, project, env = {}) {
  const file = path.join(summaryDir, `${label.replace(/\W+/g, "-")}.json`);
  const ok = run(label, bin("vitest"), ["run", "--project", project], { ...env, THINKGATE_SUMMARY_FILE: file });
  if (!ok) failedSteps.push(label);
}

let typechecked = false;
if (wants("check")) {
  typechecked = run("typecheck", bin("tsc"), ["--noEmit", "-p", "."]);
  if (!typechecked) failedSteps.push("typecheck");
  if (!run("migrations match the model", bin("tsx"), ["scripts/db.ts", "check"])) failedSteps.push("migrations");
}
if (wants("unit")) vitest("unit tests", "unit");
if (wants("integration")) {
  vitest("integration tests on SQLite", "integration", { THINKGATE_TEST_DB: "sqlite" });
  vitest("integration tests on PostgreSQL", "integration", { THINKGATE_TEST_DB: "postgresql" });
  // Event-loop stalls are measured with nothing else running beside them.
  vitest("event-loop tests, run alone, on SQLite", "alone", { THINKGATE_TEST_DB: "sqlite" });
  vitest("event-loop tests, run alone, on PostgreSQL", "alone", { THINKGATE_TEST_DB: "postgresql" });
}

if (wants("e2e")) {
  let built = true;
  if (pagesAreStale(root)) {
    // tsc has just checked every file the build would check again (next.config.js).
    const skipTypes = typechecked ? { THINKGATE_TYPECHECKED: "1" } : {};
    built = run("build the web app for the e2e tests (next build)", bin("next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1", ...skipTypes });
    if (!built) failedSteps.push("next build");
  }
  if (built) vitest("e2e tests in Chromium", "e2e", { NEXT_TELEMETRY_DISABLED: "1" });
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of fs.readdirSync(summaryDir)) {
  const s = JSON.parse(fs.readFileSync(path.join(summaryDir, f), "utf8"));
  passed += s.passed;
  failed += s.failed;
  skipped += s.skipped;
}
fs.rmSync(summaryDir, { recursive: true, force: true });
const otherFailures = failedSteps.length && failed === 0 ? failedSteps.length : 0;
// Where the suite's time goes, so a slow step is seen before CI's limit is.
console.log(`\n${timings.join("\n")}`);
if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(", ")}`);
console.log(`\n${passed} passed, ${failed + otherFailures} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedSteps.length ? 1 : 0);
