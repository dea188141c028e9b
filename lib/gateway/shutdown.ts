/**
 * The gateway's side of a shutdown whose drain ran out of time (server.ts):
 * the requests still running are cut off (their connections closed), and the
 * shutdown waits until each has been recorded before the last flush. Without
 * this their records were never written: they were still running when the
 * records were flushed and the process exited.
 */

/**
 * Gateway requests begun and not yet recorded, by id (handleMessages adds,
 * record / an unrecorded refusal removes). Ids, not the requests: a path that
 * failed to record would otherwise keep its whole body alive here.
 */
const open = new Set<string>();
const waiters = new Set<() => void>();
let cutting = false;

export function requestBegun(a: { requestId: string }): void {
  open.add(a.requestId);
}

export function requestEnded(a: { requestId: string }): void {
  if (!open.delete(a.requestId) || open.size) return;
  for (const w of waiters) w();
  waiters.clear();
}

/** From now on a request that ends early was cut off by the shutdown, not left by its client: its record says so. */
export function cutOff(): void {
  cutting = true;
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
