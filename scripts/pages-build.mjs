/**
 * Whether the built pages (.next) are older than their sources: app,
 * components, lib, public, the Next and PostCSS configs, tsconfig and the lock
 * file. `npm start` and `npm test` both rebuild only then. Plain Node, no
 * dependencies: it runs before node_modules may exist.
 */
import fs from "node:fs";
import path from "node:path";

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function newestIn(dir) {
  let newest = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === "generated" || e.name.startsWith(".")) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, mtime(p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}

export function pagesAreStale(root) {
  const built = mtime(path.join(root, process.env.THINKGATE_NEXT_DIST || ".next", "BUILD_ID"));
  const sources = Math.max(
    ...["app", "components", "lib", "public"].map((d) => newestIn(path.join(root, d))),
    ...["next.config.js", "postcss.config.mjs", "tsconfig.json", "package-lock.json"].map((f) => mtime(path.join(root, f))),
  );
  return !built || built < sources;
}

/** When the dependencies were last installed (0: never), against the lock file. */
export function dependenciesAreStale(root) {
  const installed = mtime(path.join(root, "node_modules/.package-lock.json"));
  return !installed || installed < mtime(path.join(root, "package-lock.json"));
}
