/** Model capabilities for the gateway: GET /v1/models/{id} through the SDK, cached, with the built-in table behind it. */
import { createCapabilityResolver } from "../models/capabilities";
import { logger } from "../observability/logger";
import { upstream } from "./upstream";

type Resolver = ReturnType<typeof createCapabilityResolver>;
const g = globalThis as unknown as { __thinkgateCaps?: Resolver };

export function capabilities(): Resolver {
  return (g.__thinkgateCaps ??= createCapabilityResolver({
    ttlMs: 60 * 60 * 1000,
    fetchModel: async (id) => {
      try {
        return await upstream().models.retrieve(id);
      } catch (err) {
        logger.debug({ model: id, err: (err as Error).message }, "model capabilities not fetched; using the built-in table");
        return null;
      }
    },
  }));
}
