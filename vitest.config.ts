import path from "node:path";
import { defineConfig } from "vitest/config";

// Unit tests live beside the code (lib/**/*.test.ts) and in tests/unit;
// integration tests start a real server (tests/integration); e2e tests drive
// Chromium (tests/e2e). `npm test` runs them all.

/**
 * Integration files about what clients see at the HTTP surface (third-party
 * clients, paths, timeouts, body limits, metrics and telemetry) and about what
 * the upstream does to a request (faults: retries, fallbacks, breakers, cut
 * streams): their records go through the same repositories every other file
 * checks on both databases (partial and failed records on PostgreSQL in
 * durability.test.ts), so they run on SQLite only. Run on PostgreSQL too they
 * added about 100 s of a worker's time to a step that is CPU-bound on two
 * cores, and checked nothing of PostgreSQL's. A new file runs on both unless
 * it is listed here; fuzz stays on both (PostgreSQL refuses text SQLite
 * stores, such as NUL).
 */
const SURFACE_ONLY = ["agent-clients", "body-budget", "crash", "faults", "metrics", "openai-compat", "paths", "python-clients", "sdk-clients", "telemetry", "timeouts"].map((f) => `tests/integration/${f}.test.ts`);

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    reporters: ["default", "./tests/support/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "tests/unit/**/*.test.ts"],
          environment: "node",
          // Unit files share their workers' module cache instead of each
          // importing the domain afresh: importing was half of the step's time
          // (55 s → 26 s). They hold no state between files: they pass in any
          // file order (checked with --sequence.shuffle.files, several seeds).
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          exclude: process.env.THINKGATE_TEST_DB === "postgresql" ? SURFACE_ONLY : [],
          environment: "node",
          globalSetup: ["tests/support/server-global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file starts its own server on its own port, database, spool
          // and Redis prefix, so files can run side by side. Two at a time
          // kept the two cores 71% busy (much of a file's time is spent
          // waiting on its server, its restarts and timeouts); three, 91%:
          // 131 s → 110 s on SQLite, 152 s → 137 s on PostgreSQL.
          fileParallelism: true,
          maxWorkers: 3,
          // Files share their worker's module cache (the SDKs they drive are
          // imported once per worker, not per file: 8.5 s of imports → 2.6 s).
          // Each file's state is its own server; they pass in any order.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          // Tests that measure how long the gateway holds its event loop: run
          // on their own, one file at a time, after the integration files, so
          // another file's server does not share the two cores while they measure.
          name: "alone",
          include: ["tests/alone/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/server-global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          // Each file starts its own server (with the built pages) and one Chromium.
          globalSetup: ["tests/support/e2e-global-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // Pages load data after they render: polled assertions wait for it.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          // Each file has its own server, SQLite file, spool and Chromium, so
          // two can run side by side: much of a file's time is a page waiting
          // on its server or a poll waiting on a record. One at a time took
          // 461 s, two 328 s, on a 2-core machine loaded by other work
          // (load average 7-12); every file passed both ways. Files share
          // their worker's module cache (playwright-core and the SDK imported
          // once per worker: 41 s of imports -> 15 s); each file's state is
          // its own server and browser.
          fileParallelism: true,
          maxWorkers: 2,
          isolate: false,
        },
      },
    ],
  },
});
