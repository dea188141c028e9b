/**
 * Prints one plain closing line, "tests: N passed, N failed[, N skipped]", so
 * that any CI reads the outcome the same way, whatever the runner prints.
 */
import fs from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      if (mod.state() === "failed" && mod.children.size === 0) failed++;
    }
    const tail = skipped ? `, ${skipped} skipped` : "";
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${tail}\n`);
    // scripts/test.mjs sums the runs it makes into one closing line.
    const file = process.env.THINKGATE_SUMMARY_FILE;
    if (file) fs.writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
  }
}
