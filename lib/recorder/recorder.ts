/**
 * Persists request records off the response path. Records are queued in
 * memory and written in batches, so a response never waits for the database
 * and a burst of requests costs a few inserts rather than one each.
 *
 * A failed batch goes back to the head of the queue and is retried with
 * backoff; inserts skip ids already stored, so a retried batch is written once.
 * The queue is bounded (THINKGATE_RECORDER_MAX_QUEUE); past the bound the
 * oldest records are dropped and counted, so memory stays bounded while the
 * database is down. Call flush() before the process exits.
 */
import { logger } from "../observability/logger";
import type { RequestRecordRow } from "./record";

export interface RecordSink {
  insertMany(rows: RequestRecordRow[]): Promise<number>;
}

export interface RecorderOptions {
  batchSize?: number;
  intervalMs?: number;
  maxQueue?: number;
}

export class Recorder {
  private queue: RequestRecordRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private failures = 0;
  readonly stats = { written: 0, dropped: 0, failedBatches: 0 };
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly maxQueue: number;

  constructor(
    private readonly sink: RecordSink,
    opts: RecorderOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 200;
    this.intervalMs = opts.intervalMs ?? 50;
    this.maxQueue = opts.maxQueue ?? 100_000;
  }

  get pending(): number {
    return this.queue.length;
  }

  add(row: RequestRecordRow): void {
    this.queue.push(row);
    if (this.queue.length > this.maxQueue) {
      const over = this.queue.length - this.maxQueue;
      this.queue.splice(0, over);
      this.stats.dropped += over;
      logger.error({ dropped: over }, "recorder queue full: oldest records dropped");
    }
    if (this.queue.length >= this.batchSize) this.kick(0);
    else this.kick(this.intervalMs);
  }

  private kick(delay: number): void {
    if (this.writing) return;
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeOnce();
    }, delay);
    this.timer.unref?.();
  }

  private async writeOnce(): Promise<void> {
    if (this.writing || !this.queue.length) return;
    const batch = this.queue.splice(0, this.batchSize);
    this.writing = (async () => {
      try {
        await this.sink.insertMany(batch);
        this.stats.written += batch.length;
        this.failures = 0;
      } catch (err) {
        // Back to the head of the queue, in order, and try again later.
        this.queue.unshift(...batch);
        this.failures++;
        this.stats.failedBatches++;
        logger.warn({ err: (err as Error).message, pending: this.queue.length }, "recorder: batch write failed, will retry");
      }
    })();
    await this.writing;
    this.writing = null;
    if (this.queue.length) {
      const backoff = this.failures ? Math.min(5_000, 100 * 2 ** Math.min(this.failures, 6)) : 0;
      this.kick(backoff || (this.queue.length >= this.batchSize ? 0 : this.intervalMs));
    }
  }

  /** Writes everything queued; resolves when the queue is empty or `timeoutMs` passed. */
  async flush(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Records of requests that just finished are queued on the next turn of the loop.
    await new Promise((r) => setImmediate(r));
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while ((this.queue.length || this.writing) && Date.now() < deadline) {
      if (this.writing) await this.writing;
      else await this.writeOnce();
      if (this.failures) await new Promise((r) => setTimeout(r, 200));
    }
  }
}
