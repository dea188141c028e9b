/**
 * Giving other requests a turn in the middle of long work.
 *
 * One `setImmediate` is not enough when the caller runs in an I/O callback (a
 * socket's `data` or `end`, or a promise settled from one): the event loop's
 * check phase, where immediates run, comes straight after the poll phase that
 * ran the callback, so a request that arrived meanwhile still waits for the
 * work after the yield. Two immediates in a row always span a poll phase.
 */
export function yieldToIo(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Time a piece of work may hold the event loop before it yields: a few milliseconds, unnoticed by the requests waiting. */
export const TURN_BUDGET_MS = 8;

/**
 * For work done in small steps: the returned function, awaited between steps,
 * yields to other requests (yieldToIo) once the current turn has used
 * `budgetMs`, and costs a clock read otherwise. Bounding by time rather than
 * by a count of steps keeps the turn short on a slow or busy machine too.
 */
export function turnBudget(budgetMs = TURN_BUDGET_MS): () => Promise<void> {
  let start = performance.now();
  return async () => {
    if (performance.now() - start < budgetMs) return;
    await yieldToIo();
    start = performance.now();
  };
}
