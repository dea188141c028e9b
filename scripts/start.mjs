#!/usr/bin/env node
/**
 * `npm start` on a fresh clone: install what is missing, build the pages when
 * the sources changed, then run the server (which migrates and seeds the
 * database itself). Plain Node on purpose: it runs before node_modules exists.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { heapFlags, serverEnv } from "./heap.mjs";
import { dependenciesAreStale, pagesAreStale } from "./pages-build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

// 1. Dependencies: installed when missing or older than the lock file.
if (dependenciesAreStale(root)) {
  console.log("thinkgate: installing dependencies (npm ci)…");
  run(npm, ["ci", "--no-audit", "--no-fund"]);
}
// 2. Prisma clients (normally made by postinstall).
if (!fs.existsSync(path.join(root, "lib/db/generated/sqlite/client.ts"))) run(npm, ["run", "db:generate"]);

// 3. Pages: built when missing or older than the sources.
// THINKGATE_NEXT=off serves the API only: no pages to build.
if (process.env.THINKGATE_NEXT !== "off" && pagesAreStale(root)) {
  console.log("thinkgate: building the web app (next build)…");
  run(npm, ["run", "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
}

// 4. The server bundle (half a second; scripts/build-server.mjs says why not tsx).
// Imported here, not at the top: esbuild is only there once step 1 has run.
const { buildServer } = await import("./build-server.mjs");
const bundle = await buildServer();

// 5. Serve. Signals are passed on so the server drains its records before
// exiting. A server that dies on its own after it was up (killed for memory,
// a native crash, an uncaught exception it stopped for) is started again, as
// a container's restart policy would: what it had accepted is in the spool
// and written at its next start. A server that never came up is a failed
// start, and its exit ends this one; so do five deaths within five minutes.
const CRASH_WINDOW_MS = 5 * 60_000;
const MAX_RESTARTS = 5;
const deaths = [];
let stopping = false;
let child;
function serve() {
  let up = false;
  child = spawn(process.execPath, [...heapFlags(), "--enable-source-maps", bundle, ...process.argv.slice(2)], {
    cwd: root,
    // The channel carries the server's one message, "ready".
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...process.env, ...serverEnv() },
  });
  child.on("message", (m) => {
    if (m && m.ready) up = true;
  });
  child.on("exit", (code, signal) => {
    if (stopping || !up || (code === 0 && !signal)) process.exit(code ?? (signal ? 1 : 0));
    const now = Date.now();
    deaths.push(now);
    while (deaths[0] < now - CRASH_WINDOW_MS) deaths.shift();
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    if (deaths.length > MAX_RESTARTS) {
      console.error(`\nthinkgate: the server stopped unexpectedly (${how}), ${deaths.length} times in ${CRASH_WINDOW_MS / 60_000} minutes; not starting it again`);
      process.exit(code || 1);
    }
    const delay = Math.min(1_000 * 2 ** (deaths.length - 1), 30_000);
    console.error(`\nthinkgate: the server stopped unexpectedly (${how}); starting it again in ${delay / 1_000} s`);
    setTimeout(() => (stopping ? process.exit(0) : serve()), delay);
  });
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    else process.exit(0);
  });
}
serve();
