/**
 * How many bytes of large request bodies one process holds at once.
 *
 * A large body lives, until its answer is done, as its bytes, its parsed
 * text on the heap and the bytes sent upstream: two dozen 30 MB requests at
 * once took more memory than the heap has, and the process died with every
 * request in it. Bodies over LARGE_BODY_BYTES are therefore counted against a
 * budget (THINKGATE_LARGE_BODY_BUDGET_BYTES, by default a quarter of the heap
 * ceiling: 128 MiB under the default 512 MiB), taken as they arrive and given
 * back when the answer is done. Past it, a request is refused with a 529
 * overloaded_error and a retry-after, which the SDKs retry; small bodies are
 * not counted.
 */
import v8 from "node:v8";
import { AppError } from "./errors";
import { LARGE_BODY_BYTES } from "./body-limit";

let held = 0;
let defaultBudget: number | undefined;

export function largeBodyBudget(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.THINKGATE_LARGE_BODY_BUDGET_BYTES);
  return Number.isInteger(v) && v > 0 ? v : Math.floor(v8.getHeapStatistics().heap_size_limit / 4);
}

/** Bytes of large bodies held now, by every request of the process. */
export const heldBodyBytes = () => held;

export function overBudget(): AppError {
  return new AppError("overloaded_error", "this instance is holding as many large request bodies as it can; retry shortly", { headers: { "retry-after": "1" } });
}

/** One request's share of the budget: what it has taken, given back once by release(). */
export class BodyHold {
  private bytes = 0;

  constructor(private readonly budget: number = (defaultBudget ??= largeBodyBudget())) {}

  /**
   * Counts a body that has reached `total` bytes (a declared length, or what
   * has arrived so far); false when the budget cannot take it. Bodies up to
   * LARGE_BODY_BYTES take nothing.
   */
  grow(total: number): boolean {
    if (total <= LARGE_BODY_BYTES || total <= this.bytes) return true;
    const more = total - this.bytes;
    if (held + more > this.budget) return false;
    held += more;
    this.bytes = total;
    return true;
  }

  release(): void {
    held -= this.bytes;
    this.bytes = 0;
  }
}
