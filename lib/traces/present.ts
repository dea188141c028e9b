/**
 * Presentation of signal spans, for the trace page and the playground: one
 * colour and label per kind, and the text cut into plain and highlighted
 * segments. Pure and browser-safe (no server imports).
 */

export type SignalKind = "hedge" | "assumption" | "self_correction" | "alternative" | "stuck";

export interface SpanLike {
  start: number;
  end: number;
  kind: SignalKind;
  text: string;
}

/**
 * Five kinds, five colour families that stay apart for the common colour
 * blindnesses (amber, sky, rose, emerald, fuchsia) and never reuse the two
 * tier colours (violet, teal). Classes are literal so Tailwind keeps them.
 */
export const SIGNAL_STYLES: Record<SignalKind, { label: string; description: string; mark: string; swatch: string; chart: string }> = {
  hedge: {
    label: "Hedge",
    description: "Uncertainty: I think, maybe, probably, it seems",
    mark: "bg-amber-100 text-amber-950 ring-amber-300",
    swatch: "bg-amber-300",
    chart: "#f59e0b",
  },
  assumption: {
    label: "Assumption",
    description: "Taking something as given: assuming, let's say, suppose",
    mark: "bg-sky-100 text-sky-950 ring-sky-300",
    swatch: "bg-sky-300",
    chart: "#0ea5e9",
  },
  self_correction: {
    label: "Self-correction",
    description: "Going back on a step: wait, no; actually; that's wrong",
    mark: "bg-rose-100 text-rose-950 ring-rose-300",
    swatch: "bg-rose-300",
    chart: "#f43f5e",
  },
  alternative: {
    label: "Alternative",
    description: "Weighing another path: alternatively, or maybe, another approach",
    mark: "bg-emerald-100 text-emerald-950 ring-emerald-300",
    swatch: "bg-emerald-300",
    chart: "#10b981",
  },
  stuck: {
    label: "Stuck",
    description: "Not knowing how to go on: I'm not sure how to proceed",
    mark: "bg-fuchsia-100 text-fuchsia-950 ring-fuchsia-300",
    swatch: "bg-fuchsia-300",
    chart: "#d946ef",
  },
};

export const SIGNAL_ORDER: SignalKind[] = ["hedge", "assumption", "self_correction", "alternative", "stuck"];

export interface Segment {
  text: string;
  /** null for plain text. */
  kind: SignalKind | null;
  /** Index of the span among the shown spans (for "next span"); -1 for plain text. */
  index: number;
}

/**
 * Cuts `text` into segments, highlighting the spans of the enabled kinds:
 * the whole text as one chunk (chunkSegments, with shownSpans' choice and
 * numbering of the spans).
 */
export function segmentText(text: string, spans: SpanLike[], enabled: ReadonlySet<SignalKind>): Segment[] {
  const shown = shownSpans(text, spans, enabled);
  return chunkSegments(text, { start: 0, end: text.length }, shown, 0, shown.length);
}

export function countByKind(spans: SpanLike[]): Record<SignalKind, number> {
  const counts = { hedge: 0, assumption: 0, self_correction: 0, alternative: 0, stuck: 0 };
  for (const s of spans) counts[s.kind]++;
  return counts;
}

/** The density sparkline's points: one per tenth of the text, the enabled kinds summed. */
export function densityPoints(
  positionDensity: { total: number[]; byKind: Record<SignalKind, number[]> },
  enabled: ReadonlySet<SignalKind>,
): { bin: number; label: string; density: number }[] {
  const bins = positionDensity.total.length;
  return positionDensity.total.map((_, i) => ({
    bin: i,
    label: `${i * 10}–${(i + 1) * 10}%`,
    density: SIGNAL_ORDER.filter((k) => enabled.has(k)).reduce((a, k) => a + (positionDensity.byKind[k]?.[i] ?? 0), 0),
  })).slice(0, bins);
}

/**
 * A long text cut for rendering: blocks at line breaks (each laid out only
 * when near the screen, CSS content-visibility), each block cut into chunks
 * (each highlighted only when near the screen). A block boundary stands for
 * the one "\n" it is cut at, which belongs to neither block: rendered as
 * block elements, the blocks show and copy as the text did. Chunks of a
 * block join back to it exactly, rendered inline; a line with no break in it
 * is cut into chunks at whitespace, so one long line is not one chunk.
 */
export interface TextChunk {
  start: number;
  end: number;
}

export interface TextBlock extends TextChunk {
  chunks: TextChunk[];
}

/** Disjoint ranges that no cut may fall inside: the in-range spans, merged where they overlap. */
function guardRanges(text: string, spans: SpanLike[]): TextChunk[] {
  const sorted = spans.filter((s) => s.start >= 0 && s.end > s.start && s.end <= text.length).sort((a, b) => a.start - b.start);
  const out: TextChunk[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** The guard range holding position `p` strictly inside (start < p < end), or with `inclusiveStart` also at its start. */
function guarded(guards: TextChunk[], p: number, inclusiveStart: boolean): TextChunk | null {
  let lo = 0;
  let hi = guards.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (guards[mid]!.start <= p) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const g = found >= 0 ? guards[found]! : null;
  if (!g || p >= g.end) return null;
  return g.start < p || (inclusiveStart && g.start === p) ? g : null;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const endsLine = (text: string, end: number) => {
  const c = text.charCodeAt(end - 1);
  return c === 10 || c === 13;
};
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Cuts `text` into blocks of about `blockChars` (at the first line break
 * past that, never inside a span, never where the line before is empty: a
 * block that ended in "\n" would lose a blank line) and each block into
 * chunks of at most about `chunkChars` (at whitespace where there is some;
 * never inside a span or a surrogate pair).
 *
 * A block boundary stands for the line break it was cut at, except in a run
 * of text with no usable line break for more than twice `blockChars` (a
 * model that writes no paragraphs; one line of a megabyte): that is cut
 * between its chunks too, into blocks of about `blockChars` that meet with
 * no character between them (the next block starts where the last ended).
 * Otherwise the page lays out the whole line as one block, as long as it is.
 */
export function splitBlocks(text: string, spans: SpanLike[], opts: { blockChars?: number; chunkChars?: number } = {}): TextBlock[] {
  const blockChars = Math.max(1, opts.blockChars ?? 3000);
  const chunkChars = Math.max(2, opts.chunkChars ?? 1500);
  const guards = guardRanges(text, spans);
  const blocks: TextBlock[] = [];
  let start = 0;
  do {
    let end = text.length;
    for (let p = text.indexOf("\n", start + blockChars); p !== -1 && p < text.length - 1; p = text.indexOf("\n", p + 1)) {
      const before = text.charCodeAt(p - 1);
      if (before === 10 || before === 13) continue;
      const g = guarded(guards, p, true);
      if (g) {
        p = g.end - 1;
        continue;
      }
      end = p;
      break;
    }
    const chunks = chunksOf(text, start, end, chunkChars, guards);
    if (end - start <= 2 * blockChars) blocks.push({ start, end, chunks });
    else {
      for (let i = 0; i < chunks.length; ) {
        const first = chunks[i]!;
        let j = i + 1;
        // Not after a line break either: the block's last "\n" would not be drawn.
        while (j < chunks.length && (chunks[j - 1]!.end - first.start < blockChars || endsLine(text, chunks[j - 1]!.end))) j++;
        blocks.push({ start: first.start, end: chunks[j - 1]!.end, chunks: chunks.slice(i, j) });
        i = j;
      }
    }
    start = end + 1;
  } while (start < text.length);
  return blocks;
}

function chunksOf(text: string, start: number, end: number, chunkChars: number, guards: TextChunk[]): TextChunk[] {
  const chunks: TextChunk[] = [];
  let from = start;
  while (end - from > chunkChars + (chunkChars >> 1)) {
    let cut = -1;
    for (let p = from + chunkChars; p > from + (chunkChars >> 1); p--) {
      if (isSpace(text.charCodeAt(p - 1)) && !guarded(guards, p, false)) {
        cut = p;
        break;
      }
    }
    if (cut < 0) {
      cut = from + chunkChars;
      for (;;) {
        const g = guarded(guards, cut, false);
        if (g) cut = g.end;
        else if (isLowSurrogate(text.charCodeAt(cut))) cut++;
        else break;
      }
    }
    if (cut >= end) break;
    chunks.push({ start: from, end: cut });
    from = cut;
  }
  chunks.push({ start: from, end });
  return chunks;
}

export interface ShownSpan {
  start: number;
  end: number;
  kind: SignalKind;
  /** Its place among the shown spans (what "next span" steps through). */
  index: number;
}

/**
 * The spans to highlight, in text order, numbered as "next span" steps
 * through them. Spans are sorted and do not overlap (the extractor resolves
 * overlaps); anything out of range or overlapping is skipped rather than
 * garbling text.
 */
export function shownSpans(text: string, spans: SpanLike[], enabled: ReadonlySet<SignalKind>): ShownSpan[] {
  const out: ShownSpan[] = [];
  let pos = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (!enabled.has(s.kind) || s.start < pos || s.end > text.length || s.end <= s.start) continue;
    out.push({ start: s.start, end: s.end, kind: s.kind, index: out.length });
    pos = s.end;
  }
  return out;
}

/** For each chunk (in text order), the index of its first shown span; one more entry, the number of spans, at the end. */
export function firstSpanOfChunks(chunks: TextChunk[], shown: ShownSpan[]): number[] {
  const out: number[] = [];
  let i = 0;
  for (const c of chunks) {
    while (i < shown.length && shown[i]!.start < c.start) i++;
    out.push(i);
  }
  out.push(shown.length);
  return out;
}

/** The chunk holding shown span `index` (chunks in text order, with firstSpanOfChunks' table). */
export function chunkOfSpan(firsts: number[], index: number): number {
  let lo = 0;
  let hi = firsts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (firsts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The segments of one chunk: its shown spans `from` to `to` (exclusive) highlighted, numbered as in the whole text. */
export function chunkSegments(text: string, chunk: TextChunk, shown: ShownSpan[], from: number, to: number): Segment[] {
  const out: Segment[] = [];
  let pos = chunk.start;
  for (let i = from; i < to; i++) {
    const s = shown[i]!;
    if (s.start > pos) out.push({ text: text.slice(pos, s.start), kind: null, index: -1 });
    out.push({ text: text.slice(s.start, s.end), kind: s.kind, index: s.index });
    pos = s.end;
  }
  if (pos < chunk.end) out.push({ text: text.slice(pos, chunk.end), kind: null, index: -1 });
  return out;
}

/** Lines a range of the text takes at `charsPerLine` (each line break starts a line; a long line wraps): for a block's placeholder height. */
export function estimateLines(text: string, start: number, end: number, charsPerLine: number): number {
  const cpl = Math.max(1, charsPerLine);
  let lines = 0;
  let from = start;
  for (;;) {
    const nl = text.indexOf("\n", from);
    const lineEnd = nl === -1 || nl >= end ? end : nl;
    lines += Math.max(1, Math.ceil((lineEnd - from) / cpl));
    if (lineEnd === end) return lines;
    from = lineEnd + 1;
  }
}

/** Excerpt length either side of a span in the list of spans. */
export const EXCERPT_CONTEXT = 40;

/**
 * A span with a little of the text around it, for the list of spans: where
 * the text box draws only what is near the screen, the list names every
 * span with its kind, so a screen reader (or a reader skimming) reaches each
 * one without scrolling the whole text. Whitespace runs (line breaks
 * included) read as one space; the context stops at a word boundary when one
 * is near, and says with "…" that it was cut.
 */
export function spanExcerpt(text: string, span: { start: number; end: number }, context = EXCERPT_CONTEXT): { before: string; match: string; after: string } {
  const squash = (s: string) => s.replace(/\s+/g, " ");
  let from = Math.max(0, span.start - context);
  let to = Math.min(text.length, span.end + context);
  if (from > 0) {
    const space = text.slice(from, span.start).search(/\s/);
    if (space >= 0 && from + space < span.start) from += space + 1;
  }
  if (to < text.length) {
    const tail = text.slice(span.end, to);
    const space = Math.max(tail.lastIndexOf(" "), tail.lastIndexOf("\n"), tail.lastIndexOf("\t"));
    if (space > 0) to = span.end + space;
  }
  // Never half a surrogate pair at either end.
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to--;
  const before = squash(text.slice(from, span.start)).trimStart();
  const after = squash(text.slice(span.end, to)).trimEnd();
  return {
    before: (from > 0 ? "…" : "") + before,
    match: squash(text.slice(span.start, span.end)),
    after: after + (to < text.length ? "…" : ""),
  };
}
