/**
 * Prints one plain closing line, "tests: N passed, N failed[, N skipped]", so
 * that any CI reads the outcome the same way, whatever the runner prints.
 * The failed tests' names and first error lines go to the summary file too:
 * scripts/test.mjs prints them last, where a CI log cut to its tail keeps
 * them (the runner's own report of a failure is thousands of lines earlier).
 */
import fs from "node:fs";
import type { Reporter, SerializedError, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") {
          failed++;
          failures.push(`${mod.moduleId.split("/tests/").pop()} > ${test.fullName}: ${firstLine(test.result().errors?.[0]?.message)}`);
        } else skipped++;
      }
      if (mod.state() === "failed" && mod.children.size === 0) {
        failed++;
        failures.push(`${mod.moduleId.split("/tests/").pop()}: ${firstLine(mod.errors()[0]?.message)}`);
      }
    }
    // Errors no test caught fail the run though every test passed.
    for (const err of unhandledErrors) failures.push(`an error no test caught: ${firstLine(err.message)}`);
    const tail = skipped ? `, ${skipped} skipped` : "";
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${tail}\n`);
    // scripts/test.mjs sums the runs it makes into one closing line.
    const file = process.env.THINKGATE_SUMMARY_FILE;
    if (file) fs.writeFileSync(file, JSON.stringify({ passed, failed, skipped, failures }));
  }
}

const firstLine = (message: string | undefined) => (message ?? "no error message").split("\n")[0]!.slice(0, 300);
