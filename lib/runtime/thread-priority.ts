/**
 * Background threads give way to the thread that serves requests.
 *
 * The record thread (building and writing records, signals over the
 * thinking), the training thread and the simulator's thread (a stand-in for
 * a remote API) are work no client waits on as it happens. On two cores, while
 * a 10,000-line batch result was read and recorded, the record thread's
 * garbage collection and PostgreSQL's writes held both cores and the main
 * thread waited for one: a /api/health poll took 101 ms with the main thread
 * idle for half of it. Raising these threads' nice value makes the kernel run
 * the main thread first whenever they contend; on an idle core they run as
 * fast as before.
 *
 * Linux keeps a nice value per thread: setpriority(PRIO_PROCESS, tid) (what
 * os.setPriority calls) changes only the thread whose id it is given, and
 * /proc/thread-self names the calling thread's id. Elsewhere this does
 * nothing: lowering the whole process would slow the serving too.
 */
import fs from "node:fs";
import os from "node:os";

/** The calling thread's kernel id, or null where /proc/thread-self is not there (not Linux). */
export function threadId(): number | null {
  try {
    // "/proc/thread-self" → "<pid>/task/<tid>"
    const tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** The nice value of background threads: the kernel gives a thread at 0 about nine times their share of a core. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's priority to `nice` (never raises it: an
 * unprivileged process may not). Returns the nice value in effect, or null
 * where it could not be set.
 */
export function lowerThreadPriority(nice = BACKGROUND_NICE): number | null {
  const tid = threadId();
  if (tid === null) return null;
  try {
    if (os.getPriority(tid) < nice) os.setPriority(tid, nice);
    return os.getPriority(tid);
  } catch {
    return null;
  }
}
