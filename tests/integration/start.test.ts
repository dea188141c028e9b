/**
 * A start that cannot write where it keeps its data fails at once, in one
 * line naming the directory, what is wrong with it, and the setting that
 * moves it, and exits non-zero. The tests run as root, whom a mode of 0500
 * does not stop: a path under a regular file and one under /proc fail for
 * everyone (a chmod-ed directory is tried too when not root). Each start is
 * the server bundle `npm start` runs, waited for at most 20 s and then killed.
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SERVER_BUNDLE } from "../../scripts/build-server.mjs";

const ROOT = path.resolve(__dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-start-"));
afterAll(() => {
  fs.chmodSync(work, 0o700);
  for (const f of fs.readdirSync(work)) fs.chmodSync(path.join(work, f), 0o700);
  fs.rmSync(work, { recursive: true, force: true });
});

/** Starts the server with `env` and waits for it to exit: its exit code (null when it had to be killed) and what it printed. */
async function start(env: Record<string, string>): Promise<{ code: number | null; out: string; ms: number }> {
  const from = Date.now();
  const proc = fork(SERVER_BUNDLE, [], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", THINKGATE_NEXT: "off", ANTHROPIC_API_KEY: "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      resolve(null);
    }, 20_000);
    // A start that succeeds is stopped: what matters is that it did.
    proc.on("message", (m: { ready?: boolean }) => {
      if (m.ready) proc.kill("SIGTERM");
    });
    proc.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, out: out.trim(), ms: Date.now() - from };
}

const sqlite = (dir: string) => `file:${path.join(dir, "thinkgate.db")}`;
const file = path.join(work, "a-file");
fs.writeFileSync(file, "not a directory\n");

describe("a start that cannot write its data", () => {
  it("the SQLite database's directory under a file: one line naming it, and DATABASE_URL", async () => {
    const r = await start({ DATABASE_URL: sqlite(path.join(file, "data")), THINKGATE_SPOOL_DIR: path.join(work, "spool-1") });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toBe(
      `thinkgate failed to start: the SQLite database's directory ${path.join(file, "data")} cannot be a directory: ${file} is a file; fix that, or set DATABASE_URL=file:/a/writable/dir/thinkgate.db`,
    );
  }, 30_000);

  it("the spool's directory where nothing can be created (/proc): named, with THINKGATE_SPOOL_DIR, and no wait (it used to spin for good)", async () => {
    const spool = `/proc/thinkgate-${process.pid}/spool`;
    const r = await start({ DATABASE_URL: sqlite(path.join(work, "db-2")), THINKGATE_SPOOL_DIR: spool });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toBe(
      `thinkgate failed to start: the record spool's directory ${spool} cannot be created: its parent directory does not take new directories; fix that, or set THINKGATE_SPOOL_DIR to a writable directory (off: no spool, records in memory only)`,
    );
    // Nothing was written before the check: the database was not created.
    expect(fs.existsSync(path.join(work, "db-2", "thinkgate.db"))).toBe(false);
  }, 30_000);

  it.skipIf(process.getuid?.() === 0)("a directory without write permission (not root)", async () => {
    const ro = path.join(work, "read-only");
    fs.mkdirSync(ro, { mode: 0o500 });
    const r = await start({ DATABASE_URL: sqlite(ro), THINKGATE_SPOOL_DIR: path.join(work, "spool-3") });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`the SQLite database's directory ${ro} is not writable (permission denied)`);
  }, 30_000);

  it("starts where it can write, its spool made 0700", async () => {
    const spool = path.join(work, "deep", "spool-4");
    const r = await start({ DATABASE_URL: sqlite(path.join(work, "db-4")), THINKGATE_SPOOL_DIR: spool });
    expect(r.out).toContain("thinkgate is up at");
    expect(fs.statSync(spool).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(spool).filter((f) => f.startsWith(".thinkgate-write-check"))).toEqual([]);
  }, 30_000);
});
