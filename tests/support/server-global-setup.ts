/**
 * Runs once before the integration project: bundles the server from the
 * current sources (scripts/build-server.mjs), so every test server runs what
 * `npm start` runs, never a bundle left from older sources.
 */
import { buildServer } from "../../scripts/build-server.mjs";

export default async function setup(): Promise<void> {
  await buildServer();
}
