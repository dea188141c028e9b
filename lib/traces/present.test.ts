import { describe, expect, it } from "vitest";
import {
  chunkOfSpan,
  chunkSegments,
  countByKind,
  densityPoints,
  estimateLines,
  firstSpanOfChunks,
  segmentText,
  shownSpans,
  SIGNAL_ORDER,
  SIGNAL_STYLES,
  spanExcerpt,
  splitBlocks,
  type SignalKind,
  type SpanLike,
  type TextBlock,
} from "./present";
import { activeFilterCount, filtersToApiQuery, filtersToSearch, readFilters } from "./url";

const text = "I think the cache is stale. Wait, no, it is fresh. Assuming n is even.";
const spans: SpanLike[] = [
  { start: 0, end: 7, kind: "hedge", text: "I think" },
  { start: 28, end: 36, kind: "self_correction", text: "Wait, no" },
  { start: 51, end: 59, kind: "assumption", text: "Assuming" },
];
const all = new Set<SignalKind>(SIGNAL_ORDER);

describe("segmentText", () => {
  it("cuts the text into plain and highlighted parts that join back to the text", () => {
    const segs = segmentText(text, spans, all);
    expect(segs.map((s) => s.text).join("")).toBe(text);
    expect(segs.filter((s) => s.kind).map((s) => [s.text, s.kind, s.index])).toEqual([
      ["I think", "hedge", 0],
      ["Wait, no", "self_correction", 1],
      ["Assuming", "assumption", 2],
    ]);
  });

  it("leaves switched-off kinds as plain text and numbers the shown spans only", () => {
    const segs = segmentText(text, spans, new Set<SignalKind>(["assumption"]));
    expect(segs.map((s) => s.text).join("")).toBe(text);
    expect(segs.filter((s) => s.kind).map((s) => [s.kind, s.index])).toEqual([["assumption", 0]]);
  });

  it("skips spans that overlap or fall outside the text", () => {
    const bad: SpanLike[] = [...spans, { start: 2, end: 9, kind: "stuck", text: "" }, { start: 60, end: 999, kind: "hedge", text: "" }];
    expect(segmentText(text, bad, all).filter((s) => s.kind)).toHaveLength(3);
  });
});

/** The text as the blocks render it: blocks joined by the line break each boundary stands for, chunks joined as they are. */
/** The text as the page draws it: a block that starts where the last one ended continues its line; any other boundary is one "\n". */
const rejoin = (t: string, blocks: TextBlock[]) =>
  blocks.map((b, i) => (i > 0 && blocks[i - 1]!.end !== b.start ? "\n" : "") + b.chunks.map((c) => t.slice(c.start, c.end)).join("")).join("");

/** A long text with a span every few words and paragraphs of varying length. */
function longText(paragraphs: number): { text: string; spans: SpanLike[] } {
  let text = "";
  const spans: SpanLike[] = [];
  for (let p = 0; p < paragraphs; p++) {
    for (let s = 0; s < 3 + (p % 7); s++) {
      const start = text.length;
      text += "I think";
      spans.push({ start, end: text.length, kind: s % 2 ? "hedge" : "assumption", text: "I think" });
      text += ` the cache ${p}.${s} is stale, `;
      const w = text.length;
      text += "wait, no";
      spans.push({ start: w, end: text.length, kind: "self_correction", text: "wait, no" });
      text += ", it is fresh. ";
    }
    text += p % 3 ? "\n\n" : "\n";
  }
  return { text, spans };
}

describe("splitBlocks", () => {
  it("cuts a long text into blocks at line breaks and chunks of bounded size that render back to the text", () => {
    const { text, spans } = longText(400);
    const blocks = splitBlocks(text, spans, { blockChars: 1000, chunkChars: 300 });
    expect(blocks.length).toBeGreaterThan(20);
    expect(rejoin(text, blocks)).toBe(text);
    for (const b of blocks) {
      // A block boundary stands for one "\n": the text there is a line break, and the block before does not end in one (its blank line would be lost).
      if (b.end < text.length) {
        expect(text[b.end]).toBe("\n");
        expect(text[b.end - 1]).not.toBe("\n");
      }
      expect(b.chunks[0]!.start).toBe(b.start);
      expect(b.chunks.at(-1)!.end).toBe(b.end);
      for (const c of b.chunks) expect(c.end - c.start).toBeLessThanOrEqual(450);
    }
  });

  it("never cuts inside a span, so every span lies in one chunk", () => {
    const { text, spans } = longText(200);
    const blocks = splitBlocks(text, spans, { blockChars: 50, chunkChars: 20 });
    const chunks = blocks.flatMap((b) => b.chunks);
    for (const s of spans) expect(chunks.some((c) => c.start <= s.start && s.end <= c.end), `span at ${s.start}`).toBe(true);
  });

  it("cuts one long line with no break into blocks of about blockChars that meet, at whitespace where there is some", () => {
    const text = "word ".repeat(2000).trim();
    const blocks = splitBlocks(text, [], { blockChars: 100, chunkChars: 40 });
    // Laid out one block at a time like paragraphs: not one 10,000-character block.
    expect(blocks.length).toBeGreaterThan(80);
    expect(rejoin(text, blocks)).toBe(text);
    for (const [i, b] of blocks.entries()) {
      expect(b.end - b.start).toBeLessThanOrEqual(100 + 60);
      if (i > 0) expect(b.start).toBe(blocks[i - 1]!.end);
      for (const c of b.chunks) if (c.end < text.length) expect(text[c.end - 1]).toBe(" ");
    }
  });

  it("cuts the long lines of a text between paragraphs the same way, and keeps its line breaks as boundaries", () => {
    const line = "word ".repeat(400).trim();
    const text = `short\n${line}\n\nmiddle\n${line}\nend`;
    const blocks = splitBlocks(text, [], { blockChars: 100, chunkChars: 40 });
    expect(rejoin(text, blocks)).toBe(text);
    for (const b of blocks) expect(b.end - b.start).toBeLessThanOrEqual(160);
    // The blank line before "middle" is still a boundary at a line break.
    const lineEnd = text.indexOf("\n\nmiddle");
    expect(blocks.some((b, i) => b.end === lineEnd && blocks[i + 1]?.start === lineEnd + 1)).toBe(true);
  });

  it("with no whitespace cuts anywhere but inside a surrogate pair", () => {
    const text = "😀".repeat(1000);
    const blocks = splitBlocks(text, [], { chunkChars: 101 });
    expect(rejoin(text, blocks)).toBe(text);
    for (const c of blocks[0]!.chunks) expect(c.start % 2).toBe(0);
  });

  it("keeps blank lines, a leading and a trailing break, and an empty text", () => {
    for (const text of ["\n\na\n\n\nb\n", "a\nb\n\n", "\n", "", "a\r\nb\r\n\r\nc"]) {
      const blocks = splitBlocks(text, [], { blockChars: 1, chunkChars: 2 });
      expect(rejoin(text, blocks), JSON.stringify(text)).toBe(text);
      for (const b of blocks.slice(0, -1)) expect(text[b.end - 1] === "\n" || text[b.end - 1] === "\r").toBe(false);
    }
  });

  it("numbers spans across chunks as segmentText does and finds the chunk of each", () => {
    const { text, spans } = longText(60);
    const enabled = new Set<SignalKind>(["hedge", "self_correction"]);
    const chunks = splitBlocks(text, spans, { blockChars: 200, chunkChars: 60 }).flatMap((b) => b.chunks);
    const shown = shownSpans(text, spans, enabled);
    const firsts = firstSpanOfChunks(chunks, shown);
    const whole = segmentText(text, spans, enabled).filter((s) => s.kind);
    const pieces = chunks.flatMap((c, i) => chunkSegments(text, c, shown, firsts[i]!, firsts[i + 1]!));
    expect(pieces.filter((s) => s.kind)).toEqual(whole);
    expect(pieces.map((s) => s.text).join("")).toBe(chunks.map((c) => text.slice(c.start, c.end)).join(""));
    expect(firsts.at(-1)).toBe(whole.length);
    for (const s of shown) {
      const c = chunks[chunkOfSpan(firsts, s.index)]!;
      expect(c.start <= s.start && s.end <= c.end).toBe(true);
    }
  });

  it("estimates the lines a block takes: one per line break, long lines wrapped", () => {
    expect(estimateLines("abc\n\nabcdefghij", 0, 15, 4)).toBe(1 + 1 + 3);
    expect(estimateLines("xx\nabcdefgh", 3, 11, 4)).toBe(2);
    expect(estimateLines("", 0, 0, 80)).toBe(1);
  });
});

describe("signal styles", () => {
  it("gives every kind its own colour", () => {
    expect(new Set(SIGNAL_ORDER.map((k) => SIGNAL_STYLES[k].chart)).size).toBe(5);
    expect(new Set(SIGNAL_ORDER.map((k) => SIGNAL_STYLES[k].mark)).size).toBe(5);
  });

  it("counts spans by kind and sums the density of the enabled kinds", () => {
    expect(countByKind(spans)).toEqual({ hedge: 1, assumption: 1, self_correction: 1, alternative: 0, stuck: 0 });
    const byKind = { hedge: [1, 0], assumption: [0, 2], self_correction: [3, 0], alternative: [0, 0], stuck: [0, 0] };
    expect(densityPoints({ total: [4, 2], byKind }, new Set<SignalKind>(["hedge", "assumption"])).map((p) => p.density)).toEqual([1, 2]);
  });
});

describe("explorer URL", () => {
  it("round-trips filters through the query string in a stable order", () => {
    const f = readFilters(new URLSearchParams("tier=reasoning&q=retry&hedging=true&junk=1&app="));
    expect(f).toEqual({ tier: "reasoning", q: "retry", hedging: "true" });
    expect(filtersToSearch(f)).toBe("?q=retry&tier=reasoning&hedging=true");
    expect(activeFilterCount(f)).toBe(2);
  });

  it("turns a range preset into from, relative to now", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(filtersToApiQuery({ range: "24h", tier: "standard", to: "x" }, now)).toEqual({ from: "2026-11-24T12:00:00.000Z", tier: "standard" });
    expect(filtersToApiQuery({ range: "custom", from: "2026-11-01T00:00:00.000Z" }, now)).toEqual({ from: "2026-11-01T00:00:00.000Z" });
  });
});

describe("spanExcerpt", () => {
  it("gives the span with whole words of context either side, cut with an ellipsis", () => {
    const t = "The first part of a long sentence goes here and I think the cache is stale after the deploy finished last night.";
    const start = t.indexOf("I think");
    const e = spanExcerpt(t, { start, end: start + "I think".length }, 20);
    expect(e.match).toBe("I think");
    expect(e.before).toBe("…goes here and ");
    expect(e.after).toBe(" the cache is stale…");
    expect(t.includes(e.before.slice(1) + e.match + e.after.slice(0, -1))).toBe(true);
  });

  it("has no ellipsis at the text's ends and reads line breaks as one space", () => {
    const t = "Maybe\n\n  it works.";
    expect(spanExcerpt(t, { start: 0, end: 5 }, 40)).toEqual({ before: "", match: "Maybe", after: " it works." });
    const u = "line one\nperhaps";
    expect(spanExcerpt(u, { start: 9, end: 16 }, 40)).toEqual({ before: "line one ", match: "perhaps", after: "" });
  });

  it("never leaves half a surrogate pair at a cut", () => {
    const t = "😀".repeat(30) + "maybe" + "😀".repeat(30);
    const start = t.indexOf("maybe");
    for (const context of [3, 4, 5, 6, 7]) {
      const e = spanExcerpt(t, { start, end: start + 5 }, context);
      // encodeURIComponent throws on a lone surrogate.
      expect(() => encodeURIComponent(e.before + e.after), `context ${context}`).not.toThrow();
      expect(e.match).toBe("maybe");
    }
  });
});
