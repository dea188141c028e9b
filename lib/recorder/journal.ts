/**
 * The recorder's write-ahead journal: one JSON line per record, appended to a
 * segment file on local disk before the response that the record describes
 * sends its last byte, and a provisional line per request when it is sent
 * upstream (Recorder.provisional), so a request the process dies in the
 * middle of is not lost either.
 *
 * The append is one synchronous write(2) of one line. Once it returns, the
 * line is in the operating system's page cache, so it survives the process
 * being killed (SIGKILL, an OOM kill, a crash); with `fsync` it is also forced
 * to the disk, which survives the machine losing power, at the price of a
 * disk flush per request.
 *
 * Segments are numbered files (000000000001.jsonl, ...). Each run of the
 * process appends to a segment of its own, so a line torn by a crash is
 * always the end of a segment that nothing appends to any more. A segment is
 * deleted only once every line in it is confirmed written to the database;
 * when everything is confirmed the active segment is replaced by an empty
 * one, so request texts do not linger on disk.
 *
 * A LOCK file holding the pid keeps two live processes off one directory.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A place in the journal: a segment and a byte offset within it. */
export interface Position {
  segment: number;
  offset: number;
}

export interface JournalEntry {
  text: string;
  /** Where the entry begins: confirming up to here keeps it. */
  start: Position;
  /** Where the entry ends: confirming this position confirms the entry. */
  end: Position;
}

export interface JournalOptions {
  dir: string;
  /** A segment is closed and a new one started past this size. */
  segmentBytes?: number;
  /** The bound: past it `full` is true (appends still succeed: see Recorder.admit). */
  maxBytes?: number;
  /** fdatasync after every append: survives power loss, costs a disk flush each. */
  fsync?: boolean;
  /** After an append failed, how long `full` stays true before the disk is looked at again. */
  recheckMs?: number;
}

/** Free space the spool's disk must have again, after a failed append, before it counts as writable. */
const ROOM_BYTES = 16 << 20;

interface Segment {
  n: number;
  size: number;
}

const NAME = /^(\d{12})\.jsonl$/;
/** Records the database refused for their data (Recorder.keepAside): not a segment, never replayed. */
export const SET_ASIDE_FILE = "set-aside.jsonl";
const segmentName = (n: number) => `${String(n).padStart(12, "0")}.jsonl`;
export const before = (a: Position, b: Position) => a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);

/**
 * Whether a batch of `count` lines holding `chars` characters takes one more
 * of `next` characters: at least one line however long, then lines while
 * both bounds hold. Batches read from the journal and from the recorder's
 * memory queue are cut by the same rule.
 */
export const batchTakes = (count: number, chars: number, next: number, maxCount: number, maxChars: number) =>
  count < maxCount && (count === 0 || chars + next <= maxChars);

/** The first read of a segment takes this much; a longer line doubles it. */
const READ_WINDOW = 1 << 20;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a file was last written before the machine started: a LOCK left by
 * a process of an earlier boot (the machine crashed or lost power, so the
 * process never removed it). Its pid names nothing of that process any more:
 * on a machine started again, another service's process often has it, and
 * the start was refused as "in use" at every try until someone deleted the
 * file. A margin of a minute covers the clock being set at boot.
 */
function writtenBeforeBoot(file: string): boolean {
  const bootedAt = Date.now() - os.uptime() * 1000;
  return fs.statSync(file).mtimeMs < bootedAt - 60_000;
}

export class Journal {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly fsync: boolean;
  /** Oldest first; the last one is the active segment. */
  private segments: Segment[] = [];
  private fd: number;
  private bytesTotal = 0;
  private closed = false;
  /** Torn or unreadable lines skipped by reads (a crash mid-append, or damage). */
  skipped = 0;
  /** When the last append failed (the disk full, say); null once one succeeds or room is found again. */
  private failedAt: number | null = null;
  private readonly recheckMs: number;

  private constructor(opts: JournalOptions) {
    this.dir = opts.dir;
    this.segmentBytes = opts.segmentBytes ?? 16 << 20;
    this.maxBytes = opts.maxBytes ?? 1 << 30;
    this.fsync = opts.fsync ?? false;
    this.recheckMs = opts.recheckMs ?? 1_000;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.lock();
    for (const f of fs.readdirSync(this.dir)) {
      const m = NAME.exec(f);
      if (m) this.segments.push({ n: Number(m[1]), size: fs.statSync(path.join(this.dir, f)).size });
    }
    this.segments.sort((a, b) => a.n - b.n);
    // Empty segments left by an earlier run hold nothing to replay.
    for (const s of this.segments.filter((x) => x.size === 0)) fs.rmSync(this.file(s.n), { force: true });
    this.segments = this.segments.filter((s) => s.size > 0);
    this.bytesTotal = this.segments.reduce((t, s) => t + s.size, 0);
    this.fd = this.openSegment((this.segments.at(-1)?.n ?? 0) + 1);
  }

  /** Opens (creating it) the journal in `dir`; throws when another live process holds it. */
  static open(opts: JournalOptions): Journal {
    return new Journal(opts);
  }

  private file(n: number): string {
    return path.join(this.dir, segmentName(n));
  }

  private lock(): void {
    const lockFile = path.join(this.dir, "LOCK");
    try {
      const holder = Number(fs.readFileSync(lockFile, "utf8").trim());
      if (holder && holder !== process.pid && pidAlive(holder) && !writtenBeforeBoot(lockFile)) {
        throw new Error(`the spool directory ${this.dir} is in use by process ${holder}; give each thinkgate process its own THINKGATE_SPOOL_DIR`);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    fs.writeFileSync(lockFile, `${process.pid}\n`, { mode: 0o600 });
  }

  private openSegment(n: number): number {
    // a+: appends always land at the end; the flusher reads the active segment through the same descriptor.
    const fd = fs.openSync(this.file(n), "a+", 0o600);
    this.segments.push({ n, size: 0 });
    if (this.fsync) this.syncDir();
    return fd;
  }

  /** A new file's name must reach the disk too, or a power loss can lose the whole segment. */
  private syncDir(): void {
    const d = fs.openSync(this.dir, "r");
    try {
      fs.fsyncSync(d);
    } finally {
      fs.closeSync(d);
    }
  }

  private get active(): Segment {
    return this.segments.at(-1)!;
  }

  /**
   * The next segment is opened before this one is closed. Closed first, a
   * failed open (a disk gone read-only, no inodes or descriptors left) left
   * `fd` naming a closed descriptor, which the process gives to the next file
   * or socket it opens: later appends wrote record lines into it, and the
   * next roll closed it.
   */
  private roll(): void {
    const old = this.fd;
    this.fd = this.openSegment(this.active.n + 1);
    fs.closeSync(old);
  }

  /** Bytes on disk in all segments. */
  get bytes(): number {
    return this.bytesTotal;
  }

  get full(): boolean {
    return this.bytesTotal >= this.maxBytes;
  }

  /**
   * False while the journal cannot take a line: an append failed (the disk
   * full before the bound is reached) and since then no append succeeded, no
   * segment was deleted, and the disk did not have room again (looked at
   * once every recheckMs). Recorder.admit refuses new requests then while the
   * database is down too.
   */
  get writable(): boolean {
    if (this.failedAt === null) return true;
    if (Date.now() - this.failedAt < this.recheckMs) return false;
    try {
      const { bavail, bsize } = fs.statfsSync(this.dir);
      if (bavail * bsize >= ROOM_BYTES) {
        this.failedAt = null;
        return true;
      }
    } catch {
      /* looked at again after recheckMs */
    }
    this.failedAt = Date.now();
    return false;
  }

  /** The end of the journal: where the next append starts (or the segment after it). */
  tail(): Position {
    return { segment: this.active.n, offset: this.active.size };
  }

  /** The start of the oldest segment, or null when only the empty active one exists. */
  head(): Position | null {
    return this.segments.length > 1 || this.active.size > 0 ? { segment: this.segments[0]!.n, offset: 0 } : null;
  }

  /** Appends one line (no newline inside: JSON.stringify output). Synchronous: when it returns the line is in the journal. */
  append(line: string): Position {
    if (this.closed) throw new Error("journal is closed");
    if (this.active.size >= this.segmentBytes) this.roll();
    const text = `${line}\n`;
    const seg = this.active;
    let written = 0;
    try {
      // One write of the string: no Buffer copy on the request path. A regular
      // file takes it whole unless the disk is full, which the check catches.
      written = fs.writeSync(this.fd, text);
      const size = Buffer.byteLength(text);
      if (written !== size) throw new Error(`short write to the spool (${written} of ${size} bytes): disk full?`);
      if (this.fsync) fs.fdatasyncSync(this.fd);
    } catch (err) {
      this.failedAt = Date.now();
      // Leave no half line behind: cut back to the last whole line.
      if (written > 0) {
        try {
          fs.ftruncateSync(this.fd, seg.size);
        } catch {
          this.roll();
        }
      }
      throw err;
    }
    seg.size += written;
    this.bytesTotal += written;
    this.failedAt = null;
    return { segment: seg.n, offset: seg.size };
  }

  /**
   * Keeps lines that will never be written to the database (the recorder's
   * set-aside records) in a file of their own beside the segments, which
   * replay never reads: kept for whoever looks into why they were refused.
   */
  setAside(lines: string[]): void {
    if (lines.length) fs.appendFileSync(path.join(this.dir, SET_ASIDE_FILE), lines.map((l) => `${l}\n`).join(""));
  }

  /**
   * Up to `max` whole lines from `from` on, in order, across segments. A
   * trailing piece without its newline at the end of a closed segment is a
   * line torn by a crash: skipped and counted.
   */
  read(from: Position, max: number, maxChars = Infinity): { entries: JournalEntry[]; next: Position; atTail: boolean } {
    const entries: JournalEntry[] = [];
    let chars = 0;
    // At least one line; then lines while they keep within maxChars. `full` once a line did not fit.
    let full = false;
    const more = (next: number) => !full && batchTakes(entries.length, chars, next, max, maxChars);
    let pos = { ...from };
    let i = this.segments.findIndex((s) => s.n >= pos.segment);
    if (i < 0) return { entries, next: this.tail(), atTail: true };
    if (this.segments[i]!.n !== pos.segment) pos = { segment: this.segments[i]!.n, offset: 0 };
    while (more(0) && i < this.segments.length) {
      const seg = this.segments[i]!;
      const isActive = i === this.segments.length - 1;
      if (pos.offset >= seg.size) {
        if (isActive) break;
        i++;
        pos = { segment: this.segments[i]!.n, offset: 0 };
        continue;
      }
      const fd = isActive ? this.fd : fs.openSync(this.file(seg.n), "r");
      try {
        let window = READ_WINDOW;
        for (;;) {
          const len = Math.min(window, seg.size - pos.offset);
          const buf = Buffer.allocUnsafe(len);
          const got = fs.readSync(fd, buf, 0, len, pos.offset);
          const lastNl = buf.lastIndexOf(10, got - 1);
          if (lastNl < 0) {
            if (pos.offset + got < seg.size) {
              window *= 2;
              continue;
            }
            // No newline up to the end of a closed segment: a torn last line.
            this.skipped++;
            pos = { segment: seg.n, offset: seg.size };
            break;
          }
          let start = 0;
          while (start <= lastNl) {
            const nl = buf.indexOf(10, start);
            if (!more(nl - start)) {
              full = true;
              break;
            }
            const end = { segment: seg.n, offset: pos.offset + nl + 1 };
            const text = buf.toString("utf8", start, nl);
            chars += text.length;
            entries.push({ text, start: { segment: seg.n, offset: pos.offset + start }, end });
            start = nl + 1;
          }
          pos = { segment: seg.n, offset: pos.offset + start };
          break;
        }
      } finally {
        if (!isActive) fs.closeSync(fd);
      }
    }
    const t = this.tail();
    return { entries, next: pos, atTail: !before(pos, t) };
  }

  /**
   * The one line of `bytes` bytes (its newline not counted) that starts at
   * `start`, read back from its segment file: a line the caller keeps only
   * the place of (the recorder's provisional lines, Recorder.carryForward).
   * Throws when the segment is no longer in the journal, or what is there is
   * not one whole line of that length (the file was cut short or changed).
   */
  readLine(start: Position, bytes: number): string {
    if (!this.segments.some((s) => s.n === start.segment)) throw new Error(`segment ${segmentName(start.segment)} is no longer in the spool`);
    // By name, not through `fd`: after close() that number may belong to another file.
    const fd = fs.openSync(this.file(start.segment), "r");
    try {
      const buf = Buffer.allocUnsafe(bytes + 1);
      let got = 0;
      while (got < buf.length) {
        const n = fs.readSync(fd, buf, got, buf.length - got, start.offset + got);
        if (n === 0) break;
        got += n;
      }
      if (got < buf.length) throw new Error(`segment ${segmentName(start.segment)} ends before the line at offset ${start.offset} (${got} of ${buf.length} bytes)`);
      const nl = buf.indexOf(10);
      if (nl !== bytes) throw new Error(`segment ${segmentName(start.segment)} does not hold a line of ${bytes} bytes at offset ${start.offset}`);
      return buf.toString("utf8", 0, bytes);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Everything up to `upTo` is in the database: delete the segments it
   * covers, and when it is the whole journal start an empty active segment.
   */
  confirm(upTo: Position): void {
    if (this.closed) return;
    const a = this.active;
    const everything = upTo.segment === a.n && upTo.offset >= a.size;
    if (everything && a.size > 0) this.roll();
    const keep: Segment[] = [];
    const last = this.active;
    for (const s of this.segments) {
      const covered = s !== last && (s.n < upTo.segment || (s.n === upTo.segment && upTo.offset >= s.size));
      if (!covered) {
        keep.push(s);
        continue;
      }
      fs.rmSync(this.file(s.n), { force: true });
      this.bytesTotal -= s.size;
      // Room was made: the next request may try again.
      if (s.size > 0) this.failedAt = null;
    }
    this.segments = keep;
  }

  /** Closes the active segment and releases the lock; unconfirmed segments stay for the next start. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
    if (this.active.size === 0) fs.rmSync(this.file(this.active.n), { force: true });
    fs.rmSync(path.join(this.dir, "LOCK"), { force: true });
  }
}
