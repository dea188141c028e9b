/**
 * Conversation pins, cached in memory in front of the database. A pin is
 * written when a response carries thinking or tool use, and read when a later
 * turn of that conversation arrives.
 */
import { LRUCache } from "lru-cache";
import { pinsRepo } from "../db/pins.repo";
import { logger } from "../observability/logger";
import type { PinLookup } from "../routing/pipeline";
import type { PinnedConfig } from "../routing/types";

const cache = new LRUCache<string, PinnedConfig>({ max: 50_000 });

export const pinStore: PinLookup & { put(key: string, pin: PinnedConfig): void } = {
  async get(key) {
    const hit = cache.get(key);
    if (hit) return hit;
    const row = await pinsRepo.get(key);
    if (!row) return undefined;
    const config = JSON.parse(row.config) as Pick<PinnedConfig, "thinking" | "effort">;
    const pin: PinnedConfig = { routeId: row.routeId, model: row.model, ...config };
    cache.set(key, pin);
    return pin;
  },
  put(key, pin) {
    if (cache.has(key)) return;
    cache.set(key, pin);
    const { routeId, model, ...config } = pin;
    pinsRepo.putMany([{ key, routeId, model, config: JSON.stringify(config) }]).catch((err: Error) => {
      logger.warn({ err: err.message }, "could not store a conversation pin");
    });
  },
};
