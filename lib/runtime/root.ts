/**
 * The project's root directory (where package.json, .env, .next and data/
 * live). Found by walking up from this module rather than fixed relative to
 * it, because the module runs from two places: its source file (tsx, vitest,
 * Next) and the server bundle in .thinkgate/ that `npm start` runs.
 */
import fs from "node:fs";
import path from "node:path";

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    // turbopackIgnore: a path built at run time would make Next trace the whole project.
    if (fs.existsSync(/* turbopackIgnore: true */ path.join(dir, "package.json")) && fs.existsSync(/* turbopackIgnore: true */ path.join(dir, "next.config.js"))) return (cached = dir);
    if (path.dirname(dir) === dir) return (cached = process.cwd());
  }
}
