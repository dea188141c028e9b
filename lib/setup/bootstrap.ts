/**
 * Everything a process does once before serving: migrate, seed, make sure an
 * admin key (and, when configured, an admin user) exists, and load the
 * in-memory configuration the request path uses.
 */
import { sessionSecret } from "../auth/session";
import { ensureAdminFromEnv } from "../auth/users";
import { databaseUrl } from "../db/provider";
import { migrate } from "../db/migrate";
import { keysRepo } from "../db/keys.repo";
import { createKey } from "../gateway/keys";
import { loadPrices } from "../pricing/service";
import { routingConfig } from "../routing/config";
import { loadTracesConfig } from "../traces/config";
import { activeModel } from "../routing/classifier";
import { reloadRouterModel } from "../router-versions/service";
import { seed } from "./seed";

export interface BootstrapResult {
  migrationsApplied: string[];
  /** Set when this start created the first admin key: shown once, never stored. */
  firstKey?: { secret: string; fromEnv: boolean };
  /** Email of the admin user this start created from THINKGATE_ADMIN_EMAIL / _PASSWORD. */
  firstAdmin?: string;
}

export async function bootstrap(root = process.cwd()): Promise<BootstrapResult> {
  const migrationsApplied = await migrate(databaseUrl(), root);
  await seed();
  let firstKey: BootstrapResult["firstKey"];
  if ((await keysRepo.count()) === 0) {
    const fromEnv = process.env.THINKGATE_BOOTSTRAP_KEY?.trim();
    const { secret } = await createKey("bootstrap admin", "admin", fromEnv || undefined);
    firstKey = { secret, fromEnv: !!fromEnv };
  }
  const firstAdmin = (await ensureAdminFromEnv()) ?? undefined;
  // Decoding the classifier's weights takes tens of milliseconds: do it now, not on the first request.
  // (The version applied through the app, else the deployment's file when valid, else the shipped model.)
  await reloadRouterModel();
  activeModel();
  // The session secret too: a bad THINKGATE_SESSION_SECRET fails the start, not the first sign-in.
  await Promise.all([loadPrices(), routingConfig(), sessionSecret(), loadTracesConfig()]);
  return { migrationsApplied, firstKey, firstAdmin };
}
