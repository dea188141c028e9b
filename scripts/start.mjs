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
if (pagesAreStale(root)) {
  console.log("thinkgate: building the web app (next build)…");
  run(npm, ["run", "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
}

// 4. The server bundle (half a second; scripts/build-server.mjs says why not tsx).
// Imported here, not at the top: esbuild is only there once step 1 has run.
const { buildServer } = await import("./build-server.mjs");
const bundle = await buildServer();

// 5. Serve. Signals are passed on so the server drains its records before exiting.
const child = spawn(process.execPath, [...heapFlags(), "--enable-source-maps", bundle, ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...process.env, ...serverEnv() },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
