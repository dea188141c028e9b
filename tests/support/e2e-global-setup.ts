/**
 * Runs once before the e2e project: the pages must be built (the test servers
 * run Next in production mode from .next) and Chromium must be installed;
 * both are checked here so a missing one fails in one clear line instead of
 * once per file. Clears the screenshots of the previous run and bundles the
 * server from the current sources (tests/support/server.ts runs the bundle).
 */
import fs from "node:fs";
import path from "node:path";
import { buildServer } from "../../scripts/build-server.mjs";
import { assertChromium, SCREENSHOT_DIR } from "./chromium";

const ROOT = path.resolve(__dirname, "../..");

export default async function setup(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, process.env.THINKGATE_NEXT_DIST || ".next", "BUILD_ID"))) {
    throw new Error("e2e tests need the built web app: run `npx next build` first (or `node scripts/test.mjs e2e`, which builds when the sources changed)");
  }
  assertChromium();
  fs.rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await buildServer();
}
