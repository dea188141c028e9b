/**
 * `npm start` runs its script through `sh -c`, and npm signals only that
 * shell: dash neither forwards SIGTERM nor waits, so the server kept serving,
 * orphaned, while a container or supervisor believed it stopped (and later
 * SIGKILLed it with no drain). The script execs node in the shell's place.
 * Checked with the real npm, on the script as package.json writes it, its
 * entry point swapped for a stub that reports the signal.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };

describe("npm start", () => {
  it("passes SIGTERM sent to npm on to the server process", async () => {
    expect(pkg.scripts.start).toContain("scripts/start.mjs");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-start-"));
    fs.mkdirSync(path.join(dir, "scripts"));
    const log = path.join(dir, "signals.log");
    fs.writeFileSync(
      path.join(dir, "scripts/start.mjs"),
      `import fs from "node:fs";
       process.on("SIGTERM", () => { fs.appendFileSync(${JSON.stringify(log)}, "SIGTERM\\n"); process.exit(0); });
       fs.writeFileSync(${JSON.stringify(path.join(dir, "pid"))}, String(process.pid));
       fs.appendFileSync(${JSON.stringify(log)}, "up\\n");
       setInterval(() => {}, 1000);`,
    );
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "start-stub", version: "1.0.0", private: true, scripts: { start: pkg.scripts.start } }));
    const npm = spawn("npm", ["start", "--silent"], { cwd: dir, stdio: "ignore" });
    const read = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      await until(() => read().includes("up"));
      expect(read()).toContain("up");
      npm.kill("SIGTERM");
      await until(() => read().includes("SIGTERM"));
      expect(read()).toBe("up\nSIGTERM\n");
    } finally {
      npm.kill("SIGKILL");
      // The stub, if the signal never reached it, is not left running.
      try {
        process.kill(Number(fs.readFileSync(path.join(dir, "pid"), "utf8")), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }, 20_000);
});
