/**
 * Persists request records without losing one and without making a response
 * wait for the database.
 *
 *   add(input)  ─ sync ─▶ journal (one JSON line on local disk) ─▶ memory queue
 *                                                                   │ batches of lines, off the response path
 *                                                                   ▼
 *                        store.store(lines): build the rows, insert them ─▶ journal.confirm
 *
 * The journal (lib/recorder/journal.ts) is written before the response ends,
 * so a record survives the process being killed; the row itself (costing,
 * redaction, signals) is built by the store, off the response path, on the
 * record thread in the server (lib/recorder/thread-store.ts). Only the JSON
 * line travels: the recorder never parses or builds. Batches are written in
 * journal order. A failed batch stays at the head and is retried with backoff
 * while new records keep arriving in the journal.
 *
 * The memory queue is bounded (maxQueue). Past it the recorder "spills": new
 * records go to the journal only, and the flusher reads them back from disk,
 * in order, once the memory queue is written. A start with segments left by
 * an earlier run (killed, or stopped while the database was down) begins
 * spilled, so they are replayed before the new records. Inserts skip ids
 * already stored, so a replayed record is written exactly once.
 *
 * Without a journal (THINKGATE_SPOOL_DIR=off) the queue is memory only and
 * drops its oldest records past the bound.
 *
 * A request in flight has a provisional line (provisional(): journaled before
 * each step of it that the upstream may bill, never queued): the record it
 * would have if the process died then. A later provisional line of the same
 * request supersedes it, and its final record the last; until then the journal
 * is not confirmed past it, so its segment stays. Memory keeps only where
 * the line is, not the line: it holds the request's texts, which the request
 * itself already holds, and a copy per request in flight doubled the memory of
 * large ones (agent loops send hundreds of KB a call). A replay pairs an earlier
 * run's provisional lines with their final records by key (the requestId);
 * those left without one, once the earlier runs' lines are all read, are
 * stored as they are: the records of requests the process died in the
 * middle of. This run's own provisional lines, read back in a spill, are
 * passed over.
 */
import { stringifyDeep } from "../api/json-text";
import { logger } from "../observability/logger";
import { batchTakes, before, Journal, type JournalEntry, type Position } from "./journal";

/** A record the database refused for its data (lib/recorder/store.ts), with the database's reason. */
export interface SetAside {
  line: string;
  error: string;
}

export interface Stored {
  written: number;
  skipped: number;
  /** Records the database will never take: kept in the spool's set-aside file, not retried. */
  setAside?: SetAside[];
}

/** Where batches of journal lines go: built into rows and inserted (lib/recorder/store.ts). */
export interface RecordStore {
  /**
   * Stores the records of these lines (one JSON RecordInput each), ids
   * already stored skipped. Resolves once they are in the database, but for
   * the rows it refused for their data (set aside); rejects when the batch
   * could not be written (it is retried). Lines that can never become a row
   * (unreadable, or failing to build) are counted as skipped.
   */
  store(lines: string[]): Promise<Stored>;
}

export interface RecorderOptions {
  batchSize?: number;
  /**
   * A batch also stops at about this many characters of records (one record
   * at least): the main thread hands a batch to the record thread in one
   * piece, and 200 records with 100 KB answers each (20 MB) held it ~70 ms.
   */
  batchChars?: number;
  intervalMs?: number;
  maxQueue?: number;
  /** Longest wait between retries while the database is unreachable. */
  maxBackoffMs?: number;
}

export interface RecorderStatus {
  /** Records in memory waiting for the database, the batch being written included. */
  queued: number;
  /** True while records are read back from the journal (a replay after a start, or a spill). */
  replaying: boolean;
  /** False after a failed write, until a write succeeds. */
  dbReachable: boolean;
  lastError: string | null;
  written: number;
  failedBatches: number;
  /** Records lost: only without a journal, when the journal itself could not be written, or one that could not be built. */
  dropped: number;
  /** Records the database refused for their data, kept in the spool's set-aside file (or, without a spool, logged and lost). */
  setAside: number;
  spool: { dir: string; bytes: number; maxBytes: number; full: boolean; skippedLines: number } | null;
}

/**
 * A request's provisional line (Recorder.provisional) not yet superseded by
 * its final record: the journal is kept from its start on. Only its place:
 * the line stays on disk, and is read back from there when it is carried
 * forward (Recorder.carryForward).
 */
export interface Provisional {
  readonly key: string;
  /** Where its line starts; moves on when the line is carried forward. */
  start: Position;
  /** The line's length in bytes, its newline not counted. */
  readonly bytes: number;
}

interface Item {
  /** The record's line; null for a line read back that stores nothing (a provisional line). */
  line: string | null;
  /** Where its journal line ends; null when it never reached the journal. */
  end: Position | null;
  /** A final record whose own line could not be journaled: its provisional line is kept until it is stored. */
  provisional?: Provisional;
  /** An earlier run's provisional line stored as its record: the key it is kept under in `orphans` until then. */
  orphan?: string;
}

/** Where a line of `bytes` bytes that ends at `end` starts: a line is written whole into one segment. */
const startOf = (end: Position, bytes: number): Position => ({ segment: end.segment, offset: end.offset - bytes - 1 });

const PROVISIONAL_PREFIX = '{"provisional":';
/** A JSON string at the line's start, after the key: ids hold no quote, but an escaped one is read right too. */
const PROVISIONAL_KEY = /^\{"provisional":("(?:[^"\\]|\\.)*")/;
const RECORD_KEY = /^\{"requestId":("(?:[^"\\]|\\.)*")/;

/** The key of a provisional line, or null for any other line. */
export function provisionalKey(line: string): string | null {
  if (!line.startsWith(PROVISIONAL_PREFIX)) return null;
  const m = PROVISIONAL_KEY.exec(line);
  return m ? (JSON.parse(m[1]!) as string) : null;
}

/**
 * The key of a final record's line: its requestId. The gateway's records
 * begin with it (lib/gateway/record.ts recordInput), so it is read off the
 * line's start; any other line is parsed. Only a replay with an earlier run's
 * provisional lines still unpaired asks.
 */
function recordKey(line: string): string | null {
  const m = RECORD_KEY.exec(line);
  if (m) return JSON.parse(m[1]!) as string;
  try {
    const id = (JSON.parse(line) as { requestId?: unknown }).requestId;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

export class Recorder<I> {
  private queue: Item[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private failures = 0;
  private lastError: string | null = null;
  /** When set, records from here on are in the journal only. */
  private cursor: Position | null;
  private fullLogged = false;
  readonly stats = { written: 0, dropped: 0, setAside: 0, failedBatches: 0, journalErrors: 0 };
  private readonly batchSize: number;
  private readonly batchChars: number;
  /** Records of the batch being written (taken off the queue, not yet in the database). */
  private inFlight = 0;
  private readonly intervalMs: number;
  private readonly maxQueue: number;
  private readonly maxBackoffMs: number;
  /** This run's provisional lines not yet superseded, oldest first (a Set iterates in insertion order). */
  private readonly live = new Set<Provisional>();
  /**
   * Earlier runs' provisional lines met in the replay whose final record has
   * not been read (yet), by key, oldest first; each stays until it is
   * superseded or stored as an interrupted request's record.
   */
  private readonly orphans = new Map<string, { line: string; start: Position; end: Position }>();
  /** The segment this run's lines begin in: lines in earlier ones were written by an earlier run. */
  private readonly runSegment: number;
  /** Every line of the earlier runs has been read: their unpaired provisional lines are queued as records. */
  private earlierRead: boolean;
  /** The furthest journal position up to which every line is stored or stores nothing. */
  private stored: Position | null = null;
  /** Resolves once every record the earlier runs left in the spool is in the database: at once when they left none. */
  readonly earlierStored: Promise<void>;
  private earlierDone!: () => void;

  constructor(
    private readonly sink: RecordStore,
    private readonly journal: Journal | null,
    opts: RecorderOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 200;
    this.batchChars = opts.batchChars ?? 2 << 20;
    this.intervalMs = opts.intervalMs ?? 50;
    this.maxQueue = opts.maxQueue ?? 100_000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 2_000;
    this.cursor = journal?.head() ?? null;
    this.runSegment = journal?.tail().segment ?? 0;
    this.earlierRead = this.cursor === null;
    this.earlierStored = new Promise((resolve) => (this.earlierDone = resolve));
    if (this.earlierRead) this.earlierDone();
    if (this.cursor) {
      logger.warn({ dir: journal!.dir, bytes: journal!.bytes }, "recorder: replaying records left in the spool by an earlier run");
      this.kick(0);
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * False while the spool is at its bound: the gateway then refuses new
   * requests (503) rather than accept one whose record it could not keep.
   * Requests already accepted still journal their records past the bound.
   */
  admit(): boolean {
    if (!this.spoolFull) {
      if (this.fullLogged) {
        this.fullLogged = false;
        logger.warn({ bytes: this.journal?.bytes }, "recorder: spool below its bound again, accepting requests");
      }
      return true;
    }
    if (!this.fullLogged) {
      this.fullLogged = true;
      const j = this.journal!;
      logger.error(
        { dir: j.dir, bytes: j.bytes, maxBytes: j.maxBytes, writable: j.writable },
        j.full
          ? "recorder: SPOOL FULL (THINKGATE_SPOOL_MAX_BYTES): refusing new gateway requests with 503 until the database takes the backlog"
          : "recorder: SPOOL CANNOT BE WRITTEN (its disk is full?) while the database is unreachable: refusing new gateway requests with 503 until one of them takes records again",
      );
    }
    return false;
  }

  /**
   * At the bound; or the spool cannot take a line (its disk filled up before
   * the bound) while the database is unreachable too. Then a new request's
   * record could be kept nowhere but memory, where the process dying loses
   * it: it used to be served all the same, and a SIGKILL after the disk filled
   * lost every record since. With the database reachable, records the spool
   * could not take are in the database within a batch's interval: served.
   */
  private get spoolFull(): boolean {
    const j = this.journal;
    return j !== null && (j.full || (this.failures > 0 && !j.writable));
  }

  /** Provisional lines not yet superseded by their final record (requests in flight). */
  get provisionalOpen(): number {
    return this.live.size;
  }

  /**
   * Journals a provisional record for the request `key` (its requestId):
   * `input` is the record it is to have if the process dies before its final
   * one is added (add(final, provisional)). One synchronous append; nothing
   * is queued. `supersedes`: the request's earlier provisional line, which
   * this one replaces once appended (a replay keeps the last line of a key).
   * Returns the line that now stands for the request: null without a journal;
   * when the append failed, the earlier line (or null: then only the final
   * record keeps the request).
   */
  provisional(key: string, input: I, supersedes?: Provisional | null): Provisional | null {
    if (!this.journal) return null;
    // Deep-safe: what a record holds comes partly from the upstream, and a line that threw left the request no record.
    const json = stringifyDeep(input);
    const line = `${PROVISIONAL_PREFIX}${JSON.stringify(key)}${json.length > 2 ? "," : ""}${json.slice(1)}`;
    try {
      const bytes = Buffer.byteLength(line);
      const p: Provisional = { key, start: startOf(this.journal.append(line), bytes), bytes };
      if (supersedes) this.live.delete(supersedes);
      this.live.add(p);
      return p;
    } catch (err) {
      this.stats.journalErrors++;
      logger.error({ err: (err as Error).message, dir: this.journal.dir }, "recorder: could not append a provisional record to the spool");
      return supersedes ?? null;
    }
  }

  /**
   * Journals the record synchronously (before the response ends), then
   * queues it. `provisional`: the request's provisional line, superseded by
   * this record once its line is in the journal (or, when it could not be
   * journaled, once it is stored).
   */
  add(input: I, provisional?: Provisional | null): void {
    // Deep-safe, as provisional()'s line is.
    const line = stringifyDeep(input);
    let end: Position | null = null;
    let start: Position | null = null;
    if (this.journal) {
      try {
        start = this.journal.tail();
        end = this.journal.append(line);
      } catch (err) {
        this.stats.journalErrors++;
        logger.error({ err: (err as Error).message, dir: this.journal.dir }, "recorder: could not append to the spool; the record is held in memory only");
      }
    }
    if (provisional && end) this.live.delete(provisional);
    if (end && this.cursor) {
      // Spilled: the flusher reads it back from the journal.
      this.kick(this.intervalMs);
      return;
    }
    if (end && this.queue.length >= this.maxQueue) {
      this.cursor = start;
      logger.warn({ queued: this.queue.length }, "recorder: memory queue full, further records are read back from the spool");
      this.kick(0);
      return;
    }
    this.queue.push(provisional && !end ? { line, end, provisional } : { line, end });
    if (!end && this.queue.length > this.maxQueue) {
      const over = this.queue.length - this.maxQueue;
      // Lost: their provisional lines would otherwise hold the journal for good.
      for (const it of this.queue.splice(0, over)) if (it.provisional) this.live.delete(it.provisional);
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

  /** The next batch: the memory queue first (it is older), then lines read back from the journal. */
  private take(): Item[] {
    if (this.queue.length) {
      let n = 0;
      let chars = 0;
      const len = (k: number) => this.queue[k]!.line?.length ?? 0;
      while (n < this.queue.length && batchTakes(n, chars, len(n), this.batchSize, this.batchChars)) chars += len(n++);
      return this.queue.splice(0, n);
    }
    if (!this.cursor || !this.journal) return [];
    const { entries, next, atTail } = this.journal.read(this.cursor, this.batchSize, this.batchChars);
    // Caught up: records from now on go through memory again.
    this.cursor = atTail ? null : next;
    const items = entries.map((e) => this.readBack(e));
    if (!this.earlierRead && (atTail || next.segment >= this.runSegment)) {
      this.earlierRead = true;
      if (this.orphans.size) {
        logger.warn({ requests: this.orphans.size }, "recorder: an earlier run stopped in the middle of requests; they are recorded as interrupted");
        for (const [key, o] of this.orphans) this.queue.push({ line: o.line, end: o.end, orphan: key });
      }
    }
    return items;
  }

  /**
   * A line read back from the journal. A provisional line stores nothing
   * itself: this run's request is in flight or has its final record further
   * on; an earlier run's waits in `orphans` for its final record.
   */
  private readBack(e: JournalEntry): Item {
    const earlier = e.start.segment < this.runSegment;
    const key = provisionalKey(e.text);
    if (key !== null) {
      // A later line of the same request (a superseding one, or a copy carried forward) stands for it:
      // taken out and put back, so that `orphans` stays in the order of the lines' starts.
      if (earlier) {
        this.orphans.delete(key);
        this.orphans.set(key, { line: e.text, start: e.start, end: e.end });
      }
      return { line: null, end: e.end };
    }
    if (earlier && this.orphans.size) {
      const k = recordKey(e.text);
      if (k !== null) this.orphans.delete(k);
    }
    return { line: e.text, end: e.end };
  }

  private get hasWork(): boolean {
    return this.queue.length > 0 || this.cursor !== null;
  }

  private async writeOnce(): Promise<void> {
    if (this.writing) return;
    const batch = this.take();
    if (!batch.length) {
      // A read that found only the end of the earlier runs' lines queued their interrupted requests: written now, not with the next record.
      if (this.hasWork) this.kick(0);
      return;
    }
    const lines = batch.flatMap((it) => (it.line === null ? [] : [it.line]));
    this.inFlight = lines.length;
    this.writing = (async () => {
      try {
        const { written, skipped, setAside = [] } = lines.length ? await this.sink.store(lines) : { written: 0, skipped: 0 };
        this.stats.written += written;
        // A record that cannot be built never will be: skipped rather than blocking every later one.
        this.stats.dropped += skipped;
        if (setAside.length) this.keepAside(setAside);
        if (this.failures) logger.warn({ failedAttempts: this.failures }, "recorder: database writes succeed again");
        this.failures = 0;
        this.lastError = null;
        this.settle(batch);
      } catch (err) {
        // Back to the head of the queue, in order, and try again later.
        this.queue.unshift(...batch);
        this.failures++;
        this.stats.failedBatches++;
        this.lastError = (err as Error).message;
        logger.warn({ err: this.lastError, queued: this.queue.length, spoolBytes: this.journal?.bytes }, "recorder: batch write failed, will retry");
      }
    })();
    await this.writing;
    this.writing = null;
    this.inFlight = 0;
    if (this.hasWork) {
      const backoff = this.failures ? Math.min(this.maxBackoffMs, 100 * 2 ** Math.min(this.failures, 6)) : 0;
      this.kick(backoff || (this.queue.length >= this.batchSize || this.cursor ? 0 : this.intervalMs));
    }
  }

  /** Refused rows go to the spool's set-aside file, where an operator can read them; without a spool they are lost. */
  private keepAside(rows: SetAside[]): void {
    this.stats.setAside += rows.length;
    if (!this.journal) {
      this.stats.dropped += rows.length;
      return;
    }
    try {
      this.journal.setAside(rows.map((r) => JSON.stringify({ at: new Date().toISOString(), error: r.error, record: r.line })));
    } catch (err) {
      this.stats.dropped += rows.length;
      logger.error({ err: (err as Error).message, dir: this.journal.dir }, "recorder: could not write set-aside records; they are lost");
    }
  }

  /**
   * A batch is in the database: the provisional lines it supersedes are
   * released, and the journal confirmed up to the furthest line stored, but
   * never past a provisional line still waiting for its record.
   */
  private settle(batch: Item[]): void {
    for (const it of batch) {
      if (it.provisional) this.live.delete(it.provisional);
      if (it.orphan !== undefined) this.orphans.delete(it.orphan);
      if (it.end && (!this.stored || before(this.stored, it.end))) this.stored = it.end;
    }
    // Read to the end and their interrupted requests stored: the earlier runs' records are all in.
    if (this.earlierRead && !this.orphans.size) this.earlierDone();
    if (!this.stored) return;
    this.carryForward();
    let upTo = this.stored;
    const oldestLive = this.live.values().next().value;
    if (oldestLive && before(oldestLive.start, upTo)) upTo = oldestLive.start;
    const oldestOrphan = this.orphans.values().next().value;
    if (oldestOrphan && before(oldestOrphan.start, upTo)) upTo = oldestOrphan.start;
    this.confirm(upTo);
  }

  /**
   * Appends again, at the journal's tail, the provisional lines of requests
   * still in flight that began in an older segment than the one appended to.
   * Otherwise one long request (a stream that thinks for minutes) would keep
   * every segment written since it began, with every record in them, and
   * under heavy traffic fill the spool's bound: new requests refused for one
   * slow answer. A replay reads both copies as one (by key); the old one goes
   * with its segment. A copy the disk cannot take leaves the line where it
   * was, its segment kept.
   *
   * The line is read back from its segment, which is still there: settle()
   * never confirms the journal past the start of a live line, and confirming
   * is the only way a segment is deleted while the process runs. Should it
   * be unreadable all the same (the file removed or cut short by hand, the
   * disk failing), the line is let go rather than the batch failed: logged,
   * and the request is kept by its final record only.
   */
  private carryForward(): void {
    const j = this.journal;
    if (!j) return;
    const tail = j.tail().segment;
    const oldest = this.live.values().next().value;
    if (!oldest || oldest.start.segment >= tail) return;
    for (const p of [...this.live]) {
      if (p.start.segment >= tail) continue;
      let line: string;
      try {
        line = j.readLine(p.start, p.bytes);
        if (provisionalKey(line) !== p.key) throw new Error(`the line there is not the provisional record of request ${p.key}`);
      } catch (err) {
        this.stats.journalErrors++;
        this.live.delete(p);
        logger.error(
          { err: (err as Error).message, dir: j.dir, requestId: p.key, segment: p.start.segment, offset: p.start.offset },
          "recorder: could not read a provisional record back from the spool to carry it forward; it is dropped, and were the process to die before this request ends, the request would not be recorded",
        );
        continue;
      }
      try {
        p.start = startOf(j.append(line), p.bytes);
      } catch (err) {
        this.stats.journalErrors++;
        logger.warn({ err: (err as Error).message, dir: j.dir }, "recorder: could not carry a provisional record forward in the spool; its segment is kept");
        return;
      }
      // Re-added: the set stays in the order of the lines' starts, oldest first.
      this.live.delete(p);
      this.live.add(p);
    }
  }

  private confirm(end: Position): void {
    try {
      this.journal!.confirm(end);
    } catch (err) {
      // The records are written; a segment that could not be deleted is replayed (and skipped) next start.
      logger.warn({ err: (err as Error).message }, "recorder: could not delete a confirmed spool segment");
    }
  }

  /**
   * Writes everything queued and spooled. Resolves true once all of it is in
   * the database, false when `timeoutMs` passed first (the spool keeps the rest).
   */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (Date.now() < deadline) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      if (!this.hasWork) return true;
      await this.writeOnce();
      if (this.failures) await new Promise((r) => setTimeout(r, Math.min(this.maxBackoffMs, 200 * this.failures)));
    }
    if (this.writing) await this.writing;
    return !this.hasWork;
  }

  status(): RecorderStatus {
    const j = this.journal;
    return {
      // The batch being written counts until it is in: a health check that read 0 meanwhile took it for written.
      queued: this.queue.length + this.inFlight,
      replaying: this.cursor !== null,
      dbReachable: this.failures === 0,
      lastError: this.lastError,
      written: this.stats.written,
      failedBatches: this.stats.failedBatches,
      dropped: this.stats.dropped,
      setAside: this.stats.setAside,
      spool: j ? { dir: j.dir, bytes: j.bytes, maxBytes: j.maxBytes, full: this.spoolFull, skippedLines: j.skipped } : null,
    };
  }

  /** Closes the journal; what is not confirmed stays on disk for the next start. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.journal?.close();
  }
}
