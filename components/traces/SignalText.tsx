"use client";

import { useId, useMemo, useRef, useState } from "react";
import { Area, AreaChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Button } from "@/components/ui/Button";
import { cn } from "@/lib/ui/cn";
import { countByKind, densityPoints, segmentText, SIGNAL_ORDER, SIGNAL_STYLES, type SignalKind, type SpanLike } from "@/lib/traces/present";

type PositionDensity = { total: number[]; byKind: Record<SignalKind, number[]> };

/**
 * A text with its signal spans highlighted: a legend that switches each kind
 * on and off, a density-by-position sparkline, and buttons that step from one
 * highlighted span to the next. Draws what it is given; the spans come from
 * the server (trace page) or from the same extractor in the browser
 * (playground, while streaming).
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
  const counts = useMemo(() => countByKind(spans), [spans]);
  const segments = useMemo(() => segmentText(text, spans, enabled), [text, spans, enabled]);
  const shown = segments.filter((s) => s.kind).length;
  const density = useMemo(() => (positionDensity ? densityPoints(positionDensity, enabled) : null), [positionDensity, enabled]);

  function toggle(kind: SignalKind) {
    setEnabled((prev) => {
      const next = new Set(prev);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });
    setCurrent(-1);
  }

  function go(step: 1 | -1) {
    if (!shown) return;
    const next = current < 0 ? (step === 1 ? 0 : shown - 1) : (current + step + shown) % shown;
    setCurrent(next);
    const el = document.getElementById(`${idPrefix}-span-${next}`);
    if (el && boxRef.current) {
      // Scroll inside the text box only; the page stays where the reader is.
      const box = boxRef.current.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      boxRef.current.scrollTop += r.top - box.top - box.height / 3;
      el.focus({ preventScroll: true });
    }
  }

  if (compact && spans.length === 0) {
    return (
      <div role="region" aria-label={label} tabIndex={0} className={cn("overflow-y-auto rounded-md border border-gray-200 bg-gray-50/60 p-3 text-sm leading-relaxed whitespace-pre-wrap text-gray-800", maxHeightClass)}>
        {text}
      </div>
    );
  }

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
          <span className="mr-1 text-xs text-gray-500 tabular-nums" aria-live="polite">
            {shown ? (current >= 0 ? `${current + 1} / ${shown}` : `${shown} span${shown === 1 ? "" : "s"}`) : "no spans"}
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

      <div
        ref={boxRef}
        role="region"
        aria-label={label}
        tabIndex={0}
        className={cn("overflow-y-auto rounded-md border border-gray-200 bg-gray-50/60 p-3 text-sm leading-relaxed whitespace-pre-wrap text-gray-800", maxHeightClass)}
      >
        {segments.map((seg, i) =>
          seg.kind ? (
            <mark
              key={i}
              id={`${idPrefix}-span-${seg.index}`}
              tabIndex={-1}
              title={SIGNAL_STYLES[seg.kind].label}
              data-kind={seg.kind}
              className={cn(
                "rounded-sm px-0.5 ring-1 ring-inset outline-none",
                SIGNAL_STYLES[seg.kind].mark,
                seg.index === current && "ring-2 ring-gray-900",
              )}
            >
              {seg.text}
            </mark>
          ) : (
            <span key={i}>{seg.text}</span>
          ),
        )}
      </div>
    </div>
  );
}

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
