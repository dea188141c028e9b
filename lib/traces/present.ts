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
 * Cuts `text` into segments, highlighting the spans of the enabled kinds.
 * Spans are sorted and do not overlap (the extractor resolves overlaps);
 * anything out of range or overlapping is skipped rather than garbling text.
 */
export function segmentText(text: string, spans: SpanLike[], enabled: ReadonlySet<SignalKind>): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  let index = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (!enabled.has(s.kind) || s.start < pos || s.end > text.length || s.end <= s.start) continue;
    if (s.start > pos) out.push({ text: text.slice(pos, s.start), kind: null, index: -1 });
    out.push({ text: text.slice(s.start, s.end), kind: s.kind, index: index++ });
    pos = s.end;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), kind: null, index: -1 });
  return out;
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
