/**
 * How much batch-creation work one process does at once.
 *
 * Creating a batch holds, until the upstream has it and its items are
 * stored, the parsed body, each item's routed params and its record
 * skeleton, and the upstream body: about 3 KB of heap per item beyond the
 * body itself. Two 100,000-item creates at once (13 MB bodies, well inside
 * the body limit) ran the 512 MB heap out and the process died with every
 * request in it. So each create takes its estimate from this budget first,
 * in arrival order, and waits while others hold it; a create that has
 * waited CREATE_WAIT_MS gets a 529 overloaded_error with retry-after, which
 * the SDKs retry. One create larger than the whole budget still runs, alone.
 */
import v8 from "node:v8";
import { AppError } from "../api/errors";

/** Heap per item, measured on 100,000-item creates (params, skeleton and its JSON, the upstream body's share). */
const BYTES_PER_ITEM = 3_000;
/** The body's own text, parsed and copied. */
const BYTES_PER_BODY_BYTE = 3;
const CREATE_WAIT_MS = Number(process.env.THINKGATE_BATCH_CREATE_WAIT_MS ?? 60_000);

/** About the smallest item's JSON: {"custom_id":"a","params":{"model":...,"max_tokens":1,"messages":[...]}}. */
const MIN_ITEM_BYTES = 100;

/** The heap a create is expected to hold at its peak. */
export function createCost(items: number, bodyBytes: number): number {
  return items * BYTES_PER_ITEM + bodyBytes * BYTES_PER_BODY_BYTE;
}

/** The same for a body not yet parsed, from its size: as many items as its bytes can hold. */
export function bodyCost(bodyBytes: number): number {
  return createCost(Math.ceil(bodyBytes / MIN_ITEM_BYTES), bodyBytes);
}

interface Waiter {
  cost: number;
  grant(): void;
}

export class WorkBudget {
  private used = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly capacity: number) {}

  /** Takes `cost` (at most the whole budget), waiting in line up to `maxWaitMs`; resolves to its release, which counts once. */
  take(cost: number, maxWaitMs = CREATE_WAIT_MS, signal?: AbortSignal): Promise<() => void> {
    const want = Math.min(cost, this.capacity);
    let held = false;
    const release = () => {
      if (!held) return;
      held = false;
      this.used -= want;
      this.next();
    };
    const hold = () => {
      held = true;
      this.used += want;
      return release;
    };
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.queue.length && this.used + want <= this.capacity) return Promise.resolve(hold());
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const leave = (err: unknown) => {
        done();
        this.queue.splice(this.queue.indexOf(waiter), 1);
        this.next();
        reject(err);
      };
      const onAbort = () => leave(signal!.reason);
      const waiter: Waiter = { cost: want, grant: () => (done(), resolve(hold())) };
      const timer = setTimeout(
        () => leave(new AppError("overloaded_error", "this instance is creating as many message batches as it can hold at once; retry shortly", { headers: { "retry-after": "5" } })),
        maxWaitMs,
      );
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Grants waiters in arrival order while the first one fits. */
  private next(): void {
    while (this.queue.length && this.used + this.queue[0]!.cost <= this.capacity) this.queue.shift()!.grant();
  }
}

/** Half the heap ceiling: room for one create of the largest batch, with the rest of the traffic beside it. */
export const batchCreates = new WorkBudget(Math.floor(v8.getHeapStatistics().heap_size_limit / 2));
