import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stringifyDeep } from "../api/json-text";
import { logger } from "../observability/logger";
import { Journal, SET_ASIDE_FILE } from "./journal";
import type { RequestRecordRow } from "./record";
import { Recorder } from "./recorder";
import { inlineStore } from "./store";

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-recorder-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

interface Input {
  id: string;
}
const build = (i: Input) => ({ id: i.id }) as unknown as RequestRecordRow;

/** A database that can be down: stores rows by id like INSERT ... ON CONFLICT DO NOTHING. */
class Db {
  down = false;
  rows: string[] = [];
  attempts = 0;
  async insertMany(rows: RequestRecordRow[]): Promise<number> {
    this.attempts++;
    if (this.down) throw new Error("database is locked");
    let n = 0;
    for (const r of rows) {
      if (this.rows.includes(r.id)) continue;
      this.rows.push(r.id);
      n++;
    }
    return n;
  }
}

const store = (db: { insertMany(rows: RequestRecordRow[]): Promise<number> }) => inlineStore<Input>(build, (rows) => db.insertMany(rows));

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `r${from + k}`);

describe("recorder", () => {
  it("keeps records while the database is down and writes each once, in order, when it is back", async () => {
    const db = new Db();
    const journal = Journal.open({ dir: tmp() });
    const rec = new Recorder<Input>(store(db), journal, { batchSize: 7, intervalMs: 1, maxBackoffMs: 20 });
    db.down = true;
    for (const id of ids(0, 40)) rec.add({ id });
    await new Promise((r) => setTimeout(r, 100));
    expect(db.attempts).toBeGreaterThan(1);
    expect(rec.status().dbReachable).toBe(false);
    expect(journal.bytes).toBeGreaterThan(0);
    db.down = false;
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.rows).toEqual(ids(0, 40));
    expect(journal.bytes).toBe(0);
    rec.close();
  });

  it("past its memory bound reads records back from the spool, still in order", async () => {
    const db = new Db();
    const journal = Journal.open({ dir: tmp(), segmentBytes: 256 });
    const rec = new Recorder<Input>(store(db), journal, { batchSize: 4, intervalMs: 1, maxQueue: 5, maxBackoffMs: 20 });
    db.down = true;
    for (const id of ids(0, 60)) rec.add({ id });
    expect(rec.pending).toBeLessThanOrEqual(5 + 4);
    expect(rec.status().replaying).toBe(true);
    db.down = false;
    for (const id of ids(60, 70)) rec.add({ id });
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.rows).toEqual(ids(0, 70));
    expect(rec.status().replaying).toBe(false);
    expect(journal.bytes).toBe(0);
    rec.close();
  });

  it("bounds a batch by its size as well as its count, from memory and from the spool, one record at least", async () => {
    const batches: number[][] = [];
    const db = new Db();
    const sizes = { insertMany: (rows: RequestRecordRow[]) => (batches.push(rows.map((r) => r.id.length)), db.insertMany(rows)) };
    // Ids of 1,000 characters: a line is about 1,010 (the JSON around the id).
    const big = (k: number) => `${k}`.padEnd(1_000, "x");
    const journal = Journal.open({ dir: tmp(), segmentBytes: 4_096 });
    const rec = new Recorder<Input>(store(sizes), journal, { batchSize: 50, batchChars: 3_500, intervalMs: 1, maxQueue: 5, maxBackoffMs: 20 });
    db.down = true;
    // Past the memory bound: the later records are read back from the spool.
    for (let k = 0; k < 20; k++) rec.add({ id: big(k) });
    rec.add({ id: "y".repeat(5_000) });
    db.down = false;
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.rows).toEqual([...Array.from({ length: 20 }, (_, k) => big(k)), "y".repeat(5_000)]);
    // Every batch handed to the database: at most three such records (3 x 1,010 <= 3,500), and the one over the bound alone.
    const taken = batches.filter((b) => b.length > 0);
    expect(Math.max(...taken.map((b) => b.length))).toBeLessThanOrEqual(3);
    expect(taken.some((b) => b.length === 1 && b[0] === 5_000)).toBe(true);
    expect(taken.some((b) => b.length === 3)).toBe(true);
    rec.close();
  });

  it("counts the batch being written as queued until it is in", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const db = new Db();
    const slow = { insertMany: async (rows: RequestRecordRow[]) => (await held, db.insertMany(rows)) };
    const rec = new Recorder<Input>(store(slow), null, { batchSize: 10, intervalMs: 1 });
    for (const id of ids(0, 3)) rec.add({ id });
    await new Promise((r) => setTimeout(r, 20));
    // Taken off the queue and handed to the database, which has not answered.
    expect(db.rows).toEqual([]);
    expect(rec.status().queued).toBe(3);
    release();
    expect(await rec.flush(5_000)).toBe(true);
    expect(rec.status().queued).toBe(0);
    expect(db.rows).toEqual(ids(0, 3));
    rec.close();
  });

  it("replays what a killed process left in the spool, exactly once, before new records", async () => {
    const dir = tmp();
    const db = new Db();
    db.rows.push("r3"); // written before the crash, its segment not yet deleted
    const first = new Recorder<Input>(store({ insertMany: () => new Promise(() => {}) }), Journal.open({ dir }), { intervalMs: 60_000 });
    for (const id of ids(0, 10)) first.add({ id });
    // Killed: no flush, no close. The next process opens the same spool.
    const rec = new Recorder<Input>(store(db), Journal.open({ dir }), { batchSize: 3, intervalMs: 1 });
    expect(rec.status().replaying).toBe(true);
    for (const id of ids(10, 15)) rec.add({ id });
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.rows).toEqual(["r3", ...ids(0, 15).filter((i) => i !== "r3")]);
    expect(new Set(db.rows).size).toBe(15);
    expect(rec.status().spool!.bytes).toBe(0);
    rec.close();
  });

  it("at shutdown with the database down, reports the records left and keeps them for the next start", async () => {
    const dir = tmp();
    const db = new Db();
    db.down = true;
    const rec = new Recorder<Input>(store(db), Journal.open({ dir }), { intervalMs: 1, maxBackoffMs: 20 });
    for (const id of ids(0, 5)) rec.add({ id });
    expect(await rec.flush(150)).toBe(false);
    rec.close();
    db.down = false;
    const next = new Recorder<Input>(store(db), Journal.open({ dir }), { intervalMs: 1 });
    expect(await next.flush(5_000)).toBe(true);
    expect(db.rows).toEqual(ids(0, 5));
    next.close();
  });

  it("refuses admission while the spool is at its bound, and admits again once it drains", async () => {
    const db = new Db();
    db.down = true;
    const rec = new Recorder<Input>(store(db), Journal.open({ dir: tmp(), maxBytes: 300 }), { intervalMs: 1, maxBackoffMs: 20 });
    let n = 0;
    while (rec.admit()) rec.add({ id: `r${n++}` });
    expect(n).toBeGreaterThan(3);
    // Accepted requests still journal past the bound.
    rec.add({ id: `r${n++}` });
    db.down = false;
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.rows).toEqual(ids(0, n));
    expect(rec.admit()).toBe(true);
    rec.close();
  });

  it("refuses admission while neither the spool's disk nor the database takes a record, and admits again once the database does", async () => {
    const db = new Db();
    db.down = true;
    const rec = new Recorder<Input>(store(db), Journal.open({ dir: tmp(), recheckMs: 60_000 }), { intervalMs: 1, maxBackoffMs: 20 });
    rec.add({ id: "r0" });
    // The database is down: its batch failed.
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.admit()).toBe(true);
    // Then the spool's disk fills up, far below the spool's bound: a record is kept in memory only.
    const write = vi.spyOn(fs, "writeSync").mockImplementation(() => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    });
    try {
      rec.add({ id: "r1" });
      expect(rec.status().spool!.full).toBe(true);
      expect(rec.admit()).toBe(false);
    } finally {
      write.mockRestore();
    }
    db.down = false;
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.rows).toEqual(ids(0, 2));
    expect(rec.admit()).toBe(true);
    rec.close();
  });

  it("sets aside a row the database refuses for its data, writes every other one, and keeps going", async () => {
    // Refused as PostgreSQL refuses a value out of range (SQLSTATE 22003), for the whole batch it is in.
    const db = new Db();
    const strict = { insertMany: (rows: RequestRecordRow[]) => (rows.some((r) => r.id.startsWith("poison")) ? Promise.reject(Object.assign(new Error("integer out of range"), { code: "22003" })) : db.insertMany(rows)) };
    const dir = tmp();
    const rec = new Recorder<Input>(store(strict), Journal.open({ dir }), { batchSize: 10, intervalMs: 1, maxBackoffMs: 20 });
    const sent = [...ids(0, 6), "poison-a", ...ids(6, 13), "poison-b", ...ids(13, 30)];
    for (const id of sent) rec.add({ id });
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.rows.sort()).toEqual(ids(0, 30).sort());
    expect(rec.status()).toMatchObject({ written: 30, setAside: 2, dropped: 0, dbReachable: true });
    expect(rec.status().spool!.bytes).toBe(0);
    // Kept where an operator can read them, with the database's reason.
    const kept = fs.readFileSync(path.join(dir, SET_ASIDE_FILE), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { error: string; record: string });
    expect(kept.map((k) => (JSON.parse(k.record) as Input).id)).toEqual(["poison-a", "poison-b"]);
    expect(kept[0]!.error).toBe("integer out of range");
    rec.close();
    // Replay never reads the set-aside file: the next start has nothing to write.
    const next = new Recorder<Input>(store(db), Journal.open({ dir }), { intervalMs: 1 });
    expect(next.status().replaying).toBe(false);
    next.close();
  });

  it("skips a line that cannot be read or built, counts it as dropped, and writes the rest", async () => {
    const db = new Db();
    const dir = tmp();
    const journal = Journal.open({ dir });
    journal.append("{not json");
    journal.close();
    const picky = inlineStore<Input>((i) => {
      if (i.id === "bad") throw new Error("cannot build");
      return build(i);
    }, (rows) => db.insertMany(rows));
    const rec = new Recorder<Input>(picky, Journal.open({ dir }), { intervalMs: 1 });
    for (const id of ["r0", "bad", "r1"]) rec.add({ id });
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.rows).toEqual(["r0", "r1"]);
    expect(rec.status()).toMatchObject({ dropped: 2, written: 2 });
    expect(rec.status().spool!.bytes).toBe(0);
    rec.close();
  });
});

/**
 * Requests in flight: a provisional record journaled when the request goes
 * upstream, superseded by its final one, and stored as it is at the next start
 * when the process died first.
 */
describe("recorder: requests in flight", () => {
  /** The gateway's record lines begin with their requestId; `state` says which of the two a stored row came from. */
  interface Req {
    requestId: string;
    state: "interrupted" | "final" | "routing";
    prompt?: string;
  }
  /** Every row the database was handed (duplicates skipped as ON CONFLICT DO NOTHING skips them), and what it kept. */
  class Rows {
    handed: string[] = [];
    kept = new Map<string, string>();
    failAfter = Infinity;
    async insertMany(rows: RequestRecordRow[]): Promise<number> {
      if (this.failAfter-- <= 0) throw new Error("database is locked");
      let n = 0;
      for (const r of rows) {
        this.handed.push(`${r.id}:${r.status}`);
        if (this.kept.has(r.id)) continue;
        this.kept.set(r.id, r.status);
        n++;
      }
      return n;
    }
  }
  const reqStore = (db: Rows) => inlineStore<Req>((i) => ({ id: i.requestId, status: i.state }) as unknown as RequestRecordRow, (rows) => db.insertMany(rows));
  const interrupted = (requestId: string): Req => ({ requestId, state: "interrupted" });
  const final = (requestId: string): Req => ({ requestId, state: "final" });
  const segmentFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl") && f !== SET_ASIDE_FILE).sort();

  /**
   * A process that journaled and was killed: `a` and `d` in flight, `b` and
   * `c` finished (c superseding its provisional line), nothing written. A
   * segment per line, so that confirming a line deletes it.
   */
  function killedRun(dir: string): void {
    const first = new Recorder<Req>(reqStore(new Rows()), Journal.open({ dir, segmentBytes: 1 }), { intervalMs: 60_000 });
    first.provisional("a", interrupted("a"));
    first.add(final("b"));
    const c = first.provisional("c", interrupted("c"));
    first.provisional("d", interrupted("d"));
    first.add(final("c"), c);
    // Killed: no flush, no close.
  }

  it("a provisional line superseded by its final record stores the final one only, and leaves the spool empty", async () => {
    const dir = tmp();
    const db = new Rows();
    const journal = Journal.open({ dir });
    const rec = new Recorder<Req>(reqStore(db), journal, { intervalMs: 1 });
    const p = rec.provisional("r1", interrupted("r1"));
    expect(p).not.toBeNull();
    expect(journal.bytes).toBeGreaterThan(0);
    expect(rec.pending).toBe(0);
    rec.add(final("r1"), p);
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.handed).toEqual(["r1:final"]);
    expect(journal.bytes).toBe(0);
    expect(rec.provisionalOpen).toBe(0);
    rec.close();
  });

  it("a provisional line without its final record is stored as interrupted at the next start, after the records around it, and the spool empties", async () => {
    const dir = tmp();
    killedRun(dir);
    const db = new Rows();
    const rec = new Recorder<Req>(reqStore(db), Journal.open({ dir }), { batchSize: 2, intervalMs: 1 });
    expect(rec.status().replaying).toBe(true);
    rec.add(final("e"));
    expect(await rec.flush(5_000)).toBe(true);
    expect(Object.fromEntries(db.kept)).toEqual({ a: "interrupted", b: "final", c: "final", d: "interrupted", e: "final" });
    expect(db.handed).not.toContain("c:interrupted");
    expect(rec.status().spool!.bytes).toBe(0);
    rec.close();
  });

  it("journals a record holding a value nested deeper than JSON.stringify goes, provisional or final, and stores it whole (the line threw: the request had no record)", async () => {
    const text = `{"extra":${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
    const usage = JSON.parse(text) as unknown;
    const dir = tmp();
    const first = new Recorder<Req & { usage?: unknown }>(reqStore(new Rows()), Journal.open({ dir }), { intervalMs: 60_000 });
    first.provisional("a", { ...interrupted("a"), usage });
    first.add({ ...final("b"), usage });
    // Killed: both lines are read back from the spool at the next start, and built from what they hold.
    const db = new Rows();
    const whole = (i: Req & { usage?: unknown }) => ({ id: i.requestId, status: stringifyDeep(i.usage) === text ? i.state : "mangled" }) as unknown as RequestRecordRow;
    const rec = new Recorder<Req>(inlineStore(whole, (rows) => db.insertMany(rows)), Journal.open({ dir }), { intervalMs: 1 });
    expect(await rec.flush(5_000)).toBe(true);
    expect(Object.fromEntries(db.kept)).toEqual({ a: "interrupted", b: "final" });
    rec.close();
  });

  it("says when the earlier runs' records, their interrupted requests included, are all in the database, not before", async () => {
    const dir = tmp();
    killedRun(dir);
    const db = new Rows();
    db.failAfter = 0;
    const rec = new Recorder<Req>(reqStore(db), Journal.open({ dir }), { batchSize: 1, intervalMs: 1, maxBackoffMs: 20 });
    let stored = false;
    void rec.earlierStored.then(() => (stored = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(stored).toBe(false);
    db.failAfter = Infinity;
    await rec.earlierStored;
    // Every earlier request is in when it resolves, the interrupted ones last.
    expect(Object.fromEntries(db.kept)).toEqual({ a: "interrupted", b: "final", c: "final", d: "interrupted" });
    rec.close();
    const clean = new Recorder<Req>(reqStore(new Rows()), Journal.open({ dir: tmp() }), {});
    await clean.earlierStored;
    clean.close();
  });

  it("replayed twice, or killed in the middle of its replay, stores each request once and never an interrupted record for a finished one", async () => {
    const dir = tmp();
    killedRun(dir);
    const copy = tmp();
    fs.cpSync(dir, copy, { recursive: true });
    const db = new Rows();
    // Killed during the replay: the first batch is written, then the database fails and the process dies.
    db.failAfter = 1;
    const dying = new Recorder<Req>(reqStore(db), Journal.open({ dir }), { batchSize: 1, intervalMs: 1, maxBackoffMs: 20 });
    // Until the first batch is written and the next has failed (a fixed 100 ms was too short on a loaded machine).
    for (let waited = 0; db.failAfter >= 0 && waited < 5_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(db.failAfter).toBeLessThan(0);
    expect(db.kept.size).toBe(1);
    dying.close();
    db.failAfter = Infinity;
    const next = new Recorder<Req>(reqStore(db), Journal.open({ dir }), { batchSize: 1, intervalMs: 1 });
    expect(await next.flush(5_000)).toBe(true);
    next.close();
    expect(Object.fromEntries(db.kept)).toEqual({ a: "interrupted", b: "final", c: "final", d: "interrupted" });
    // The same spool replayed again, from a copy taken before either replay.
    const again = new Recorder<Req>(reqStore(db), Journal.open({ dir: copy }), { batchSize: 3, intervalMs: 1 });
    expect(await again.flush(5_000)).toBe(true);
    expect(again.status().spool!.bytes).toBe(0);
    again.close();
    expect(Object.fromEntries(db.kept)).toEqual({ a: "interrupted", b: "final", c: "final", d: "interrupted" });
    expect(db.handed.filter((h) => h === "c:interrupted")).toEqual([]);
  });

  it("a request's later provisional line supersedes its earlier one: one line open for it, and after a kill the later one is stored, once", async () => {
    const dir = tmp();
    const first = new Recorder<Req>(reqStore(new Rows()), Journal.open({ dir, segmentBytes: 1 }), { intervalMs: 60_000 });
    const routing = first.provisional("a", { requestId: "a", state: "routing" });
    first.provisional("b", interrupted("b"));
    const answering = first.provisional("a", interrupted("a"), routing);
    expect(answering).not.toBe(routing);
    expect(first.provisionalOpen).toBe(2);
    // Killed: no final record, no close.
    const db = new Rows();
    const next = new Recorder<Req>(reqStore(db), Journal.open({ dir }), { intervalMs: 1 });
    expect(await next.flush(5_000)).toBe(true);
    expect(Object.fromEntries(db.kept)).toEqual({ a: "interrupted", b: "interrupted" });
    expect(db.handed.filter((h) => h.startsWith("a:"))).toEqual(["a:interrupted"]);
    expect(next.status().spool!.bytes).toBe(0);
    next.close();
  });

  it("a final record supersedes the last of its request's provisional lines and leaves the spool empty", async () => {
    const dir = tmp();
    const db = new Rows();
    const journal = Journal.open({ dir });
    const rec = new Recorder<Req>(reqStore(db), journal, { intervalMs: 1 });
    const routing = rec.provisional("r1", { requestId: "r1", state: "routing" });
    const answering = rec.provisional("r1", interrupted("r1"), routing);
    rec.add(final("r1"), answering);
    expect(rec.provisionalOpen).toBe(0);
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.handed).toEqual(["r1:final"]);
    expect(journal.bytes).toBe(0);
    rec.close();
  });

  /** A long request in flight while 40 short ones start and finish, written in four batches; 200-byte segments. */
  async function longRequest(dir: string, db: Rows) {
    const journal = Journal.open({ dir, segmentBytes: 200 });
    const rec = new Recorder<Req>(reqStore(db), journal, { intervalMs: 1 });
    for (let i = 0; i < 10; i++) rec.add(final(`before${i}`));
    expect(await rec.flush(5_000)).toBe(true);
    const long = rec.provisional("long", interrupted("long"))!;
    const began = long.start.segment;
    for (let i = 0; i < 40; i++) {
      const p = rec.provisional(`r${i}`, interrupted(`r${i}`));
      rec.add(final(`r${i}`), p);
      if (i % 10 === 9) expect(await rec.flush(5_000)).toBe(true);
    }
    return { journal, rec, long, began };
  }

  it("carries a long request's provisional line forward, so the segments written while it runs are deleted; its final record empties the spool", async () => {
    const dir = tmp();
    const db = new Rows();
    const { journal, rec, long, began } = await longRequest(dir, db);
    expect(rec.provisionalOpen).toBe(1);
    // Its line was written again in a newer segment, and the segments it began in, full of records
    // stored since, are gone: one slow answer does not hold the spool (it held all 40 records' segments).
    expect(long.start.segment).toBeGreaterThan(began);
    const kept = segmentFiles(dir);
    expect(Number(kept[0]!.slice(0, 12))).toBeGreaterThan(began);
    expect(kept.length).toBeLessThanOrEqual(2);
    expect(journal.bytes).toBeLessThan(600);
    rec.add(final("long"), long);
    expect(await rec.flush(5_000)).toBe(true);
    expect(journal.bytes).toBe(0);
    expect(segmentFiles(dir).length).toBe(1);
    expect(rec.provisionalOpen).toBe(0);
    expect([...db.kept.values()].every((s) => s === "final")).toBe(true);
    rec.close();
  });

  it("a long request killed after its line was carried forward is stored once, as interrupted, at the next start", async () => {
    const dir = tmp();
    const db = new Rows();
    await longRequest(dir, db);
    // Killed: no final record, no close.
    const next = new Recorder<Req>(reqStore(db), Journal.open({ dir }), { intervalMs: 1 });
    expect(await next.flush(5_000)).toBe(true);
    expect(db.kept.get("long")).toBe("interrupted");
    expect(db.handed.filter((h) => h.startsWith("long:"))).toEqual(["long:interrupted"]);
    expect(db.kept.size).toBe(51);
    expect(next.status().spool!.bytes).toBe(0);
    next.close();
  });

  it("holds no copy of a large provisional line in memory, carries it forward from disk, and a replay after a kill stores it whole", async () => {
    const dir = tmp();
    const db = new Rows();
    const rec = new Recorder<Req>(reqStore(db), Journal.open({ dir, segmentBytes: 200 }), { intervalMs: 1 });
    // Multibyte, so that its length in bytes is not its length in characters.
    const prompt = `${"é".repeat(200_000)}end`;
    const long = rec.provisional("long", { ...interrupted("long"), prompt })!;
    // The request holds its texts already: what stands for its line is a place, the same size for any line.
    expect(JSON.stringify(long).length).toBeLessThan(120);
    const began = long.start.segment;
    for (let i = 0; i < 20; i++) {
      const p = rec.provisional(`r${i}`, interrupted(`r${i}`));
      rec.add(final(`r${i}`), p);
      if (i % 10 === 9) expect(await rec.flush(5_000)).toBe(true);
    }
    // Carried forward (read back from the segment it was in), and that segment deleted.
    expect(long.start.segment).toBeGreaterThan(began);
    expect(Number(segmentFiles(dir)[0]!.slice(0, 12))).toBeGreaterThan(began);
    expect(rec.provisionalOpen).toBe(1);
    expect(rec.stats.journalErrors).toBe(0);
    // Killed: the copy carried forward is the only one left, and it is whole.
    const prompts = new Map<string, string | undefined>();
    const next = new Recorder<Req>(
      inlineStore<Req>(
        (i) => {
          prompts.set(i.requestId, i.prompt);
          return { id: i.requestId, status: i.state } as unknown as RequestRecordRow;
        },
        (rows) => db.insertMany(rows),
      ),
      Journal.open({ dir }),
      { intervalMs: 1 },
    );
    expect(await next.flush(5_000)).toBe(true);
    expect(db.kept.get("long")).toBe("interrupted");
    expect(prompts.get("long")).toBe(prompt);
    expect(next.status().spool!.bytes).toBe(0);
    next.close();
  });

  it("a provisional line that cannot be read back to be carried forward is let go with an error logged; the records around it are written", async () => {
    const dir = tmp();
    const db = new Rows();
    const journal = Journal.open({ dir, segmentBytes: 1 });
    const rec = new Recorder<Req>(reqStore(db), journal, { intervalMs: 1 });
    const gone = rec.provisional("gone", interrupted("gone"))!;
    const cut = rec.provisional("cut", interrupted("cut"))!;
    // Segments removed or damaged behind the process's back (by hand, a failing disk).
    const file = (p: { start: { segment: number } }) => path.join(dir, segmentFiles(dir).find((f) => Number(f.slice(0, 12)) === p.start.segment)!);
    fs.rmSync(file(gone));
    fs.truncateSync(file(cut), cut.start.offset + 5);
    const logged = vi.spyOn(logger, "error");
    try {
      rec.add(final("a"));
      expect(await rec.flush(5_000)).toBe(true);
      const messages = logged.mock.calls.map((c) => [(c[0] as { requestId?: string }).requestId, String(c[1])]);
      expect(messages).toEqual([
        ["gone", expect.stringMatching(/^recorder: could not read a provisional record back from the spool to carry it forward; it is dropped/)],
        ["cut", expect.stringMatching(/^recorder: could not read a provisional record back from the spool to carry it forward; it is dropped/)],
      ]);
    } finally {
      logged.mockRestore();
    }
    expect(rec.provisionalOpen).toBe(0);
    expect(rec.stats.journalErrors).toBe(2);
    // Both requests end normally, kept by their final records.
    rec.add(final("gone"), gone);
    rec.add(final("cut"), cut);
    expect(await rec.flush(5_000)).toBe(true);
    expect(Object.fromEntries(db.kept)).toEqual({ a: "final", gone: "final", cut: "final" });
    expect(journal.bytes).toBe(0);
    expect(segmentFiles(dir).length).toBe(1);
    rec.close();
  });

  it("a final record the spool could not take keeps its provisional line until the record is written", async () => {
    const dir = tmp();
    const db = new Rows();
    db.failAfter = 0;
    const journal = Journal.open({ dir });
    const rec = new Recorder<Req>(reqStore(db), journal, { intervalMs: 1, maxBackoffMs: 20 });
    const p = rec.provisional("x", interrupted("x"));
    const write = vi.spyOn(fs, "writeSync").mockImplementation(() => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    });
    try {
      rec.add(final("x"), p);
    } finally {
      write.mockRestore();
    }
    rec.add(final("y"));
    await new Promise((r) => setTimeout(r, 50));
    // The database is down: had the process died now, the provisional line was all that kept x.
    expect(rec.provisionalOpen).toBe(1);
    expect(journal.bytes).toBeGreaterThan(0);
    db.failAfter = Infinity;
    expect(await rec.flush(5_000)).toBe(true);
    expect(Object.fromEntries(db.kept)).toEqual({ x: "final", y: "final" });
    expect(rec.provisionalOpen).toBe(0);
    expect(journal.bytes).toBe(0);
    rec.close();
  });

  it("reads this run's own provisional lines back in a spill without storing them", async () => {
    const dir = tmp();
    const db = new Rows();
    db.failAfter = 0;
    const journal = Journal.open({ dir, segmentBytes: 256 });
    const rec = new Recorder<Req>(reqStore(db), journal, { batchSize: 4, intervalMs: 1, maxQueue: 3, maxBackoffMs: 20 });
    const open: ReturnType<typeof rec.provisional>[] = [];
    for (let i = 0; i < 20; i++) {
      const p = rec.provisional(`r${i}`, interrupted(`r${i}`));
      if (i % 5 === 4) open.push(p);
      else rec.add(final(`r${i}`), p);
    }
    expect(rec.status().replaying).toBe(true);
    db.failAfter = Infinity;
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.handed.every((h) => h.endsWith(":final"))).toBe(true);
    expect(db.kept.size).toBe(16);
    // Still in flight: the spool keeps them.
    expect(journal.bytes).toBeGreaterThan(0);
    for (const p of open) rec.add(final(p!.key), p);
    expect(await rec.flush(5_000)).toBe(true);
    expect(db.kept.size).toBe(20);
    expect(journal.bytes).toBe(0);
    rec.close();
  });
});
