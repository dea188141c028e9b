import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Journal } from "./journal";

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-journal-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const segments = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort();
const line = (i: number) => JSON.stringify({ i, pad: "x".repeat(40) });

function readAll(j: Journal) {
  const out: string[] = [];
  let pos = j.head();
  while (pos) {
    const r = j.read(pos, 7);
    out.push(...r.entries.map((e) => e.text));
    pos = r.atTail ? null : r.next;
  }
  return out;
}

describe("journal", () => {
  it("rotates segments past their size and reads every line back in order", () => {
    const dir = tmp();
    const j = Journal.open({ dir, segmentBytes: 200 });
    for (let i = 0; i < 30; i++) j.append(line(i));
    expect(segments(dir).length).toBeGreaterThan(5);
    expect(readAll(j).map((t) => JSON.parse(t).i)).toEqual([...Array(30).keys()]);
    expect(j.bytes).toBe(segments(dir).reduce((t, f) => t + fs.statSync(path.join(dir, f)).size, 0));
    j.close();
  });

  it("deletes a segment only once all its lines are confirmed, and empties itself when everything is", () => {
    const dir = tmp();
    const j = Journal.open({ dir, segmentBytes: 200 });
    const ends = Array.from({ length: 12 }, (_, i) => j.append(line(i)));
    const before = segments(dir).length;
    // Confirm the middle of the second segment: only the first goes.
    const mid = ends.find((e) => e.segment === ends[0]!.segment + 1)!;
    j.confirm(mid);
    expect(segments(dir).length).toBe(before - 1);
    expect(readAll(j).map((t) => JSON.parse(t).i)[0]).toBe(ends.findIndex((e) => e.segment === mid.segment));
    j.confirm(ends.at(-1)!);
    expect(segments(dir).length).toBe(1);
    expect(j.bytes).toBe(0);
    expect(j.head()).toBeNull();
    j.append(line(99));
    expect(readAll(j).map((t) => JSON.parse(t).i)).toEqual([99]);
    j.close();
  });

  it("after a crash, skips the torn last line and replays the rest before the new run's lines", () => {
    const dir = tmp();
    const a = Journal.open({ dir });
    for (let i = 0; i < 5; i++) a.append(line(i));
    // The process died in the middle of a write: half a line, no newline.
    const seg = path.join(dir, segments(dir)[0]!);
    fs.appendFileSync(seg, line(5).slice(0, 20));
    // (no close: a killed process never closes)
    const b = Journal.open({ dir });
    b.append(line(6));
    expect(readAll(b).map((t) => JSON.parse(t).i)).toEqual([0, 1, 2, 3, 4, 6]);
    expect(b.skipped).toBe(1);
    b.close();
  });

  it("reads a line longer than its read window", () => {
    const dir = tmp();
    const j = Journal.open({ dir });
    const big = JSON.stringify({ text: "y".repeat(3 << 20) });
    j.append(line(1));
    j.append(big);
    j.append(line(2));
    const texts = readAll(j);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toBe(big);
    j.close();
  });

  it("reads one line back by its place, and says so when the segment no longer holds it whole", () => {
    const dir = tmp();
    const j = Journal.open({ dir, segmentBytes: 200 });
    const text = JSON.stringify({ i: 0, pad: "é".repeat(300) });
    const bytes = Buffer.byteLength(text);
    const end = j.append(text);
    j.append(line(1));
    const start = { segment: end.segment, offset: end.offset - bytes - 1 };
    expect(j.readLine(start, bytes)).toBe(text);
    // A length that is not the line's: the newline is not where it should be.
    expect(() => j.readLine(start, bytes - 1)).toThrow(/does not hold a line of/);
    const file = path.join(dir, segments(dir)[0]!);
    fs.truncateSync(file, end.offset - 10);
    expect(() => j.readLine(start, bytes)).toThrow(/ends before the line/);
    fs.rmSync(file);
    expect(() => j.readLine(start, bytes)).toThrow(/ENOENT/);
    j.confirm(j.tail());
    expect(() => j.readLine(start, bytes)).toThrow(/no longer in the spool/);
    j.close();
  });

  it("reads up to a number of characters, and at least one line however long", () => {
    const dir = tmp();
    const j = Journal.open({ dir });
    const lines = [line(1), line(2), line(3), JSON.stringify({ text: "z".repeat(5_000) }), line(4)];
    for (const l of lines) j.append(l);
    const first = j.read(j.head()!, 100, lines[0]!.length + lines[1]!.length);
    expect(first.entries.map((e) => e.text)).toEqual(lines.slice(0, 2));
    const second = j.read(first.next, 100, 10);
    expect(second.entries.map((e) => e.text)).toEqual([lines[2]]);
    const third = j.read(second.next, 100, 10);
    expect(third.entries.map((e) => e.text)).toEqual([lines[3]]);
    const rest = j.read(third.next, 100, 1_000);
    expect(rest.entries.map((e) => e.text)).toEqual([lines[4]]);
    expect(rest.atTail).toBe(true);
    j.close();
  });

  it("says when it is at its bound", () => {
    const dir = tmp();
    const j = Journal.open({ dir, maxBytes: 500 });
    while (!j.full) j.append(line(0));
    expect(j.bytes).toBeGreaterThanOrEqual(500);
    j.confirm(j.tail());
    expect(j.full).toBe(false);
    j.close();
  });

  it("refuses a directory held by another live process and takes over one whose holder died", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "LOCK"), `${process.ppid}\n`);
    expect(() => Journal.open({ dir })).toThrow(/in use by process/);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    fs.writeFileSync(path.join(dir, "LOCK"), `${dead}\n`);
    const j = Journal.open({ dir });
    expect(fs.readFileSync(path.join(dir, "LOCK"), "utf8").trim()).toBe(String(process.pid));
    j.close();
    expect(fs.existsSync(path.join(dir, "LOCK"))).toBe(false);
  });

  it("takes over a LOCK written before the machine started, whatever process has its pid now", () => {
    const dir = tmp();
    const lock = path.join(dir, "LOCK");
    // A live process's pid, in a file from before this boot: its writer died with the machine.
    fs.writeFileSync(lock, `${process.ppid}\n`);
    const beforeBoot = new Date(Date.now() - os.uptime() * 1000 - 3_600_000);
    fs.utimesSync(lock, beforeBoot, beforeBoot);
    const j = Journal.open({ dir });
    expect(fs.readFileSync(lock, "utf8").trim()).toBe(String(process.pid));
    j.close();
  });

  it("says it cannot be written once an append failed, until the disk has room again", () => {
    const dir = tmp();
    const j = Journal.open({ dir, recheckMs: 50 });
    j.append(line(0));
    expect(j.writable).toBe(true);
    // The disk filled up long before the spool's bound.
    const write = vi.spyOn(fs, "writeSync").mockImplementationOnce(() => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    });
    expect(() => j.append(line(1))).toThrow(/ENOSPC/);
    write.mockRestore();
    expect(j.writable).toBe(false);
    // The disk is looked at again after recheckMs: this one has room.
    const until = Date.now() + 60;
    while (Date.now() < until) void 0;
    expect(j.writable).toBe(true);
    j.append(line(2));
    expect(readAll(j).map((t) => JSON.parse(t).i)).toEqual([0, 2]);
    j.close();
  });

  it("a new segment that cannot be opened leaves the journal on the one it had, never on a closed descriptor", () => {
    const dir = tmp();
    // Each line fills a segment: the next append rolls to a new one.
    const j = Journal.open({ dir, segmentBytes: 50 });
    j.append(line(0));
    // The disk turned read-only, or ran out of inodes or descriptors: the roll to a new segment fails.
    const open = vi.spyOn(fs, "openSync").mockImplementationOnce(() => {
      throw Object.assign(new Error("EROFS: read-only file system"), { code: "EROFS" });
    });
    expect(() => j.append(line(1))).toThrow(/EROFS/);
    open.mockRestore();
    // A file opened now is given the lowest free descriptor: the one a closed segment left.
    const other = path.join(dir, "other.txt");
    const fd = fs.openSync(other, "w");
    try {
      j.append(line(2));
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(other, "utf8")).toBe("");
    expect(readAll(j).map((t) => JSON.parse(t).i)).toEqual([0, 2]);
    j.close();
  });
});
