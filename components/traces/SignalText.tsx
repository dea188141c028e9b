"use client";

import { memo, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type RefObject } from "react";
import { Area, AreaChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Button } from "@/components/ui/Button";
import { cn } from "@/lib/ui/cn";
import {
  chunkOfSpan,
  chunkSegments,
  countByKind,
  densityPoints,
  estimateLines,
  firstSpanOfChunks,
  shownSpans,
  SIGNAL_ORDER,
  SIGNAL_STYLES,
  spanExcerpt,
  splitBlocks,
  type ShownSpan,
  type SignalKind,
  type SpanLike,
  type TextBlock,
  type TextChunk,
} from "@/lib/traces/present";

type PositionDensity = { total: number[]; byKind: Record<SignalKind, number[]> };

/**
 * A text with its signal spans highlighted: a legend that switches each kind
 * on and off, a density-by-position sparkline, and buttons that step from one
 * highlighted span to the next. Draws what it is given; the spans come from
 * the server (trace page) or from the same extractor in the browser
 * (playground, while streaming).
 *
 * Long texts (a trace keeps up to 1,000,000 characters, with a span every
 * few words at worst) are drawn so that the page does only the work of what
 * is on screen: the text is cut into blocks at line breaks (a line of more
 * than a few thousand characters between its words), each laid out
 * only when near the screen (CSS content-visibility, with a placeholder
 * height estimated from its lines), and each block into chunks, highlighted
 * only while near the box's visible part (an IntersectionObserver); the
 * others are plain text, so all of the text is there to read, find and copy.
 * Prev/Next step through every shown span: the chunk of the span stepped to
 * is highlighted first, then scrolled to. Read straight through by a screen
 * reader, the spans away from the screen are plain text: Prev/Next announce
 * each span's kind and words, and the list of spans names every one.
 */
export function SignalText({
  text,
  spans,
  positionDensity,
  label,
  compact = false,
  maxHeightClass = "max-h-[32rem]",
}: {
  text: string;
  spans: SpanLike[];
  positionDensity?: PositionDensity | null;
  /** Names the region for screen readers and the controls, e.g. "Thinking". */
  label: string;
  /** Legend without descriptions, no sparkline: for narrow columns. */
  compact?: boolean;
  maxHeightClass?: string;
}) {
  const idPrefix = useId();
  const [enabled, setEnabled] = useState<Set<SignalKind>>(() => new Set(SIGNAL_ORDER));
  const [current, setCurrent] = useState(-1);
  const boxRef = useRef<HTMLDivElement>(null);
  const scrollTo = useRef(-1);
  const settling = useRef(0);
  const counts = useMemo(() => countByKind(spans), [spans]);
  const shownList = useMemo(() => shownSpans(text, spans, enabled), [text, spans, enabled]);
  const shown = shownList.length;

  function toggle(kind: SignalKind) {
    setEnabled((prev) => {
      const next = new Set(prev);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });
    setCurrent(-1);
  }

  function jump(i: number) {
    // The span's chunk may not be highlighted yet: it is once this renders, and scrolled to then.
    scrollTo.current = i;
    setCurrent(i);
  }

  function go(step: 1 | -1) {
    if (!shown) return;
    jump(current < 0 ? (step === 1 ? 0 : shown - 1) : (current + step + shown) % shown);
  }

  // What a screen reader hears on Prev/Next or a pick from the list: the span's kind and words, not only its number.
  const currentSpan = current >= 0 ? shownList[current] : undefined;
  const announcement = currentSpan ? `Span ${current + 1} of ${shown}, ${SIGNAL_STYLES[currentSpan.kind].label}: ${spanExcerpt(text, currentSpan, 0).match}` : "";

  useLayoutEffect(() => {
    const i = scrollTo.current;
    if (i < 0 || i !== current) return;
    const el = document.getElementById(`${idPrefix}-span-${i}`);
    const boxEl = boxRef.current;
    if (!el || !boxEl) return;
    scrollTo.current = -1;
    el.focus({ preventScroll: true });
    // Scroll inside the text box only; the page stays where the reader is. The blocks
    // around the span are laid out once on screen, and may then be taller or shorter
    // than their placeholders: the position is checked again on the next frames.
    cancelAnimationFrame(settling.current);
    let frames = 0;
    let still = 0;
    const place = () => {
      const box = boxEl.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      const delta = r.top - box.top - box.height / 3;
      const before = boxEl.scrollTop;
      if (Math.abs(delta) > 1) boxEl.scrollTop += delta;
      still = boxEl.scrollTop === before ? still + 1 : 0;
      if (still < 2 && ++frames < 30) settling.current = requestAnimationFrame(place);
    };
    place();
  });
  useEffect(() => () => cancelAnimationFrame(settling.current), []);

  const density = useMemo(() => (positionDensity ? densityPoints(positionDensity, enabled) : null), [positionDensity, enabled]);
  const box = (
    <div
      ref={boxRef}
      role="region"
      aria-label={label}
      tabIndex={0}
      className={cn("overflow-y-auto rounded-md border border-gray-200 bg-gray-50/60 p-3 text-sm leading-relaxed whitespace-pre-wrap text-gray-800", maxHeightClass)}
    >
      <TextBlocks text={text} spans={spans} shown={shownList} current={current} idPrefix={idPrefix} boxRef={boxRef} />
    </div>
  );

  if (compact && spans.length === 0) return box;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div role="group" aria-label={`${label}: highlighted signals`} className="flex flex-wrap gap-1.5">
          {SIGNAL_ORDER.map((k) => {
            const on = enabled.has(k);
            const s = SIGNAL_STYLES[k];
            return (
              <button
                key={k}
                type="button"
                aria-pressed={on}
                title={s.description}
                onClick={() => toggle(k)}
                className={cn(
                  "inline-flex h-7 items-center gap-1.5 rounded-full px-2.5 text-xs ring-1 ring-inset transition-colors focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-accent-600",
                  on ? "bg-white text-gray-900 ring-gray-300" : "bg-gray-50 text-gray-400 ring-gray-200 line-through",
                )}
              >
                <span aria-hidden className={cn("size-2.5 rounded-sm", on ? s.swatch : "bg-gray-300")} />
                {s.label}
                <span className="tabular-nums text-gray-500">{counts[k]}</span>
              </button>
            );
          })}
        </div>
        <div className="flex items-center gap-1">
          <span className="mr-1 text-xs text-gray-500 tabular-nums">
            {shown ? (current >= 0 ? `${current + 1} / ${shown}` : `${shown} span${shown === 1 ? "" : "s"}`) : "no spans"}
          </span>
          <span className="sr-only" aria-live="polite">
            {announcement}
          </span>
          <Button size="sm" onClick={() => go(-1)} disabled={!shown} aria-label={`Previous span in ${label.toLowerCase()}`}>
            ↑ Prev
          </Button>
          <Button size="sm" onClick={() => go(1)} disabled={!shown} aria-label={`Next span in ${label.toLowerCase()}`}>
            ↓ Next span
          </Button>
        </div>
      </div>

      {!compact && density ? <DensitySparkline points={density} label={label} /> : null}

      {box}

      {shown ? <SpanList text={text} shown={shownList} current={current} label={label} onPick={jump} /> : null}
    </div>
  );
}

/** Rows of the span list drawn at a time: a 1 MB trace has tens of thousands of spans. */
const LIST_PAGE = 200;

/**
 * Every shown span as a list (kind, words, a little context), closed until
 * asked for. The text box highlights only what is near the screen, so read
 * straight through, its other spans are plain text; the list names each one,
 * and picking a row steps to it in the text as Prev/Next does.
 */
function SpanList({ text, shown, current, label, onPick }: { text: string; shown: ShownSpan[]; current: number; label: string; onPick: (i: number) => void }) {
  const [open, setOpen] = useState(false);
  const [limit, setLimit] = useState(LIST_PAGE);
  // A legend toggle gives another list: back to its first page.
  useEffect(() => setLimit(LIST_PAGE), [shown]);
  const rows = open ? shown.slice(0, limit) : [];
  return (
    <details className="text-sm" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer text-xs text-gray-600 hover:text-gray-900">
        List all {shown.length} span{shown.length === 1 ? "" : "s"}
      </summary>
      {open ? (
        <div className="mt-2 max-h-72 overflow-y-auto rounded-md border border-gray-200">
          <ol aria-label={`${label}: spans`} className="divide-y divide-gray-100">
            {rows.map((s) => {
              const e = spanExcerpt(text, s);
              const style = SIGNAL_STYLES[s.kind];
              return (
                <li key={s.index}>
                  <button
                    type="button"
                    onClick={() => onPick(s.index)}
                    aria-current={s.index === current ? "true" : undefined}
                    className={cn(
                      "flex w-full items-baseline gap-2 px-3 py-1.5 text-left text-xs hover:bg-gray-50 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-accent-600",
                      s.index === current && "bg-gray-100",
                    )}
                  >
                    <span className="w-10 shrink-0 text-right text-gray-400 tabular-nums">{s.index + 1}</span>
                    <span className="w-28 shrink-0 font-medium text-gray-700">
                      <span aria-hidden className={cn("mr-1.5 inline-block size-2 rounded-sm", style.swatch)} />
                      {style.label}
                    </span>
                    <span className="min-w-0 text-gray-500">
                      {e.before}
                      <mark className={cn("rounded-sm px-0.5", style.mark)}>{e.match}</mark>
                      {e.after}
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
          {shown.length > limit ? (
            <div className="border-t border-gray-100 p-2">
              <Button size="sm" onClick={() => setLimit((l) => l + LIST_PAGE)}>
                Show {Math.min(LIST_PAGE, shown.length - limit)} more of {shown.length - limit}
              </Button>
            </div>
          ) : null}
        </div>
      ) : null}
    </details>
  );
}

/** Characters of the text whose chunks are highlighted before the observer has reported: the box's first screens. */
const EAGER_CHARS = 6000;

/**
 * The text in blocks and chunks (see SignalText). Blocks get a placeholder
 * height from their lines at the box's measured width and font, until they
 * have been laid out once (contain-intrinsic-size: auto keeps the real one).
 */
function TextBlocks({
  text,
  spans,
  shown,
  current,
  idPrefix,
  boxRef,
}: {
  text: string;
  spans: SpanLike[];
  shown: ShownSpan[];
  current: number;
  idPrefix: string;
  boxRef: RefObject<HTMLDivElement | null>;
}) {
  const blocks = useMemo(() => splitBlocks(text, spans), [text, spans]);
  const chunks = useMemo(() => blocks.flatMap((b) => b.chunks), [blocks]);
  const firsts = useMemo(() => firstSpanOfChunks(chunks, shown), [chunks, shown]);
  const [near, setNear] = useState<ReadonlySet<number>>(() => new Set());
  const [metrics, setMetrics] = useState({ charsPerLine: 90, lineHeight: 23 });
  const currentChunk = current >= 0 && current < shown.length ? chunkOfSpan(firsts, current) : -1;

  // Which chunks are near the visible part of the box (one box height either side).
  useEffect(() => {
    const root = boxRef.current;
    if (!root || typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver(
      (entries) =>
        setNear((prev) => {
          const next = new Set(prev);
          for (const e of entries) {
            const i = Number((e.target as HTMLElement).dataset.chunk);
            if (e.isIntersecting) next.add(i);
            else next.delete(i);
          }
          return next.size === prev.size && [...next].every((i) => prev.has(i)) ? prev : next;
        }),
      { root, rootMargin: "100% 0px" },
    );
    for (const el of Array.from(root.querySelectorAll<HTMLElement>("[data-chunk]"))) io.observe(el);
    return () => io.disconnect();
  }, [boxRef, chunks]);

  // The box's characters per line and line height, for the blocks' placeholder heights.
  useEffect(() => {
    const root = boxRef.current;
    if (!root || typeof ResizeObserver === "undefined") return;
    const measure = () => {
      const cs = getComputedStyle(root);
      const ctx = document.createElement("canvas").getContext("2d");
      const sample = text.slice(0, 2000) || "x";
      let charWidth = 7;
      if (ctx) {
        ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        charWidth = ctx.measureText(sample).width / sample.length || 7;
      }
      const width = root.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const next = { charsPerLine: Math.max(10, Math.floor(width / charWidth)), lineHeight: parseFloat(cs.lineHeight) || 23 };
      setMetrics((m) => (m.charsPerLine === next.charsPerLine && m.lineHeight === next.lineHeight ? m : next));
    };
    const ro = new ResizeObserver(measure);
    ro.observe(root);
    return () => ro.disconnect();
    // The sample text matters only for its letters: measured again when the box's width changes, not on every streamed delta.
  }, [boxRef]);

  const heights = useMemo(() => blocks.map((b) => Math.round(estimateLines(text, b.start, b.end, metrics.charsPerLine) * metrics.lineHeight)), [text, blocks, metrics]);

  let c = 0;
  return blocks.map((b, bi) => {
    const first = c;
    c += b.chunks.length;
    return (
      <Block key={bi} text={text} block={b} firstChunk={first} firsts={firsts} shown={shown} near={near} currentChunk={currentChunk} current={current} idPrefix={idPrefix} height={heights[bi]!} />
    );
  });
}

function Block({
  text,
  block,
  firstChunk,
  firsts,
  shown,
  near,
  currentChunk,
  current,
  idPrefix,
  height,
}: {
  text: string;
  block: TextBlock;
  firstChunk: number;
  firsts: number[];
  shown: ShownSpan[];
  near: ReadonlySet<number>;
  currentChunk: number;
  current: number;
  idPrefix: string;
  /** Placeholder height until the block has been laid out. */
  height: number;
}) {
  return (
    <div style={{ contentVisibility: "auto", containIntrinsicSize: `auto ${height}px` }}>
      {block.chunks.map((chunk, k) => {
        const i = firstChunk + k;
        const live = near.has(i) || i === currentChunk || chunk.start < EAGER_CHARS;
        return (
          <Chunk
            key={k}
            index={i}
            text={text}
            chunk={chunk}
            shown={live ? shown : null}
            from={firsts[i]!}
            to={firsts[i + 1]!}
            current={i === currentChunk ? current : -1}
            idPrefix={idPrefix}
          />
        );
      })}
    </div>
  );
}

/** One chunk: its spans as marks when `shown` is given, else plain text. Re-renders only when its own props change. */
const Chunk = memo(function Chunk({
  index,
  text,
  chunk,
  shown,
  from,
  to,
  current,
  idPrefix,
}: {
  index: number;
  text: string;
  chunk: TextChunk;
  shown: ShownSpan[] | null;
  from: number;
  to: number;
  current: number;
  idPrefix: string;
}) {
  if (!shown || from === to) return <span data-chunk={index}>{text.slice(chunk.start, chunk.end)}</span>;
  return (
    <span data-chunk={index}>
      {chunkSegments(text, chunk, shown, from, to).map((seg, i) =>
        seg.kind ? (
          <mark
            key={i}
            id={`${idPrefix}-span-${seg.index}`}
            tabIndex={-1}
            title={SIGNAL_STYLES[seg.kind].label}
            data-kind={seg.kind}
            className={cn("rounded-sm px-0.5 ring-1 ring-inset outline-none", SIGNAL_STYLES[seg.kind].mark, seg.index === current && "ring-2 ring-gray-900")}
          >
            {seg.text}
          </mark>
        ) : (
          <span key={i}>{seg.text}</span>
        ),
      )}
    </span>
  );
});

function DensitySparkline({ points, label }: { points: { bin: number; label: string; density: number }[]; label: string }) {
  const peak = points.reduce((a, p) => (p.density > a.density ? p : a), points[0] ?? { bin: 0, label: "", density: 0 });
  const summary = peak.density > 0 ? `densest at ${peak.label} of the text (${peak.density.toFixed(0)} per 1,000 words)` : "no signals";
  return (
    <figure className="flex items-center gap-3">
      <figcaption className="w-20 shrink-0 text-[11px] leading-tight text-gray-500 sm:w-28">
        Density by position
        <span className="sr-only">: {summary}</span>
      </figcaption>
      <div className="h-10 min-w-0 flex-1" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={points} margin={{ top: 2, right: 2, bottom: 0, left: 2 }}>
            <XAxis dataKey="label" hide />
            <YAxis hide domain={[0, "dataMax"]} />
            <Tooltip
              cursor={{ stroke: "#9ca3af" }}
              contentStyle={{ fontSize: 11, padding: "2px 6px" }}
              formatter={(v) => [`${Number(v).toFixed(1)} per 1,000 words`, label]}
            />
            <Area type="monotone" dataKey="density" stroke="#d97706" fill="#fde68a" strokeWidth={1.5} isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <span className="hidden w-24 shrink-0 text-right text-[11px] text-gray-500 sm:inline">start → end</span>
    </figure>
  );
}
