/**
 * Running several instances on one database: what each instance reloads when
 * another one announces a change, and the shared Redis behind limits and
 * notices. `startCluster()` runs once at server start, after bootstrap.
 */
import { clearSessionCache } from "../auth/session-store";
import { clearUserCache } from "../auth/users";
import { clearKeyCache } from "../gateway/keys";
import { logger } from "../observability/logger";
import { invalidatePrices } from "../pricing/service";
import { invalidate } from "../routing/config";
import { reloadRouterModel } from "../router-versions/service";
import { loadTracesConfig } from "../traces/config";
import { onChange, startChangeBus, stopChangeBus } from "./bus";
import { closeRedis, redisReady, sharedRedis } from "./redis";

export { announceChange, type ChangeTopic } from "./bus";

let started = false;

export async function startCluster(): Promise<{ redis: boolean }> {
  const shared = sharedRedis();
  if (!started) {
    started = true;
    onChange("routing", invalidate);
    onChange("router", reloadRouterModel);
    onChange("prices", invalidatePrices);
    onChange("keys", clearKeyCache);
    onChange("users", clearUserCache);
    onChange("sessions", clearSessionCache);
    onChange("traces", loadTracesConfig);
  }
  if (!shared) return { redis: false };
  if (!(await redisReady(shared.client))) {
    logger.warn({ prefix: shared.settings.prefix }, "redis is not reachable at start: limits fail open and changes converge once it is back");
  }
  await startChangeBus(shared.settings, shared.client);
  return { redis: true };
}

export async function stopCluster(): Promise<void> {
  await stopChangeBus();
  await closeRedis();
}
