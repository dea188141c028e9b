/**
 * Bundles server.ts and everything it imports from this repository into one
 * CommonJS file, .thinkgate/server.cjs, which `npm start`, the tests and the
 * benchmarks run with plain Node, and the record thread's entry beside it
 * (.thinkgate/record-thread.cjs), the JSON parser's (json-thread.cjs) and
 * the simulator's (simulator-thread.cjs).
 * Packages stay in node_modules (external).
 *
 * Why not tsx at run time: tsx compiles each module as it loads and keeps its
 * loader, the compiled sources and their maps in the process. Measured on
 * the gateway at rest, the same server took ~230 MiB RSS under tsx and ~150
 * MiB from the bundle. Bundling takes about half a second, so it runs on
 * every start; `npm run dev` keeps tsx for editing.
 *
 *   node scripts/build-server.mjs      (prints nothing on success)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, stop } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SERVER_BUNDLE = path.join(root, ".thinkgate", "server.cjs");

export async function buildServer() {
  const result = await build({
    // The record thread (lib/recorder/thread-store.ts), the JSON parser's (lib/api/large-json.ts) and the simulator's (lib/simulator/upstream.ts) start from beside the server.
    entryPoints: [
      { in: path.join(root, "server.ts"), out: "server" },
      { in: path.join(root, "lib/recorder/thread.ts"), out: "record-thread" },
      { in: path.join(root, "lib/api/json-thread.ts"), out: "json-thread" },
      { in: path.join(root, "lib/simulator/thread.ts"), out: "simulator-thread" },
    ],
    outdir: path.dirname(SERVER_BUNDLE),
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    // Stack traces in logs point at the sources (the server runs with --enable-source-maps).
    sourcemap: "linked",
    logLevel: "silent",
    tsconfig: path.join(root, "tsconfig.json"),
    write: false,
  });
  // A warning here means code that behaves differently bundled (import.meta in
  // CommonJS, a require that cannot be resolved): refused rather than shipped.
  if (result.warnings.length) {
    const lines = result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ""}${w.text}`);
    throw new Error(`bundling server.ts gave warnings:\n${lines.join("\n")}`);
  }
  // Another process may be loading these files right now: a second server
  // started from the same checkout, a thread of a running one started again,
  // the test servers. Each file is replaced whole (written beside it, then
  // renamed over it), never truncated and rewritten in place, and left alone
  // when it is unchanged.
  fs.mkdirSync(path.dirname(SERVER_BUNDLE), { recursive: true });
  for (const file of result.outputFiles) {
    let same = false;
    try {
      same = Buffer.compare(fs.readFileSync(file.path), file.contents) === 0;
    } catch {
      // not there yet
    }
    if (same) continue;
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }
  // esbuild's service process would otherwise live as long as this one: beside the server `npm start` supervises, for nothing.
  await stop();
  return SERVER_BUNDLE;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildServer().catch((err) => {
    console.error(err.message ?? err);
    process.exit(1);
  });
}
