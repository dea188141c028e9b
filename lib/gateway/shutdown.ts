/**
 * The gateway's side of a shutdown whose drain ran out of time (server.ts):
 * the requests still running are cut off (their connections closed), and the
 * shutdown waits until each has been recorded before the last flush. Without
 * this their records were never written: they were still running when the
 * records were flushed and the process exited.
 */

/**
 * Gateway requests begun and not yet recorded, by id (handleMessages adds,
 * record / an unrecorded refusal removes), each with what aborts its upstream
 * calls. Ids, not the requests: a path that failed to record would otherwise
 * keep its whole body alive here.
 */
const open = new Map<string, { upstream: AbortController; unlink: () => void }>();
const waiters = new Set<() => void>();
let cutting = false;

/**
 * A request begins. Returns the signal its upstream calls go with: aborted
 * when its client leaves (`client`) or when the shutdown cuts it off. On a
 * cut-off the client is still connected, so it gets an answer that says so
 * (a 503, or a stream's `error` event) rather than a dropped connection.
 */
export function requestBegun(a: { requestId: string }, client?: AbortSignal): AbortSignal {
  const upstream = new AbortController();
  let unlink = () => {};
  if (client?.aborted || cutting) upstream.abort();
  else if (client) {
    const left = () => upstream.abort();
    client.addEventListener("abort", left, { once: true });
    unlink = () => client.removeEventListener("abort", left);
  }
  open.set(a.requestId, { upstream, unlink });
  return upstream.signal;
}

export function requestEnded(a: { requestId: string }): void {
  const entry = open.get(a.requestId);
  if (!entry) return;
  entry.unlink();
  open.delete(a.requestId);
  if (open.size) return;
  for (const w of waiters) w();
  waiters.clear();
}

/**
 * From now on a request that ends early was cut off by the shutdown, not
 * left by its client: its record says so. The upstream calls of the requests
 * still running are aborted, so each ends with an answer its client reads.
 */
export function cutOff(): void {
  cutting = true;
  for (const { upstream } of open.values()) upstream.abort();
}

export function cuttingOff(): boolean {
  return cutting;
}

/** Resolves true once every begun request is recorded, false after `ms`. */
export function allRecorded(ms: number): Promise<boolean> {
  if (!open.size) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      waiters.delete(done);
      resolve(false);
    }, ms);
    waiters.add(done);
  });
}

/** How many requests are begun and not yet recorded (tests, logs). */
export function openRequests(): number {
  return open.size;
}
