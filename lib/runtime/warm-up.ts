/**
 * Work the first request would otherwise do inside its own turn, done once
 * at start: loading the routing configuration, the classifier's first score
 * (its model read, its code compiled), building the upstream SDK client
 * and fetching the capabilities of the models the routes name. On a busy
 * machine the first Message Batch after a start held the event loop ~100 ms
 * with all of it in one item's turn; and the first requests were decided on
 * the built-in capability table rather than the API's answer.
 *
 * Bounded: an upstream slow to answer its model questions does not hold the
 * start; what is left goes on in the background.
 */
import { within } from "../db/bounded-lookup";
import { capabilities } from "../gateway/capabilities";
import { logger } from "../observability/logger";
import { routingConfig } from "../routing/config";
import { classifierStage } from "../routing/classifier";

const WARM_UP_WAIT_MS = 2_000;

async function warm(): Promise<void> {
  classifierStage("Compare two ways to cache the results, step by step, and say which is faster.", 0.5);
  const { snapshot } = await routingConfig();
  const models = new Set([...snapshot.routes.values()].map((r) => r.model));
  // get() answers from the built-in table when the upstream cannot tell (lib/gateway/capabilities.ts).
  await Promise.all([...models].map((id) => capabilities().get(id)));
}

export async function warmUp(): Promise<void> {
  const warming = warm().catch((err: unknown) => logger.warn({ err: (err as Error).message }, "warm-up failed; the first requests do its work"));
  await within(warming, WARM_UP_WAIT_MS, "the warm-up").catch(() => undefined);
}
